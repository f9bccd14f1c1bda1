"""What the graph says about one resource, for a reader: its labels in their language, types,
properties, incoming links, the paragraphs its facts were extracted from, and the named graphs
that mention it. `describe` feeds the HTML page; `describe_graph` gives the RDF for the same IRI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import queries
from graph.formats import RDF_SYNTAXES
from graph.labels import LabelCandidate, LanguageOrder, fallback_label
from graph.store import GraphStore, Term
from ontology import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PREDICATES = {PREFIXES["rdfs"] + "label": 0, PREFIXES["skos"] + "prefLabel": 1}
NAME_PREDICATES = LABEL_PREDICATES | {PREFIXES["dcterms"] + "title": 2, PREFIXES["skos"] + "notation": 3}
PARAGRAPH = PREFIXES["chm"] + "Paragraph"
TEXT = PREFIXES["schema"] + "text"
_PLAIN = {PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString"}
#: Most values shown per property; the rest are counted in `Fact.more`.
MAX_VALUES = 500


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


@dataclass
class Fact:
    """The values of one predicate: objects (outgoing facts) or subjects (incoming ones)."""

    predicate: str
    predicate_label: str
    values: list[Value]
    more: int = 0


@dataclass(frozen=True)
class Statement:
    """One chm:Assertion: what was extracted, by which extractor, with what confidence."""

    assertion: str
    subject: Value
    predicate: str
    predicate_label: str
    object: Value
    extractor: Value | None
    confidence: float | None


@dataclass
class Source:
    """A paragraph that statements about the resource were extracted from."""

    paragraph: str
    text: str | None
    language: str | None
    document: str | None
    document_title: str | None
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    label: str
    label_language: str | None
    types: list[tuple[str, str]]
    #: The best label per language (UN languages first; "" for untagged labels).
    labels: dict[str, str]
    #: Outgoing facts other than rdf:type, rdfs:label and skos:prefLabel (in `types`, `labels`).
    properties: list[Fact]
    incoming: list[Fact]
    incoming_total: int
    sources: list[Source]
    sources_total: int
    graphs: list[str]
    paragraph_text: str | None = None
    paragraph_language: str | None = None


def describe(store: GraphStore, iri: str, languages: list[str]) -> Description | None:
    """Describe `iri` for a reader preferring `languages` (best first; the other UN languages and
    then any follow). Returns None when the store holds no statement with `iri` as subject or object.
    """
    out = store.select(queries.load("describe_out"), entity=iri)
    into = store.select(queries.load("describe_in"), entity=iri)
    if not out and not into:
        return None
    order = LanguageOrder(languages)
    namer = _Namer(store, order)
    grouped = _group(out, "predicate", "value")
    own = [
        LabelCandidate(v.value, v.language, NAME_PREDICATES[p])
        for p, values in grouped.items()
        if p in NAME_PREDICATES
        for v in values
        if isinstance(v, ox.Literal)
    ]
    best = order.best(own)
    texts = [v for v in grouped.get(TEXT, {}) if isinstance(v, ox.Literal)]
    text = order.best(LabelCandidate(t.value, t.language, 0) for t in texts)
    types = [(v.value, _value(v, c, order).label or "") for v, c in grouped.get(RDF_TYPE, {}).items()]
    return Description(
        iri=iri,
        label=best.text if best else fallback_label(iri),
        label_language=best.language if best else None,
        types=types,
        labels=order.per_language(c for c in own if c.rank in LABEL_PREDICATES.values()),
        properties=_facts(grouped, namer, order, skip={RDF_TYPE, *LABEL_PREDICATES}),
        incoming=_facts(_group(into, "predicate", "subject"), namer, order, skip=set()),
        incoming_total=_count(store.select(queries.load("describe_in_count"), entity=iri), "statements"),
        sources=_sources(store.select(queries.load("describe_sources"), entity=iri), namer, order),
        sources_total=_count(store.select(queries.load("describe_sources_count"), entity=iri), "assertions"),
        graphs=[r["graph"].value for r in store.select(queries.load("describe_graphs"), entity=iri)],
        paragraph_text=text.text if text and PARAGRAPH in {t for t, _ in types} else None,
        paragraph_language=text.language if text and PARAGRAPH in {t for t, _ in types} else None,
    )


def describe_graph(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The RDF about `iri`: its Concise Bounded Description (every statement with it as subject,
    and those of the blank nodes they reach) and the rdfs:label of every IRI it points to, over
    the union of the named graphs. Empty when the store says nothing about it as a subject."""
    cbd = store.query(queries.load("describe_cbd"), bindings={"entity": iri})
    labels = store.query(queries.load("describe_value_labels"), bindings={"entity": iri})
    assert isinstance(cbd, ox.QueryTriples) and isinstance(labels, ox.QueryTriples)
    entity = ox.NamedNode(iri)
    unique = dict.fromkeys([*cbd, *labels])
    return sorted(unique, key=lambda t: (t.subject != entity, str(t.subject), str(t.predicate), str(t.object)))


