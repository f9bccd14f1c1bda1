"""The graph side of synthesis: what each evidence paragraph concerns (the entities its section
headings name, its provision's convention, what it is about or mentions, its document's
convention), the paragraphs below a section, and the labels of the entities rows are grouped by.
The SPARQL is in queries/synthesis_*.rq; this module fills in their VALUES blocks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph import queries
from graph.labels import LabelCandidate, LanguageOrder, fallback_label
from graph.store import GraphStore, term_text


@dataclass(frozen=True)
class Scope:
    """One entity a paragraph concerns, and how that was found (see synthesis_scope.rq)."""

    entity: str
    classes: frozenset[str]
    via: str  # heading, provision, about, mentions, document
    depth: int  # for `heading`: the length of the heading's path (longer is nearer)
    broader: frozenset[str]  # what the entity is part of (an organization, a convention)
    provision: str | None  # for `provision`: the article or annex


@dataclass(frozen=True)
class SectionParagraph:
    document: str
    parent: str  # the section's heading path asked for
    iri: str
    path: str  # the paragraph's own heading path
    kind: str | None  # dcterms:type: paragraph, subparagraph, heading...


@dataclass(frozen=True)
class Label:
    text: str
    language: str | None


def paragraph_scopes(store: GraphStore, iris: Iterable[str]) -> dict[str, list[Scope]]:
    """For each paragraph of `iris`, the entities it concerns, one Scope per (entity, via, depth)."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    values = queries.values_block(["paragraph"], [(ox.NamedNode(i),) for i in wanted])
    classes: dict[tuple[str, str, str, int, str | None], set[str]] = defaultdict(set)
    broader: dict[tuple[str, str, str, int, str | None], set[str]] = defaultdict(set)
    for row in store.select(queries.with_values("synthesis_scope", values)):
        depth_term, provision_term = row.get("depth"), row.get("provision")
        key = (
            term_text(row["paragraph"]),
            term_text(row["entity"]),
            term_text(row["via"]),
            int(term_text(depth_term)) if depth_term is not None else 0,
            term_text(provision_term) if provision_term is not None else None,
        )
        classes[key].add(term_text(row["class"]))
        if "broader" in row:
            broader[key].add(term_text(row["broader"]))
    scopes: dict[str, list[Scope]] = {iri: [] for iri in wanted}
    for key in sorted(classes, key=lambda k: (k[0], k[1], k[2], k[3], k[4] or "")):
        paragraph, entity, via, depth, provision = key
        scopes[paragraph].append(
            Scope(entity, frozenset(classes[key]), via, depth, frozenset(broader.get(key, ())), provision)
        )
    return scopes


def section_paragraphs(store: GraphStore, sections: Sequence[tuple[str, str]]) -> list[SectionParagraph]:
    """The paragraphs below each (document IRI, heading path) of `sections`, headings included
    (their kind says so)."""
    if not sections:
        return []
    values = queries.values_block(
        ["document", "parent"], [(ox.NamedNode(document), ox.Literal(path)) for document, path in sections]
    )
    found = []
    for row in store.select(queries.with_values("synthesis_sections", values)):
        kind = row.get("kind")
        found.append(
            SectionParagraph(
                document=term_text(row["document"]),
                parent=term_text(row["parent"]),
                iri=term_text(row["paragraph"]),
                path=term_text(row["path"]),
                kind=term_text(kind) if kind is not None else None,
            )
        )
    return sorted(found, key=lambda p: (p.document, p.parent, p.iri))


def labels(store: GraphStore, iris: Iterable[str], languages: Sequence[str] = ()) -> dict[str, Label]:
    """The label of each IRI in `languages` first, then the other UN languages (graph/labels.py);
    an IRI without any label gets its last segment, with no language."""
    wanted = sorted(set(iris))
    if not wanted:
        return {}
    values = queries.values_block(["entity"], [(ox.NamedNode(i),) for i in wanted])
    candidates: dict[str, list[LabelCandidate]] = {iri: [] for iri in wanted}
    for row in store.select(queries.with_values("synthesis_labels", values)):
        label = row["label"]
        language = label.language if isinstance(label, ox.Literal) else None
        candidates[term_text(row["entity"])].append(
            LabelCandidate(term_text(label), language, int(term_text(row["rank"])))
        )
    order = LanguageOrder(languages)
    chosen = {}
    for iri, found in candidates.items():
        best = order.best(found)
        chosen[iri] = Label(best.text, best.language) if best else Label(fallback_label(iri), None)
    return chosen
