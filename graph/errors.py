"""Errors raised by the graph package. Each says what is wrong and where, in one line."""

from __future__ import annotations


class GraphError(Exception):
    """Base class of every error the graph package raises on bad input or state."""


class StoreNotFoundError(GraphError):
    """The data directory holds no store (run `chm init` first)."""


class StoreLockedError(GraphError):
    """Another process holds the store open for writing."""


class QuerySyntaxError(GraphError):
    """A SPARQL query or update does not parse; the message carries the position."""


class UnsupportedFormatError(GraphError):
    """A format name or media type the operation cannot produce or read."""


class RdfSyntaxError(GraphError):
    """RDF data that does not parse; the message names the source and the position."""


class ValidationFailedError(GraphError):
    """Data that breaks the SHACL shapes; `report` holds the violations."""

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report
