"""Terms of the graph as a reader sees them: an IRI with its label in their language, a literal
with its language and datatype, a blank node. Labels come from labels.rq and ontology_labels.rq."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph import queries
from graph.labels import LabelCandidate, LanguageOrder, fallback_label
from graph.store import GraphStore, Term, term_text
from ontology import PREFIXES

_PLAIN = {PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString"}


@dataclass(frozen=True)
class Value:
    """An object (or subject) of a statement: an IRI with its label, a literal, or a blank node."""

    kind: str  # "iri" | "literal" | "blank"
    text: str
    iri: str | None = None
    label: str | None = None
    #: The literal's language, or for an IRI the language of the label chosen.
    language: str | None = None
    datatype: str | None = None


class Namer:
    """Labels of predicates (the ontology's, in the reader's language) and of other IRIs."""

    def __init__(self, store: GraphStore, order: LanguageOrder) -> None:
        self.store, self.order = store, order
        self._terms: dict[str, list[LabelCandidate]] = {}
        for row in store.select(queries.load("ontology_labels")):
            label = row["label"]
            if isinstance(label, ox.Literal):
                self._terms.setdefault(term_text(row["term"]), []).append(
                    LabelCandidate(label.value, label.language, 0)
                )
        self._values: dict[str, Value] = {}

    def predicate(self, iri: str) -> str:
        best = self.order.best(self._terms.get(iri, []))
        return best.text if best else fallback_label(iri)

    def extractor(self, term: Term | None, label: Term | None) -> Value | None:
        if term is None or label is None:
            return None if term is None else self.value(term)
        language = label.language if isinstance(label, ox.Literal) else None
        return Value("iri", term_text(term), iri=term_text(term), label=term_text(label), language=language)

    def value(self, term: Term) -> Value:
        """A term as a Value, labelled through labels.rq (memoised per describe call)."""
        if not isinstance(term, ox.NamedNode):
            return value_of(term, [], self.order)
        if term.value not in self._values:
            rows = self.store.select(queries.load("labels"), entity=term.value)
            self._values[term.value] = value_of(term, [c for r in rows if (c := candidate_of(r))], self.order)
        return self._values[term.value]


def candidate_of(row: dict[str, Term]) -> LabelCandidate | None:
    """The label in a row of labels.rq or describe_*.rq (its ?label and ?rank), if any."""
    label, rank = row.get("label"), row.get("rank")
    if not isinstance(label, ox.Literal) or not isinstance(rank, ox.Literal):
        return None
    return LabelCandidate(label.value, label.language, int(rank.value))


def value_of(term: Term, candidates: list[LabelCandidate], order: LanguageOrder) -> Value:
    """`term` as a Value, an IRI labelled by the best of `candidates` (or its fallback label)."""
    if isinstance(term, ox.NamedNode):
        best = order.best(candidates)
        label, language = (best.text, best.language) if best else (fallback_label(term.value), None)
        return Value("iri", term.value, iri=term.value, label=label, language=language)
    if isinstance(term, ox.Literal):
        datatype = None if term.datatype.value in _PLAIN else term.datatype.value
        return Value("literal", term.value, language=term.language, datatype=datatype)
    if isinstance(term, ox.BlankNode):
        return Value("blank", f"_:{term.value}")
    return Value("literal", str(term))
