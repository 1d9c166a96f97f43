"""The `kitaru` command line: thin commands over the SDK and kitaru.sync."""
