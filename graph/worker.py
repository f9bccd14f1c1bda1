"""The query worker: a child process that evaluates SPARQL queries on a read-only snapshot of the
store and writes their results. It imports only pyoxigraph and the results writers, so it starts
fast, and the executor can kill it when a query runs past its time."""

from __future__ import annotations

from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from graph.results import write_boolean, write_solutions


@dataclass(frozen=True)
class QueryJob:
    snapshot: str  # folder of the snapshot to read
    query: str
    result_format: str  # json, xml, csv, tsv (SELECT/ASK) or an RDF syntax name (CONSTRUCT/DESCRIBE)
    graph_format: str  # the RDF syntax for CONSTRUCT/DESCRIBE when the request allows both kinds
    row_cap: int
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    prefixes: tuple[tuple[str, str], ...] = ()
    union_default_graph: bool = True  # with no default_graphs: the default graph is the union of the named ones


@dataclass(frozen=True)
class QueryOutcome:
    kind: str  # "solutions", "boolean", "graph", or an error: "syntax", "too-large", "error"
    body: bytes = b""
    result_format: str = ""
    message: str = ""


_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def evaluate(store: ox.Store, job: QueryJob) -> QueryOutcome:
    """Run one job against an open store."""
    default: object = [ox.NamedNode(g) for g in job.default_graphs] or None
    try:
        result = store.query(
            job.query,
            base_iri=job.base_iri,
            prefixes=dict(job.prefixes) or None,
            use_default_graph_as_union=job.union_default_graph and not job.default_graphs,
            default_graph=default,  # type: ignore[arg-type]
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None,
        )
    except SyntaxError as error:
        return QueryOutcome("syntax", message=error.msg)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("boolean", write_boolean(job.result_format, bool(result)), job.result_format)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            rows.append([solution[v] for v in variables])
            if len(rows) > job.row_cap:
                return QueryOutcome("too-large", message=f"the result has more than {job.row_cap} rows; add a LIMIT")
        return QueryOutcome("solutions", write_solutions(job.result_format, variables, rows), job.result_format)
    triples = []
    for triple in result:
        triples.append(triple)
        if len(triples) > job.row_cap:
            return QueryOutcome("too-large", message=f"the result has more than {job.row_cap} triples; add a LIMIT")
    body = ox.serialize(triples, format=_RDF[job.graph_format], prefixes=dict(job.prefixes) or None) or b""
    return QueryOutcome("graph", body, job.graph_format)


def serve(connection: Connection) -> None:
    """The worker's loop: receive jobs, answer outcomes, until told to stop (None)."""
    opened: tuple[str, ox.Store] | None = None
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            if opened is None or opened[0] != job.snapshot:
                opened = (job.snapshot, ox.Store.read_only(job.snapshot))
            outcome = evaluate(opened[1], job)
        except Exception as error:  # an answer, never a dead worker, for anything the store raises
            outcome = QueryOutcome("error", message=f"{type(error).__name__}: {error}")
        connection.send(outcome)
