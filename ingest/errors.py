"""Errors raised by the ingest package. Each says what is wrong and where, in one line."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """Base class of every error the ingest package raises on bad input."""


class UnreadableDocumentError(IngestError):
    """A document that cannot be read: missing, unsupported, empty, too large, corrupt or encrypted."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class UnsupportedLanguageError(IngestError):
    """A document in a language the pipeline has no models for, or whose language cannot be told."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
