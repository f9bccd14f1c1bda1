"""SHACL validation (pyshacl) of the store's named graphs against the ontology's shapes.

A graph is validated with the ontology mixed in (so `sh:targetClass chm:Centre` reaches a
`chm:RegionalCentre`) and with the descriptions of the nodes it points to in other graphs (so
`sh:class chm:Annex` holds for an annex defined in the vocabulary). Only results whose focus
node the graph itself describes are reported: a graph answers for its own nodes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from pyshacl import validate as shacl_validate
from rdflib import RDF, RDFS, SH, Graph, URIRef
from rdflib.term import Node

from graph.errors import ValidationFailedError
from graph.store import CATALOG_GRAPH, GraphStore
from ontology import ONTOLOGY_FILE, SHAPES_FILE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Violation:
    """One SHACL result: which node broke which shape, along which path, and why."""

    focus: str
    shape: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus} breaks {self.shape}{where}: {self.message}"


@dataclass
class ValidationReport:
    """The results for one named graph."""

    graph: str
    focus_nodes: int
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)


@cache
def shapes_graph() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


@cache
def ontology_graph() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@cache
def targeted_classes() -> frozenset[URIRef]:
    """The classes the shapes target, with all their subclasses in the ontology."""
    onto = ontology_graph()
    found: set[URIRef] = set()
    for target in shapes_graph().objects(None, SH.targetClass):
        found.update(c for c in onto.transitive_subjects(RDFS.subClassOf, target) if isinstance(c, URIRef))
    return frozenset(found)


def validate_graph(store: GraphStore, graph: str) -> ValidationReport:
    """Validate named graph `graph` of `store` against the shapes."""
    if not _has_targets(store, graph):
        # Nothing a shape targets (a SKOS thesaurus, say): conforms without a pyshacl run.
        return ValidationReport(graph=graph, focus_nodes=0)
    own = _graph_as_rdflib(store, graph)
    subjects = set(own.subjects())
    data = own + _referenced_descriptions(store, graph, own, subjects)
    _, results, _ = shacl_validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ontology_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    violations = [v for focus, v in _violations(results) if focus in subjects]
    log.info("validated %s: %d triples, %d results", graph, len(own), len(violations))
    return ValidationReport(graph=graph, focus_nodes=len(subjects), violations=violations)


def require_conformance(store: GraphStore, graph: str) -> None:
    """Raise ValidationFailedError unless `graph` conforms: the gate of a staged load."""
    report = validate_graph(store, graph)
    if not report.conforms:
        first = next(v for v in report.violations if v.severity == "Violation")
        raise ValidationFailedError(f"{len(report.violations)} SHACL result(s), nothing loaded; first: {first}", report)


def validate_store(store: GraphStore, graphs: list[str] | None = None) -> list[ValidationReport]:
    """Validate the named graphs given, or every graph but the catalog."""
    names = graphs if graphs is not None else [g.graph for g in store.graphs() if g.graph != CATALOG_GRAPH]
    return [validate_graph(store, name) for name in names]


def _has_targets(store: GraphStore, graph: str) -> bool:
    classes = " ".join(f"<{c}>" for c in sorted(targeted_classes()))
    answer = store.query(f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s a ?class VALUES ?class {{ {classes} }} }} }}")
    return bool(answer)


def _graph_as_rdflib(store: GraphStore, graph: str) -> Graph:
    data = ox.serialize(
        (ox.Triple(q.subject, q.predicate, q.object) for q in store.graph_quads(graph)),
        format=ox.RdfFormat.N_TRIPLES,
    )
    return Graph().parse(data=data, format="nt")


def _referenced_descriptions(store: GraphStore, graph: str, own: Graph, subjects: set[Node]) -> Graph:
    """The triples other graphs hold about IRIs `graph` points to but does not describe."""
    referenced = {o for o in own.objects() if isinstance(o, URIRef) and o not in subjects}
    referenced.discard(URIRef(graph))
    context = Graph()
    if not referenced:
        return context
    values = " ".join(f"<{iri}>" for iri in sorted(referenced))
    triples = store.query(
        "CONSTRUCT { ?node ?p ?o } WHERE { VALUES ?node { " + values + " } "
        f"GRAPH ?g {{ ?node ?p ?o }} FILTER(?g != {ox.NamedNode(graph)}) }}"
    )
    assert isinstance(triples, ox.QueryTriples)
    return context.parse(data=triples.serialize(format=ox.RdfFormat.N_TRIPLES), format="nt")


def _violations(results: Graph) -> list[tuple[Node, Violation]]:
    """Each result of a pyshacl results graph, with its focus node."""
    shapes = shapes_graph()
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        source = results.value(result, SH.sourceShape)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        focus = results.value(result, SH.focusNode)
        if focus is None:
            continue
        found.append(
            (
                focus,
                Violation(
                    focus=_n3(focus),
                    shape=_shape_name(shapes, source),
                    path=_n3(path) if path is not None else None,
                    message=str(results.value(result, SH.resultMessage) or "breaks the shape"),
                    severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                    value=_n3(value) if value is not None else None,
                ),
            )
        )
    return sorted(found, key=lambda pair: (pair[1].focus, pair[1].shape, pair[1].path or ""))


def _shape_name(shapes: Graph, source: Node | None) -> str:
    """The node shape a result came from: a property shape's parent, or the shape itself."""
    if source is None:
        return "(unknown shape)"
    parent = shapes.value(predicate=SH.property, object=source)
    named = parent if isinstance(parent, URIRef) else source
    return str(named) if isinstance(named, URIRef) else "(anonymous shape)"


def _n3(term: Node | None) -> str:
    if term is None:
        return ""
    return str(term) if isinstance(term, URIRef) else term.n3()