def serialize(triples: Iterable[ox.Triple], media_type: str) -> bytes:
    """`triples` in the RDF syntax of `media_type` (text/turtle, application/ld+json, ...), with
    the project's prefixes. Raises KeyError for a media type that is not a triple syntax."""
    syntax = next(s for s in RDF_SYNTAXES.values() if s.media_type == media_type)
    return ox.serialize(triples, format=syntax.oxigraph, prefixes=PREFIXES) or b""


class _Namer:
    """Labels of predicates (the ontology's, in the reader's language) and of other IRIs."""

    def __init__(self, store: GraphStore, order: LanguageOrder) -> None:
        self.store, self.order = store, order
        self._terms: dict[str, list[LabelCandidate]] = {}
        for row in store.select(queries.load("ontology_labels")):
            label = row["label"]
            if isinstance(label, ox.Literal):
                self._terms.setdefault(row["term"].value, []).append(LabelCandidate(label.value, label.language, 0))
        self._values: dict[str, Value] = {}

    def predicate(self, iri: str) -> str:
        best = self.order.best(self._terms.get(iri, []))
        return best.text if best else fallback_label(iri)

    def extractor(self, term: Term | None, label: Term | None) -> Value | None:
        if term is None or label is None:
            return None if term is None else self.value(term)
        return Value("iri", term.value, iri=term.value, label=label.value)

    def value(self, term: Term) -> Value:
        """A term as a Value, labelled through labels.rq (memoised per describe call)."""
        if not isinstance(term, ox.NamedNode):
            return _value(term, [], self.order)
        if term.value not in self._values:
            rows = self.store.select(queries.load("labels"), entity=term.value)
            self._values[term.value] = _value(term, [c for r in rows if (c := _candidate(r))], self.order)
        return self._values[term.value]


def _group(rows: list[dict[str, Term]], key: str, item: str) -> dict[str, dict[Term, list[LabelCandidate]]]:
    """Rows as predicate → value → label candidates of the value, keeping their order."""
    grouped: dict[str, dict[Term, list[LabelCandidate]]] = {}
    for row in rows:
        candidates = grouped.setdefault(row[key].value, {}).setdefault(row[item], [])
        candidate = _candidate(row)
        if candidate is not None:
            candidates.append(candidate)
    return grouped


def _candidate(row: dict[str, Term]) -> LabelCandidate | None:
    label, rank = row.get("label"), row.get("rank")
    if not isinstance(label, ox.Literal) or not isinstance(rank, ox.Literal):
        return None
    return LabelCandidate(label.value, label.language, int(rank.value))


def _value(term: Term, candidates: list[LabelCandidate], order: LanguageOrder) -> Value:
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


def _facts(
    grouped: dict[str, dict[Term, list[LabelCandidate]]], namer: _Namer, order: LanguageOrder, skip: set[str]
) -> list[Fact]:
    facts = []
    for predicate, values in grouped.items():
        if predicate in skip:
            continue
        shown = sorted(
            (_value(term, candidates, order) for term, candidates in values.items()),
            key=lambda v: (order.position(v.language) if v.kind == "literal" else 0, (v.label or v.text).casefold()),
        )
        facts.append(Fact(predicate, namer.predicate(predicate), shown[:MAX_VALUES], max(0, len(shown) - MAX_VALUES)))
    return sorted(facts, key=lambda f: (f.predicate_label.casefold(), f.predicate))


def _sources(rows: list[dict[str, Term]], namer: _Namer, order: LanguageOrder) -> list[Source]:
    """Rows of describe_sources.rq as paragraphs, each with its statements, in document order."""
    sources: dict[str, Source] = {}
    titles: dict[str, list[LabelCandidate]] = {}
    seen: set[str] = set()
    for row in rows:
        paragraph = row["paragraph"].value
        text, document, title = row.get("text"), row.get("document"), row.get("title")
        if paragraph not in sources:
            sources[paragraph] = Source(
                paragraph=paragraph,
                text=text.value if text is not None else None,
                language=text.language if isinstance(text, ox.Literal) else None,
                document=document.value if document is not None else None,
                document_title=None,
            )
        if isinstance(title, ox.Literal):
            titles.setdefault(paragraph, []).append(LabelCandidate(title.value, title.language, 2))
        assertion = row["assertion"].value
        if assertion in seen:
            continue
        seen.add(assertion)
        extractor, extractor_label, confidence = row.get("extractor"), row.get("extractor_label"), row.get("confidence")
        predicate = row["predicate"].value
        sources[paragraph].statements.append(
            Statement(
                assertion=assertion,
                subject=namer.value(row["subject"]),
                predicate=predicate,
                predicate_label=namer.predicate(predicate),
                object=namer.value(row["object"]),
                extractor=namer.extractor(extractor, extractor_label),
                confidence=float(confidence.value) if confidence is not None else None,
            )
        )
    for paragraph, candidates in titles.items():
        best = order.best(candidates)
        sources[paragraph].document_title = best.text if best else None
    return list(sources.values())


def _count(rows: list[dict[str, Term]], name: str) -> int:
    return int(rows[0][name].value) if rows and name in rows[0] else 0
