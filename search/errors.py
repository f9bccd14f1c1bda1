"""The errors search raises; api/errors.py maps each to one HTTP status."""

from __future__ import annotations


class SearchError(Exception):
    """Base of every search error."""


class EmbedderError(SearchError):
    """A model cannot be loaded (offline, missing package or folder)."""


class IndexMismatchError(SearchError):
    """The saved index was built with another model than the one configured."""


class IndexMissingError(SearchError):
    """No search index has been built beside the store."""


class BadSearchRequestError(SearchError):
    """The request is malformed: an empty or oversized question, an unknown facet value..."""


class UnsupportedLanguageError(BadSearchRequestError):
    """The question is in a language no configured encoder covers."""
