"""The graph side of search: facet values resolved to entities, the paragraphs a facet keeps, and
what a hit shows of its paragraph. The SPARQL is in queries/search_*.rq; this module only fills
in their VALUES blocks, from terms pyoxigraph writes (so no value can break out of its quotes)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import queries
from graph.errors import GraphError
from graph.labels import LabelCandidate, LanguageOrder, fallback_label
from graph.store import GraphStore, term_text
from ontology import CHM_NS

#: Facets that name an entity, with the classes a value may name and the query that applies it.
FACETS: dict[str, tuple[tuple[str, ...], str]] = {
    "convention": (("Convention", "Protocol"), "search_facet_convention"),
    "chemical": (("Chemical",), "search_facet_mentions"),
    "party": (("Country", "Party"), "search_facet_party"),
    "region": (("Region",), "search_facet_region"),
    "kind": (("DocumentKind",), "search_facet_kind"),
}


def _values(variables: Sequence[str], rows: Iterable[Sequence[ox.NamedNode | ox.Literal]]) -> str:
    return queries.values_block(variables, rows)


def _run(store: GraphStore, name: str, values: str) -> list[dict[str, ox.NamedNode | ox.Literal]]:
    try:
        text = queries.with_values(name, values)
    except ValueError as error:
        raise GraphError(str(error)) from None
    return store.select(text)  # type: ignore[return-value]


#: A value found only inside labels ("Bâle") must be this long, and name at most this many entities.
PARTIAL_MIN_CHARS = 3
PARTIAL_MAX_ENTITIES = 3


def resolve(store: GraphStore, facet: str, value: str) -> list[str]:
    """The entities a facet value names: by IRI, code or label in any language, or else by a word
    inside a label when that names few entities. [] when none."""
    classes, _ = FACETS[facet]
    values = _values(["class", "value"], [(ox.NamedNode(CHM_NS + cls), ox.Literal(value.strip())) for cls in classes])
    exact = {term_text(r["entity"]) for r in _run(store, "search_resolve", values)}
    if exact or len(value.strip()) < PARTIAL_MIN_CHARS:
        return sorted(exact)
    partial = {term_text(r["entity"]) for r in _run(store, "search_resolve_partial", values)}
    return sorted(partial) if len(partial) <= PARTIAL_MAX_ENTITIES else []


def paragraphs_for(store: GraphStore, facet: str, entities: Sequence[str]) -> set[str]:
    """The paragraphs a facet keeps for any of `entities`."""
    _, name = FACETS[facet]
    values = _values(["entity"], [(ox.NamedNode(e),) for e in entities])
    return {term_text(r["paragraph"]) for r in _run(store, name, values)}


def paragraphs_of_year(store: GraphStore, year: int) -> set[str]:
    rows = _run(store, "search_facet_year", _values(["year"], [(ox.Literal(f"{year:04d}"),)]))
    return {term_text(r["paragraph"]) for r in rows}


def paragraphs_mentioning(store: GraphStore, entities: Sequence[str]) -> set[str]:
    """Paragraphs that mention any of `entities`, or whose document is about one of them."""
    if not entities:
        return set()
    values = _values(["entity"], [(ox.NamedNode(e),) for e in entities])
    return {term_text(r["paragraph"]) for r in _run(store, "search_facet_convention", values)}


@dataclass
class EntityRef:
    iri: str
    label: str
    cls: str | None


@dataclass
class ParagraphView:
    """What a search hit shows of its paragraph."""

    iri: str
    text: str
    language: str | None
    document: str
    title: str | None
    source: str | None
    number: str | None
    heading: str | None
    entities: list[EntityRef] = field(default_factory=list)


def paragraph_views(store: GraphStore, iris: Sequence[str], languages: Sequence[str] = ()) -> dict[str, ParagraphView]:
    """The paragraphs `iris` with their document and the entities they mention, the entities
    labelled in `languages` first (then the other UN languages)."""
    if not iris:
        return {}
    values = _values(["paragraph"], [(ox.NamedNode(i),) for i in iris])
    views: dict[str, ParagraphView] = {}
    for row in _run(store, "search_hits", values):
        iri = term_text(row["paragraph"])
        views[iri] = ParagraphView(
            iri=iri,
            text=term_text(row["text"]),
            language=_text(row.get("language")),
            document=term_text(row["document"]),
            title=_text(row.get("title")),
            source=_text(row.get("source")),
            number=_text(row.get("number")),
            heading=_text(row.get("heading")),
        )
    order = LanguageOrder(languages)
    labels: dict[tuple[str, str], list[LabelCandidate]] = defaultdict(list)
    classes: dict[tuple[str, str], str] = {}
    for row in _run(store, "search_hit_entities", values):
        key = (term_text(row["paragraph"]), term_text(row["entity"]))
        label = row.get("label")
        if isinstance(label, ox.Literal):
            labels[key].append(LabelCandidate(label.value, label.language, int(term_text(row["rank"]))))
        else:
            labels.setdefault(key, [])
        if "class" in row:
            classes[key] = term_text(row["class"]).removeprefix(CHM_NS)
    for (paragraph, entity), candidates in sorted(labels.items()):
        best = order.best(candidates)
        if paragraph in views:
            views[paragraph].entities.append(
                EntityRef(entity, best.text if best else fallback_label(entity), classes.get((paragraph, entity)))
            )
    return views


def _text(term: object) -> str | None:
    return term_text(term) if term is not None else None  # type: ignore[arg-type]
