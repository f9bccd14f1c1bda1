"""Metadata given at ingest (command-line options or a sidecar file), checked against the graph:
a kind, a Party, a convention or a fulfilled requirement the graph does not know is refused with
the known values named, before anything is written."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from graph import queries
from graph.store import GraphStore, term_text
from ingest import iri
from ingest.errors import IngestError
from ingest.models import DocumentMetadata


class InvalidMetadataError(IngestError):
    """Metadata naming something the graph does not hold."""


@dataclass(frozen=True)
class MetadataTerms:
    """The values metadata may take, read from the store once per ingestion run."""

    kinds: frozenset[str]  # document-kind slugs
    countries: dict[str, str]  # ISO alpha-2 or alpha-3 code → alpha-3
    conventions: frozenset[str]  # convention keys
    requirements: dict[tuple[str, str], list[str]]  # (convention key, notation) → requirement IRIs

    @classmethod
    def from_store(cls, store: GraphStore) -> MetadataTerms:
        kinds: set[str] = set()
        countries: dict[str, str] = {}
        conventions: set[str] = set()
        requirements: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in store.select(queries.load("ingest_metadata_terms")):
            term, kind = term_text(row["term"]), term_text(row["type"])
            last = term.rsplit("/", 1)[-1]
            if kind == "kind":
                kinds.add(last)
            elif kind == "country":
                countries[term_text(row["code"]).upper()] = last
            elif kind == "convention":
                conventions.add(last)
            else:
                convention = term_text(row["convention"]).rsplit("/", 1)[-1]
                requirements[(convention, notation_key(term_text(row["code"])))].append(term)
        return cls(frozenset(kinds), countries, frozenset(conventions), dict(requirements))

    def resolve(self, metadata: DocumentMetadata) -> DocumentMetadata:
        """The metadata with the Party as its alpha-3 code and each fulfilled requirement as IRIs.

        Raises InvalidMetadataError naming the field, the value and what is known.
        """
        if metadata.kind and metadata.kind not in self.kinds:
            raise InvalidMetadataError(f"kind: unknown document kind {metadata.kind!r}; known: {_names(self.kinds)}")
        if metadata.convention and metadata.convention not in self.conventions:
            raise InvalidMetadataError(
                f"convention: unknown convention {metadata.convention!r}; known: {_names(self.conventions)}"
            )
        party = None
        if metadata.party:
            party = self.countries.get(metadata.party.strip().upper())
            if party is None:
                raise InvalidMetadataError(
                    f"party: {metadata.party!r} is not an ISO 3166 alpha-2 or alpha-3 country code (FR, FRA)"
                )
        return replace(metadata, party=party, fulfils=";".join(self._requirements(metadata)) or None)

    def _requirements(self, metadata: DocumentMetadata) -> list[str]:
        found: list[str] = []
        for reference in split_references(metadata.fulfils):
            if reference.startswith(str(iri.CHMID)):
                if not any(reference in iris for iris in self.requirements.values()):
                    raise InvalidMetadataError(f"fulfils: no information requirement {reference}")
                found.append(reference)
                continue
            if not metadata.convention:
                raise InvalidMetadataError(
                    f"fulfils: {reference!r} is an article reference; give the document's convention too"
                )
            iris = self.requirements.get((metadata.convention, notation_key(reference)))
            if not iris:
                known = sorted({n for c, n in self.requirements if c == metadata.convention})
                raise InvalidMetadataError(
                    f"fulfils: no {metadata.convention} requirement {reference!r}; known: {', '.join(known) or 'none'}"
                )
            found.extend(iris)
        return found


def split_references(text: str | None) -> list[str]:
    """ "7.1; 15.2 (a)" → ["7.1", "15.2 (a)"] (a sidecar's list arrives joined by ";")."""
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def notation_key(notation: str) -> str:
    """A requirement notation without spaces and final dots ("15.2 (a)" and "15.2(a)" match)."""
    return re.sub(r"\s+", "", notation).rstrip(".").lower()


def _names(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))
