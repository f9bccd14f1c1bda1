"""The query worker: a child process (`python -m graph.worker FD`) that evaluates SPARQL queries on a
read-only snapshot of the store and writes their results. It imports only pyoxigraph and the
results writers, so it starts fast, and the executor can kill it when a query runs past its time.

What goes over its connection is bytes, framed as `multiprocessing.Connection.send_bytes` frames
them (so the executor can read them from its event loop): a job is one frame of JSON; an answer is
one frame, a line of JSON (kind, format, message) then the body as it is. An empty frame tells the
worker to stop.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pyoxigraph as ox

from graph.results import write_boolean, write_solutions, write_within

#: Custom SPARQL functions by IRI, as pyoxigraph takes them.
Functions = dict[ox.NamedNode, Callable[..., object]]


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

    def encode(self) -> bytes:
        return json.dumps(
            [
                self.snapshot,
                self.query,
                self.result_format,
                self.graph_format,
                self.row_cap,
                self.default_graphs,
                self.named_graphs,
                self.base_iri,
                self.prefixes,
                self.union_default_graph,
            ],
            ensure_ascii=False,
        ).encode()

    @classmethod
    def decode(cls, data: bytes) -> QueryJob:
        snapshot, query, result_format, graph_format, row_cap, default, named, base, prefixes, union = json.loads(data)
        return cls(
            snapshot,
            query,
            result_format,
            graph_format,
            row_cap,
            tuple(default),
            None if named is None else tuple(named),
            base,
            tuple((p, n) for p, n in prefixes),
            union,
        )


@dataclass(frozen=True)
class QueryOutcome:
    kind: str  # "solutions", "boolean", "graph", or an error: "syntax", "too-large", "error"
    body: bytes = b""
    result_format: str = ""
    message: str = ""

    def encode(self) -> bytes:
        """One line of JSON (kind, format, message), then the body as it is."""
        header = json.dumps([self.kind, self.result_format, self.message], ensure_ascii=True).encode()
        return b"%s\n%s" % (header, self.body)

    @classmethod
    def decode(cls, data: bytes) -> QueryOutcome:
        end = data.index(b"\n")
        kind, result_format, message = json.loads(data[:end])
        return cls(kind, data[end + 1 :], result_format, message)


_RDF = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
}


def evaluate(store: ox.Store, job: QueryJob, functions: Functions | None = None) -> QueryOutcome:
    """Run one job against an open store, with the custom SPARQL `functions` registered."""
    default: object = [ox.NamedNode(g) for g in job.default_graphs] or None

    def query() -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        return store.query(
            job.query,
            base_iri=job.base_iri,
            prefixes=dict(job.prefixes) or None,
            use_default_graph_as_union=job.union_default_graph and not job.default_graphs,
            default_graph=default,  # type: ignore[arg-type]
            named_graphs=[ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs is not None else None,
            custom_functions=functions or None,  # type: ignore[arg-type]
        )

    try:
        result = query()
    except SyntaxError as error:
        return QueryOutcome("syntax", message=error.msg)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("boolean", write_boolean(job.result_format, bool(result)), job.result_format)
    if isinstance(result, ox.QuerySolutions):
        body = write_within(job.result_format, result, job.row_cap)
        if body is not None:
            return QueryOutcome("solutions", body, job.result_format)
        result = query()  # past the budget that proves the cap: evaluate again and count the rows
        assert isinstance(result, ox.QuerySolutions)
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


def load_functions(spec: str) -> Functions:
    """Custom SPARQL functions from `spec`, JSON {"entry": "module:callable", "args": [...]}: the
    callable, given the args, returns {function IRI: callable}. The graph layer knows no more of
    them than their names, so search (or a later package) can add functions without graph/
    importing it. Imported once per worker, when the worker starts."""
    described = json.loads(spec)
    module, _, name = described["entry"].partition(":")
    factory = getattr(importlib.import_module(module), name)
    return dict(factory(*described.get("args", [])))


def main() -> None:
    """`python -m graph.worker FD [FUNCTIONS]`: serve jobs on the socket the executor passed as
    file FD, with the custom functions FUNCTIONS names (see load_functions)."""
    connection = Connection(int(sys.argv[1]))
    functions = load_functions(sys.argv[2]) if len(sys.argv) > 2 else None
    with contextlib.suppress(EOFError, KeyboardInterrupt):  # the executor went away
        serve(connection, functions)


def serve(connection: Connection, functions: Functions | None = None) -> None:
    """The worker's loop: receive jobs, answer outcomes, until told to stop (an empty frame)."""
    opened: tuple[str, ox.Store] | None = None
    while True:
        data = connection.recv_bytes()
        if not data:
            return
        try:
            job = QueryJob.decode(data)
            if opened is None or opened[0] != job.snapshot:
                opened = (job.snapshot, ox.Store.read_only(job.snapshot))
            outcome = evaluate(opened[1], job, functions)
        except Exception as error:  # an answer, never a dead worker, for anything the store raises
            outcome = QueryOutcome("error", message=f"{type(error).__name__}: {error}")
        connection.send_bytes(outcome.encode())  # one frame: one write, one wake-up of the executor


if __name__ == "__main__":
    main()
