"""A lexical bridge between languages through the graph's multilingual labels.

BM25 only matches a question's words against paragraphs in the question's language. But the graph
holds concepts labelled in the six UN languages (UNBIS, LEO, the conventions, chemicals, countries):
when a question names one (in its words, after stemming), the concept's labels in the other
languages join the lexical query, so "النفايات الخطرة" also looks for "hazardous wastes".
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from graph import queries
from graph.store import GraphStore
from search.tokenise import tokens

#: Labels longer than this many terms are not matched (descriptions, not names).
MAX_TERMS = 6


@dataclass(frozen=True)
class ConceptMatch:
    concept: str
    words: tuple[str, ...]  # the question's terms that named it


class ConceptBridge:
    """Term sequences of every label → concepts, and each concept's labels by language."""

    def __init__(self, labels: list[tuple[str, str, str]]) -> None:
        """`labels`: (concept IRI, label, language) triples."""
        self._forms: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        self._labels: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.seconds = 0.0  # time taken to build from a store
        for concept, label, language in labels:
            terms = tuple(tokens(label, language))
            if terms and len(terms) <= MAX_TERMS:
                self._forms[(language, terms)].add(concept)
                self._labels[concept].add((language, label))

    @classmethod
    def from_store(cls, store: GraphStore) -> ConceptBridge:
        started = time.perf_counter()
        rows = store.select(queries.load("search_concept_labels"))
        labels = [
            (row["concept"].value, row["label"].value, (row["label"].language or "").split("-")[0])  # type: ignore[union-attr]
            for row in rows
        ]
        bridge = cls(labels)
        bridge.seconds = time.perf_counter() - started
        return bridge

    def __len__(self) -> int:
        return len(self._forms)

    def match(self, question: str, language: str | None) -> list[ConceptMatch]:
        """The concepts the question names, longest run of terms first, no two runs overlapping."""
        if language is None:
            return []
        terms = tokens(question, language)
        used: set[int] = set()
        found: list[ConceptMatch] = []
        for size in range(min(MAX_TERMS, len(terms)), 0, -1):
            for start in range(len(terms) - size + 1):
                if used.intersection(range(start, start + size)):
                    continue
                run = tuple(terms[start : start + size])
                concepts = self._forms.get((language, run))
                if concepts:
                    used.update(range(start, start + size))
                    found.extend(ConceptMatch(concept, run) for concept in sorted(concepts))
        return found

    def other_language_terms(self, matches: list[ConceptMatch], language: str | None) -> list[str]:
        """The terms of the matched concepts' labels in the languages other than the question's."""
        extra: list[str] = []
        for match in matches:
            for label_language, label in sorted(self._labels[match.concept]):
                if label_language != language:
                    extra.extend(tokens(label, label_language))
        return extra
