"""What the graph says about one resource, for a reader: its labels in their language, types,
properties, incoming links, the paragraphs its facts were extracted from, and the named graphs
that mention it. `describe` feeds the HTML page; `describe_graph` gives the RDF for the same IRI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import queries
from graph.labels import LabelCandidate, LanguageOrder, fallback_label
from graph.store import GraphStore, Term, term_text
from graph.terms import Namer, Value, candidate_of, value_of
from ontology import PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
LABEL_PREDICATES = {PREFIXES["rdfs"] + "label": 0, PREFIXES["skos"] + "prefLabel": 1}
NAME_PREDICATES = LABEL_PREDICATES | {PREFIXES["dcterms"] + "title": 2, PREFIXES["skos"] + "notation": 3}
PARAGRAPH = PREFIXES["chm"] + "Paragraph"
TEXT = PREFIXES["schema"] + "text"
#: Most values shown per property; the rest are counted in `Fact.more`.
MAX_VALUES = 500


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
    #: The paragraph's position in its document (chm:position).
    position: int | None = None
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
    then any follow). Returns None when the store holds no statement with `iri` as subject or object
    (or `iri` is not a valid IRI).
    """
    if not is_iri(iri):
        return None
    out = store.select(queries.load("describe_out"), entity=iri)
    into = store.select(queries.load("describe_in"), entity=iri)
    if not out and not into:
        return None
    order = LanguageOrder(languages)
    namer = Namer(store, order)
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
    types = [(term_text(v), value_of(v, c, order).label or "") for v, c in grouped.get(RDF_TYPE, {}).items()]
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
        graphs=[term_text(r["graph"]) for r in store.select(queries.load("describe_graphs"), entity=iri)],
        paragraph_text=text.text if text and PARAGRAPH in {t for t, _ in types} else None,
        paragraph_language=text.language if text and PARAGRAPH in {t for t, _ in types} else None,
    )


def describe_graph(store: GraphStore, iri: str) -> list[ox.Triple]:
    """The RDF about `iri`: its Concise Bounded Description (every statement with it as subject,
    and those of the blank nodes they reach) and the rdfs:label of every IRI it points to, over
    the union of the named graphs. Empty when the store says nothing about it as a subject."""
    if not is_iri(iri):
        return []
    cbd = store.query(queries.load("describe_cbd"), bindings={"entity": iri})
    labels = store.query(queries.load("describe_value_labels"), bindings={"entity": iri})
    assert isinstance(cbd, ox.QueryTriples) and isinstance(labels, ox.QueryTriples)
    entity = ox.NamedNode(iri)
    unique = dict.fromkeys([*cbd, *labels])
    return sorted(unique, key=lambda t: (t.subject != entity, str(t.subject), str(t.predicate), str(t.object)))


def is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI (no spaces, no `<>{}`...), so it can be looked up."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def is_known(store: GraphStore, iri: str) -> bool:
    """Whether the store holds a statement with `iri` as subject or object."""
    return is_iri(iri) and bool(store.select(queries.load("describe_exists"), entity=iri))


def _group(rows: list[dict[str, Term]], key: str, item: str) -> dict[str, dict[Term, list[LabelCandidate]]]:
    """Rows as predicate → value → label candidates of the value, keeping their order."""
    grouped: dict[str, dict[Term, list[LabelCandidate]]] = {}
    for row in rows:
        candidates = grouped.setdefault(term_text(row[key]), {}).setdefault(row[item], [])
        candidate = candidate_of(row)
        if candidate is not None:
            candidates.append(candidate)
    return grouped


def _facts(
    grouped: dict[str, dict[Term, list[LabelCandidate]]], namer: Namer, order: LanguageOrder, skip: set[str]
) -> list[Fact]:
    facts = []
    for predicate, values in grouped.items():
        if predicate in skip:
            continue
        shown = sorted(
            (value_of(term, candidates, order) for term, candidates in values.items()),
            key=lambda v: (order.position(v.language) if v.kind == "literal" else 0, (v.label or v.text).casefold()),
        )
        facts.append(Fact(predicate, namer.predicate(predicate), shown[:MAX_VALUES], max(0, len(shown) - MAX_VALUES)))
    return sorted(facts, key=lambda f: (f.predicate_label.casefold(), f.predicate))


def _sources(rows: list[dict[str, Term]], namer: Namer, order: LanguageOrder) -> list[Source]:
    """Rows of describe_sources.rq as paragraphs, each with its statements, in document order."""
    sources: dict[str, Source] = {}
    titles: dict[str, list[LabelCandidate]] = {}
    seen: set[str] = set()
    for row in rows:
        paragraph = term_text(row["paragraph"])
        text, document, title, position = (row.get(k) for k in ("text", "document", "title", "position"))
        if paragraph not in sources:
            sources[paragraph] = Source(
                paragraph=paragraph,
                text=term_text(text) if text is not None else None,
                language=text.language if isinstance(text, ox.Literal) else None,
                document=term_text(document) if document is not None else None,
                document_title=None,
                position=int(term_text(position)) if position is not None else None,
            )
        if isinstance(title, ox.Literal):
            titles.setdefault(paragraph, []).append(LabelCandidate(title.value, title.language, 2))
        assertion = term_text(row["assertion"])
        if assertion in seen:
            continue
        seen.add(assertion)
        extractor, extractor_label, confidence = row.get("extractor"), row.get("extractor_label"), row.get("confidence")
        predicate = term_text(row["predicate"])
        sources[paragraph].statements.append(
            Statement(
                assertion=assertion,
                subject=namer.value(row["subject"]),
                predicate=predicate,
                predicate_label=namer.predicate(predicate),
                object=namer.value(row["object"]),
                extractor=namer.extractor(extractor, extractor_label),
                confidence=float(term_text(confidence)) if confidence is not None else None,
            )
        )
    for paragraph, candidates in titles.items():
        best = order.best(candidates)
        sources[paragraph].document_title = best.text if best else None
    for source in sources.values():
        source.statements.sort(
            key=lambda s: (s.predicate_label.casefold(), s.subject.label or "", s.object.label or "")
        )
    return sorted(sources.values(), key=lambda s: (s.document or "", s.position or 0, s.paragraph))


def _count(rows: list[dict[str, Term]], name: str) -> int:
    return int(term_text(rows[0][name])) if rows and name in rows[0] else 0
