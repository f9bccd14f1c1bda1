"""Choosing the label of an IRI for a reader: in the languages they prefer, then the other UN
languages, then any; rdfs:label and skos:prefLabel before dcterms:title, before skos:notation,
before the IRI itself (a prefixed name for standard terms, else its last segment)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pyoxigraph as ox

from graph import queries
from ontology import PREFIXES, UN_LANGUAGES

if TYPE_CHECKING:
    from graph.store import GraphStore

#: The rank a label's property has in the .rq files that collect labels (labels.rq, describe_*.rq).
RANKS = {"rdfs:label": 0, "skos:prefLabel": 1, "dcterms:title": 2, "skos:notation": 3}
_TIERS = (0, 0, 1, 2)  # rdfs:label and skos:prefLabel compete on language; title and notation come after
_SEGMENT = re.compile(r"[/#]")


@dataclass(frozen=True)
class LabelCandidate:
    """One label of a resource: its text, language tag (None when untagged) and property rank."""

    text: str
    language: str | None
    rank: int


class LanguageOrder:
    """The languages to look for labels in, best first: those asked for, untagged text, the
    remaining UN languages (ar, en, es, fr, ru, zh), then any other language."""

    def __init__(self, languages: Iterable[str]) -> None:
        order: list[str] = []
        for tag in [*(primary(t) for t in languages), "", *UN_LANGUAGES]:
            if tag not in order and tag != "*":
                order.append(tag)
        self.languages = order

    def position(self, language: str | None) -> int:
        """Where a label's language comes in this order (other languages come last)."""
        tag = (language or "").lower()
        if tag in self.languages:
            return self.languages.index(tag)
        base = primary(tag)
        return self.languages.index(base) if base in self.languages else len(self.languages)

    def _key(self, candidate: LabelCandidate) -> tuple[int, int, int, str]:
        tier = _TIERS[candidate.rank] if 0 <= candidate.rank < len(_TIERS) else len(_TIERS)
        return (tier, self.position(candidate.language), candidate.rank, candidate.text)

    def best(self, candidates: Iterable[LabelCandidate]) -> LabelCandidate | None:
        """The label to show, or None when there is none."""
        return min(candidates, key=self._key, default=None)

    def per_language(self, candidates: Iterable[LabelCandidate]) -> dict[str, str]:
        """The best label in each language found (untagged ones under ""), in this order."""
        chosen: dict[str, LabelCandidate] = {}
        for candidate in candidates:
            tag = candidate.language or ""
            if tag not in chosen or self._key(candidate) < self._key(chosen[tag]):
                chosen[tag] = candidate
        ordered = sorted(chosen.items(), key=lambda item: (self.position(item[0]), item[0]))
        return {tag: candidate.text for tag, candidate in ordered}


def primary(tag: str) -> str:
    """The primary subtag of a language tag, lower-cased ("fr-CH" → "fr")."""
    return tag.split("-")[0].strip().lower()


def compact(iri: str) -> str | None:
    """The prefixed name of an IRI in a known vocabulary ("dcterms:title"), or None."""
    for prefix, namespace in PREFIXES.items():
        if prefix != "chmid" and iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            if not _SEGMENT.search(local):
                return f"{prefix}:{local}"
    return None


def last_segment(iri: str) -> str:
    """The part of an IRI after its last "/" or "#", decoded ("ARG" for .../centre/basel/ARG)."""
    parts = [p for p in _SEGMENT.split(iri) if p]
    return unquote(parts[-1]) if parts else iri


def fallback_label(iri: str) -> str:
    """The label of an IRI that has none: its prefixed name, else its last segment."""
    return compact(iri) or last_segment(iri)


def labels_of(store: GraphStore, iris: Iterable[str], languages: Iterable[str] = ()) -> dict[str, str]:
    """The label to show for each IRI (in `languages` first, then the fallbacks above), in one query."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    from graph.store import term_text  # the store module imports this one

    values = queries.values_block(["entity"], [(ox.NamedNode(iri),) for iri in wanted])
    candidates: dict[str, list[LabelCandidate]] = {iri: [] for iri in wanted}
    for row in store.select(queries.with_values("labels_of", values)):
        label = row["label"]
        language = label.language if isinstance(label, ox.Literal) else None
        candidates[term_text(row["entity"])].append(
            LabelCandidate(term_text(label), language, int(term_text(row["rank"])))
        )
    order = LanguageOrder(languages)
    chosen = {iri: order.best(found) for iri, found in candidates.items()}
    return {iri: best.text if best else fallback_label(iri) for iri, best in chosen.items()}
