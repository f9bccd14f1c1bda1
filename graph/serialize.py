"""Triples written in one of the RDF syntaxes that hold a single graph, chosen by media type."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.errors import UnsupportedFormatError
from graph.formats import RDF_SYNTAXES
from ontology import PREFIXES

#: The media types `serialize` writes: Turtle, JSON-LD, N-Triples, RDF/XML.
GRAPH_MEDIA_TYPES = tuple(
    s.media_type for s in RDF_SYNTAXES.values() if s.name in ("turtle", "jsonld", "ntriples", "rdfxml")
)


def serialize(triples: Iterable[ox.Triple], media_type: str, prefixes: dict[str, str] = PREFIXES) -> bytes:
    """`triples` in the syntax of `media_type` (text/turtle, application/ld+json, ...), with
    `prefixes` where the syntax has them. Raises UnsupportedFormatError for any other media type."""
    syntax = next((s for s in RDF_SYNTAXES.values() if s.media_type == media_type), None)
    if syntax is None or syntax.media_type not in GRAPH_MEDIA_TYPES:
        raise UnsupportedFormatError(f"{media_type} is not one of {', '.join(GRAPH_MEDIA_TYPES)}")
    return ox.serialize(triples, format=syntax.oxigraph, prefixes=prefixes) or b""
