"""The SPARQL service core behind HTTP: queries through the executor's workers, updates and
Graph Store Protocol writes on the store (one at a time), each write followed by a new snapshot
for the queries after it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pyoxigraph as ox

from graph import update_text
from graph.errors import GraphError, RdfSyntaxError
from graph.executor import QueryExecutor
from graph.formats import RdfSyntax
from graph.protocol import QueryRequest, UpdateRequest, names_dataset
from graph.store import GraphStore
from graph.worker import QueryJob, QueryOutcome
from ontology import PREFIXES

T = TypeVar("T")


class GraphNotFoundError(GraphError):
    """The Graph Store Protocol names a graph the store does not hold."""


class SparqlService:
    """Queries, updates and graph management on one store."""

    def __init__(self, store: GraphStore, executor: QueryExecutor, *, union_default_graph: bool = True) -> None:
        self.store = store
        self.executor = executor
        self.union_default_graph = union_default_graph
        self._write = threading.Lock()
        if not store.read_only:
            store.optimize()  # the workers' snapshots are copies of it: compact, they read faster
        executor.publish(store)

    # ---- queries ----------------------------------------------------------------------------

    async def query(
        self, request: QueryRequest, result_format: str, graph_format: str, base_iri: str | None = None
    ) -> QueryOutcome:
        """Evaluate a query, on the event loop the service serves; `base_iri` resolves its
        relative IRIs (the endpoint's URL, by the protocol). Raises what QueryExecutor.run raises."""
        job = QueryJob(
            snapshot="",
            query=request.query,
            result_format=result_format,
            graph_format=graph_format,
            row_cap=0,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            prefixes=tuple(PREFIXES.items()),
            # A query that names its own dataset (FROM) is not given the union default graph.
            union_default_graph=self.union_default_graph and not names_dataset(request.query),
            base_iri=base_iri,
        )
        return await self.executor.run(job)

    # ---- updates ----------------------------------------------------------------------------

    def update(self, request: UpdateRequest, base_iri: str | None = None) -> None:
        """Apply a SPARQL update in one transaction, its DELETE/INSERT operations evaluated on the
        dataset of the request's using-graph-uri and using-named-graph-uri when it has them.
        Raises QuerySyntaxError (graph.errors) or ProtocolError."""
        text = update_text.with_dataset(request.update, request.using_graphs, request.using_named_graphs)
        with self._write:
            self.store.update(text, base_iri=base_iri)
            self.executor.publish(self.store)

    # ---- Graph Store Protocol ---------------------------------------------------------------

    def graph_exists(self, graph: str | None) -> bool:
        return graph is None or self.store.has_graph(graph)

    def read_graph(self, graph: str | None, syntax: RdfSyntax) -> bytes:
        """The triples of a named graph (or of the default graph, `None`) in `syntax`."""
        if not self.graph_exists(graph):
            raise GraphNotFoundError(f"no graph {graph} in the store")
        name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        triples = [q.triple for q in self.store.quads(name)]
        return (
            ox.serialize(triples, format=syntax.oxigraph, prefixes=PREFIXES if syntax.name != "jsonld" else None) or b""
        )

    def replace_graph(self, graph: str | None, data: bytes, syntax: RdfSyntax, base_iri: str | None) -> bool:
        """PUT: the graph becomes the data. Returns whether it existed. The data must parse first."""
        with self._write:
            existed = self.graph_exists(graph)
            if graph is None:
                quads = _parse(data, syntax, base_iri)
                self.store.update("DROP SILENT DEFAULT")
                self.store.add_quads(quads)
            else:
                self.store.replace_graph(graph, data, syntax, source="graph store protocol", base_iri=base_iri)
            self.executor.publish(self.store)
        return existed

    def add_to_graph(self, graph: str | None, data: bytes, syntax: RdfSyntax, base_iri: str | None) -> bool:
        """POST: the data is added to the graph (created when missing). Returns whether it existed."""
        quads = _parse(data, syntax, base_iri)
        with self._write:
            existed = graph is None or self.store.has_graph(graph)
            name: ox.NamedNode | ox.DefaultGraph = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            self.store.add_quads([ox.Quad(q.subject, q.predicate, q.object, name) for q in quads], graph=graph)
            self.executor.publish(self.store)
        return existed

    def delete_graph(self, graph: str | None) -> None:
        with self._write:
            if graph is None:
                self.store.update("DROP SILENT DEFAULT")
            elif not self.store.drop_graph(graph):
                raise GraphNotFoundError(f"no graph {graph} in the store")
            self.executor.publish(self.store)

    def write(self, operation: Callable[[GraphStore], T]) -> T:
        """Run a write of another module (a gap snapshot...) as the service's own writes run: one
        at a time, then publish the store so that queries see it."""
        with self._write:
            result = operation(self.store)
            self.executor.publish(self.store)
        return result

    def close(self) -> None:
        self.executor.close()


def _parse(data: bytes, syntax: RdfSyntax, base_iri: str | None) -> list[ox.Quad]:
    try:
        quads = list(ox.parse(data, syntax.oxigraph, base_iri=base_iri))
    except SyntaxError as error:
        raise RdfSyntaxError(f"the request body does not parse as {syntax.name}: {error.msg}") from None
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise RdfSyntaxError("the request body holds named graphs; a graph store request takes triples")
    return quads
