"""The catalog graph kept true after writes that do not go through the loaders (a SPARQL update, a
Graph Store POST): what it says of a graph must not outlive the graph, nor describe data the graph
no longer holds.

The loaders (GraphStore.replace_graphs) write an entry per graph: its source, the checksum of that
source, when it was loaded, its size. After any other write, `refresh` runs (for a SPARQL update,
in the update's own transaction): entries of graphs that are gone are removed; a graph the write
changed gets its new size and time, and loses its checksum, so that the next `chm init` or
`chm ingest` of its source replaces it instead of taking it for unchanged. Which graphs a SPARQL
update changed is read from its text (graph.update_text), which costs no more than lexing it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ontology import CHM_NS, GRAPHS, PREFIXES

CATALOG_GRAPH = str(GRAPHS["catalog"])
_DATASET = f"<{PREFIXES['void']}Dataset>"
_TRIPLES = f"<{PREFIXES['void']}triples>"
_MODIFIED = f"<{PREFIXES['dcterms']}modified>"
_SHA256 = f"<{CHM_NS}sha256>"
_DATE_TIME = f"<{PREFIXES['xsd']}dateTime>"


@dataclass(frozen=True)
class GraphInfo:
    """A named graph as the catalog records it."""

    graph: str
    source: str | None
    sha256: str | None
    modified: str | None
    triples: int


def entry(info: GraphInfo) -> str:
    """The catalog entry of a graph, as N-Triples."""
    node = ox.NamedNode(info.graph)
    xsd = PREFIXES["xsd"]
    values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (PREFIXES["rdf"] + "type", ox.NamedNode(PREFIXES["void"] + "Dataset")),
        (PREFIXES["dcterms"] + "source", ox.Literal(info.source or "")),
        (CHM_NS + "sha256", ox.Literal(info.sha256 or "")),
        (PREFIXES["dcterms"] + "modified", ox.Literal(info.modified or "", datatype=ox.NamedNode(xsd + "dateTime"))),
        (PREFIXES["void"] + "triples", ox.Literal(str(info.triples), datatype=ox.NamedNode(xsd + "integer"))),
    ]
    triples = (ox.Triple(node, ox.NamedNode(p), o) for p, o in values)
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def delete_entry(graph: str) -> str:
    """A SPARQL update that removes the catalog entry of `graph`."""
    return f"DELETE WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ {ox.NamedNode(graph)} ?p ?o }} }}"


def refresh(changed: Iterable[str], *, any_graph: bool, modified: str) -> str:
    """A SPARQL update (full IRIs only, so it may follow any prologue) that removes the entries of
    graphs the store no longer holds and marks as changed at `modified` (an xsd:dateTime) the
    catalogued graphs in `changed`, and, with `any_graph` (the write may have reached graphs it does
    not name), every catalogued graph whose size no longer matches its entry.

    An edit through `GRAPH ?g` that leaves a graph's size as it was goes unnoticed: finding it
    would mean comparing the whole graph."""
    names = sorted(g for g in set(changed) if g != CATALOG_GRAPH)
    operations = [
        f"DELETE {{ GRAPH <{CATALOG_GRAPH}> {{ ?g ?p ?o }} }}\n"
        f"WHERE {{ GRAPH <{CATALOG_GRAPH}> {{ ?g a {_DATASET} ; ?p ?o }} FILTER NOT EXISTS {{ GRAPH ?g {{ }} }} }}"
    ]
    if names:
        values = "VALUES ?g { " + " ".join(f"<{g}>" for g in names) + " }"
        operations.append(_mark(values, modified, only_resized=False))
    if any_graph:
        operations.append(_mark("", modified, only_resized=True))
    return " ;\n".join(operations)


def _mark(values: str, modified: str, *, only_resized: bool) -> str:
    """Record the new size and time of the catalogued graphs `values` selects (all with ""),
    dropping their checksum; with `only_resized`, only of those whose size changed."""
    catalog = f"<{CATALOG_GRAPH}>"
    size_changed = "FILTER(!BOUND(?old) || ?old != ?n)" if only_resized else ""
    return f"""DELETE {{ GRAPH {catalog} {{ ?g {_SHA256} ?sha . ?g {_TRIPLES} ?old . ?g {_MODIFIED} ?when }} }}
INSERT {{ GRAPH {catalog} {{ ?g {_TRIPLES} ?n . ?g {_MODIFIED} "{modified}"^^{_DATE_TIME} }} }}
WHERE {{
  {values}
  GRAPH {catalog} {{ ?g a {_DATASET} }}
  GRAPH ?g {{ }}
  OPTIONAL {{ SELECT ?g (COUNT(*) AS ?count) WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g }}
  BIND(COALESCE(?count, 0) AS ?n)
  OPTIONAL {{ GRAPH {catalog} {{ ?g {_TRIPLES} ?old }} }}
  {size_changed}
  OPTIONAL {{ GRAPH {catalog} {{ ?g {_SHA256} ?sha }} }}
  OPTIONAL {{ GRAPH {catalog} {{ ?g {_MODIFIED} ?when }} }}
}}"""
