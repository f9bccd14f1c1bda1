"""The interfaces of chm-kg: the `chm` command line, and (coming) the HTTP service."""
