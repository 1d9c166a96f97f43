"""Handing secrets to programs: the child process, the stream filter, the environment merge,
the export formats and the keys that steer how programs start."""
