"""Which entities a piece of evidence is compared under, from what the graph says it concerns
(graph/synthesis.py). A convention's own text is compared under that convention, whatever its
article headings name; elsewhere the section a paragraph sits in says what it concerns more
reliably than the names it mentions in passing, so the nearest section heading that names an entity
wins, then what the paragraph is about, what it mentions, and its document's convention."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from graph.synthesis import Scope
from ontology.namespace import CHM

#: Classes whose instances make rows, best kind first (a Protocol is also a Convention).
GROUP_CLASSES = tuple(
    str(term)
    for term in (
        CHM.Protocol,
        CHM.Convention,
        CHM.CleanerProductionCentre,
        CHM.CollaboratingCentre,
        CHM.RegionalCentre,
        CHM.Centre,
        CHM.Organization,
        CHM.Chemical,
    )
)
#: A paragraph about more entities than this (at the same level) is an overview, compared under none.
MAX_ENTITIES = 3
#: The fallbacks after section headings, in order.
_FALLBACKS = ("about", "mentions", "document")


def kind_of(classes: Iterable[str]) -> str | None:
    """The class an entity is shown as: the first of GROUP_CLASSES it has."""
    have = set(classes)
    return next((cls for cls in GROUP_CLASSES if cls in have), None)


def groups_of(scopes: Sequence[Scope]) -> list[str]:
    """The entities a paragraph is compared under ([] for none, or for an overview of many)."""
    scopes = [s for s in scopes if kind_of(s.classes)]
    provisions = narrowest([s for s in scopes if s.via == "provision"])
    if provisions:
        return provisions
    headings = [s for s in scopes if s.via == "heading"]
    if headings:
        nearest = max(s.depth for s in headings)
        named = narrowest([s for s in headings if s.depth == nearest])
        # A section on two bodies ("WHO regional offices and WHO collaborating centres"): a paragraph
        # goes to those of them it names itself, or to both when it names neither.
        own = {s.entity for s in scopes if s.via in ("about", "mentions")}
        return sorted(set(named) & own) or named
    for via in _FALLBACKS:
        named = narrowest([s for s in scopes if s.via == via])
        if named:
            return named if len(named) <= MAX_ENTITIES else []
    return []


def narrowest(scopes: Sequence[Scope]) -> list[str]:
    """The entities of `scopes` less those another of them is part of (UNEP regional offices, not
    also UNEP; the Montreal Protocol, not also the Vienna Convention)."""
    entities = {s.entity for s in scopes}
    broader = {b for s in scopes for b in s.broader}
    return sorted(entities - broader)


def provision_of(scopes: Sequence[Scope]) -> str | None:
    """The article or annex a paragraph is part of, if any: two versions of the same numbered
    paragraph of it (the English and Dutch texts of a convention) are one piece of evidence."""
    return next((s.provision for s in scopes if s.provision), None)
