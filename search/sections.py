"""Sections a document organises as a comparison, found for a question: a note with one
sub-section per convention or programme ("A. Basel Convention", "B. Multilateral Fund...") answers
"how is X done under each convention?" as a whole, though the search ranks only some of its
sub-sections high. A section is compared when

- it holds evidence, and the search's hits fall in two or more of its sub-sections;
- two or more of its sub-sections' headings name entities (of the kinds rows are made of), so
  it compares entities, not "A. Operations which..." and "B. Operations which may...";
- its own heading is close to the question, and no sub-section's heading is closer by more than a
  margin: the question is about what the sub-sections share ("Delivery of technical assistance
  under relevant agreements and organizations"), not about one of them ("WHO collaborating centres").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Sequence

import numpy as np

from graph import synthesis as graph_synthesis
from graph.paragraphs import ParagraphView
from graph.store import GraphStore
from graph.synthesis import SectionParagraph
from search import grouping
from search.embed import Embedder

_SEPARATOR = " > "
_NUMBER = re.compile(r"^\s*(?:[IVXLC]+|[A-Za-z]|\d+(?:\.\d+)*)[.)]\s+")

Section = tuple[str, str]  # (document IRI, heading path)


def compared_sections(
    store: GraphStore,
    embedder: Embedder,
    question: np.ndarray,
    evidence: Collection[str],
    hits: Sequence[ParagraphView],
    *,
    closeness: float,
    margin: float,
) -> tuple[list[Section], list[SectionParagraph]]:
    """The sections compared for the question whose `hits` (and, among them, `evidence`) the search
    found, and every paragraph below them."""
    candidates = _holding_hits(evidence, hits)
    below = graph_synthesis.section_paragraphs(store, candidates)
    subsections: dict[Section, set[str]] = defaultdict(set)
    headings: dict[Section, list[str]] = defaultdict(list)
    for paragraph in below:
        key = (paragraph.document, paragraph.parent)
        subsections[key].add(subsection(paragraph))
        if paragraph.kind == "heading" and _SEPARATOR not in paragraph.path[len(paragraph.parent) + 3 :]:
            headings[key].append(paragraph.iri)
    naming = _naming_entities(store, headings)
    texts = sorted(
        {heading_text(path) for _, path in candidates} | {heading_text(s) for v in subsections.values() for s in v}
    )
    score = dict(zip(texts, embedder.encode_passages(texts) @ question, strict=True)) if texts else {}
    compared = []
    for key in candidates:
        own = score[heading_text(key[1])]
        nearest = max((score[heading_text(s)] for s in subsections[key]), default=-1.0)
        if naming.get(key, 0) >= 2 and own >= closeness and own + margin >= nearest:
            compared.append(key)
    return compared, [p for p in below if (p.document, p.parent) in set(compared)]


def best_per_subsection(below: Sequence[SectionParagraph], scores: dict[str, float], per_subsection: int) -> list[str]:
    """The `per_subsection` paragraphs of each sub-section with the highest `scores` (those without
    a score left out), sub-sections in document order of their first paragraph listed."""
    by_subsection: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for paragraph in below:
        if paragraph.iri in scores:
            by_subsection[(paragraph.document, paragraph.parent, subsection(paragraph))].append(paragraph.iri)
    chosen: list[str] = []
    for iris in by_subsection.values():
        best = sorted(set(iris), key=lambda iri: (-scores[iri], iri))[:per_subsection]
        chosen += [iri for iri in best if iri not in chosen]
    return chosen


def subsection(paragraph: SectionParagraph) -> str:
    """The heading of the sub-section of `paragraph.parent` the paragraph is in."""
    return paragraph.path[len(paragraph.parent) + len(_SEPARATOR) :].split(_SEPARATOR, 1)[0]


def heading_text(path: str) -> str:
    """A heading's own words: the last part of its path, without its number ("B. ", "IV. ")."""
    return _NUMBER.sub("", path.rsplit(_SEPARATOR, 1)[-1])


def _holding_hits(evidence: Collection[str], hits: Sequence[ParagraphView]) -> list[Section]:
    """The sections that hold evidence and whose sub-sections hold hits in two or more of them."""
    holding: set[Section] = set()
    children: dict[Section, set[str]] = defaultdict(set)
    for hit in hits:
        parts = hit.heading.split(_SEPARATOR) if hit.heading else []
        for depth in range(1, len(parts)):
            key = (hit.document, _SEPARATOR.join(parts[:depth]))
            children[key].add(parts[depth])
            if hit.iri in evidence:
                holding.add(key)
    return sorted(key for key in holding if len(children[key]) >= 2)


def _naming_entities(store: GraphStore, headings: dict[Section, list[str]]) -> dict[Section, int]:
    """For each section, how many distinct entities (or sets of them) its sub-sections' headings name."""
    scopes = graph_synthesis.paragraph_scopes(store, [iri for iris in headings.values() for iri in iris])
    named: dict[Section, set[tuple[str, ...]]] = defaultdict(set)
    for key, iris in headings.items():
        for iri in iris:
            own = [scope for scope in scopes.get(iri, []) if scope.via == "heading"]  # not its document's
            entities = tuple(grouping.groups_of(own))
            if entities:
                named[key].add(entities)
    return {key: len(found) for key, found in named.items()}
