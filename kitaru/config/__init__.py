"""A repository's configuration of the offline checks: `[tool.kitaru]` in pyproject.toml,
or `kitaru.toml` / `.kitaru.toml`.

``options`` is the one definition of every option (parsing, errors, JSON Schema),
``discover`` finds the file that applies to a checked file (the closest one walking up, as
ruff does), ``regexes`` accepts only patterns whose matching work is bounded, ``globs``
matches paths and names. Pure standard library (tomllib, or tomli before Python 3.11):
no store, no zenml, no pydantic, and nothing in a config file is ever executed.
"""
