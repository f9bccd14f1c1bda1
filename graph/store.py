"""The pyoxigraph store on disk: named graphs replaced atomically, SPARQL, a catalog of sources.

Every source (the ontology, each vocabulary, each document) lives in its own named graph. A
replacement is parsed whole first, optionally staged in a scratch graph for a check (SHACL), then
swapped in by one SPARQL update (`DROP`, the catalog entry, `INSERT DATA`), which oxigraph applies
in a single transaction: readers see the old graph or the new one, never a mix, and a failure
leaves the old graph as it was.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from graph import catalog, queries, update_text
from graph.catalog import CATALOG_GRAPH, GraphInfo
from graph.errors import (
    GraphError,
    QuerySyntaxError,
    RdfSyntaxError,
    StoreLockedError,
    StoreNotFoundError,
    UnsupportedFormatError,
)
from graph.formats import RdfSyntax
from ontology import GRAPHS, PREFIXES

log = logging.getLogger(__name__)

MARKER_FILE = "chm-store.json"
STORE_FORMAT_VERSION = 1
STAGING_PREFIX = str(GRAPHS["staging/"])

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
#: Called with the store and the staging graph IRI before a replacement is committed.
StagingCheck = Callable[["GraphStore", str], None]


@dataclass(frozen=True)
class GraphLoad:
    """Data to put into one named graph: its bytes, their syntax, and where they came from."""

    graph: str
    data: bytes
    syntax: RdfSyntax
    source: str
    base_iri: str | None = None
    #: Checksum recorded in the catalog; by default that of `data`. A converted source
    #: records its inputs' checksum, so an unchanged input is recognised without converting.
    sha256: str | None = None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class GraphStore:
    """A chm-kg dataset in a pyoxigraph store. Build with `open`, `create` or `in_memory`."""

    def __init__(self, store: ox.Store, path: Path | None, *, read_only: bool = False) -> None:
        self._store = store
        self.path = path
        self.read_only = read_only

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: Path) -> GraphStore:
        """Open the store under `path`, creating the directory and store when missing."""
        path.mkdir(parents=True, exist_ok=True)
        store = cls(_open_oxigraph(path, read_only=False), path)
        marker = path / MARKER_FILE
        if not marker.exists():
            marker.write_text(json.dumps({"format": STORE_FORMAT_VERSION}) + "\n", "utf-8")
        store._drop_stale_staging()
        return store

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> GraphStore:
        """Open an existing store. Raises StoreNotFoundError when `path` holds none, and
        StoreLockedError when another process writes to it: pyoxigraph leaves a read-only open
        beside a writer undefined, so it is refused rather than risked.
        """
        if not (path / MARKER_FILE).is_file():
            raise StoreNotFoundError(f"no chm-kg store in {path}: run `chm init --data {path}` first")
        if read_only and _writer_active(path):
            raise StoreLockedError(
                f"the store in {path} is open for writing in another process (a running `chm serve` or "
                "`chm ingest`?); reading it beside a writer is unsafe: wait for it, or query through it"
            )
        store = cls(_open_oxigraph(path, read_only=read_only), path, read_only=read_only)
        if not read_only:
            store._drop_stale_staging()
        return store

    @classmethod
    def in_memory(cls) -> GraphStore:
        """A store that lives in memory only (tests, notebooks)."""
        return cls(ox.Store(), None)

    def backup(self, target: Path) -> None:
        """A consistent copy of the store in `target` (which must not exist), readable on its own:
        hard links to the store's immutable files where the file system allows."""
        self._store.flush()
        self._store.backup(str(target))

    def optimize(self) -> None:
        """Compact the store's files. A store written by many transactions (ingestion, updates)
        keeps its data in many overlapping files that every read looks through: the query mix of
        bench/bench_sparql.py costs a fifth more CPU on one. Seconds the first time on a large
        store, next to nothing on a compact one. Raises OSError."""
        self._store.optimize()

    def close(self) -> None:
        if not self.read_only:
            self._store.flush()
        del self._store

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- SPARQL --------------------------------------------------------------------------

    def query(
        self, sparql: str, *, union_default_graph: bool = True, bindings: Mapping[str, str] | None = None
    ) -> QueryResult:
        """Run a SPARQL query. By default the default graph is the union of all named graphs.

        `bindings` substitute IRIs for projected variables before evaluation (name → IRI).
        Raises QuerySyntaxError with the position when the query does not parse.
        """
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
            ox.Variable(k): ox.NamedNode(v) for k, v in (bindings or {}).items()
        }
        try:
            return self._store.query(
                sparql,
                use_default_graph_as_union=union_default_graph,
                prefixes=PREFIXES,
                substitutions=substitutions or None,
            )
        except SyntaxError as error:
            raise QuerySyntaxError(f"SPARQL query: {error.msg}") from None

    def select(self, sparql: str, **bindings: str) -> list[dict[str, Term]]:
        """Run a SELECT and return its rows as dicts (unbound variables left out).

        Keyword arguments bind projected variables to IRIs (`graph="https://..."`).
        """
        result = self.query(sparql, bindings=bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise GraphError("select() needs a SELECT query")
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def update(self, sparql: str, *, base_iri: str | None = None) -> None:
        """Run a SPARQL update in one transaction, the catalog following it (graph.catalog): the
        entries of graphs it removed go, those of graphs it changed get their new size and lose
        their checksum. Raises QuerySyntaxError when it does not parse."""
        self._require_writable()
        writes = update_text.writes(sparql, PREFIXES)
        follow = catalog.refresh(writes.graphs, any_graph=writes.unnamed, modified=_now())
        if writes.closed:  # the refresh can follow in the same transaction
            try:
                self._store.update(f"{sparql}\n;\n{follow}", prefixes=PREFIXES, base_iri=base_iri)
                return
            except SyntaxError:
                pass  # the update's own error, at its own place, comes from running it alone
        try:
            self._store.update(sparql, prefixes=PREFIXES, base_iri=base_iri)
        except SyntaxError as error:
            raise QuerySyntaxError(f"SPARQL update: {error.msg}") from None
        self._store.update(follow)

    # ---- named graphs --------------------------------------------------------------------

    def replace_graph(
        self,
        graph: str,
        data: bytes,
        syntax: RdfSyntax,
        *,
        source: str,
        base_iri: str | None = None,
        check: StagingCheck | None = None,
    ) -> GraphInfo:
        """Replace named graph `graph` by the triples in `data`, atomically.

        `source` names where the data came from (a path, a URL) in messages and the catalog.
        `check`, when given, runs against the staged graph and may raise to abort.
        Raises RdfSyntaxError when `data` does not parse; then the store is unchanged.
        """
        load = GraphLoad(graph, data, syntax, source, base_iri)
        return self.replace_graphs([load], check=check)[0]

    def replace_graphs(self, loads: list[GraphLoad], *, check: StagingCheck | None = None) -> list[GraphInfo]:
        """Replace several named graphs in one transaction: all of them or none.

        Every load is parsed before anything is written. With `check`, each is first staged in
        a scratch graph for the check to inspect. The swap itself is one SPARQL update
        (`DROP` + `INSERT DATA`), which oxigraph applies atomically.
        """
        self._require_writable()
        parsed = [(load, self._parse_triples(load)) for load in loads]
        if check is not None:
            for _, quads in parsed:
                self._check_staged(quads, check)
        modified = _now()
        infos = [
            GraphInfo(load.graph, load.source, load.sha256 or sha256_of(load.data), modified, len(quads))
            for load, quads in parsed
        ]
        if not infos:
            return []
        drops = [f"DROP SILENT GRAPH {ox.NamedNode(i.graph)}" for i in infos]
        entries = [catalog.delete_entry(i.graph) for i in infos]
        blocks = [f"GRAPH {ox.NamedNode(load.graph)} {{\n{_ntriples(quads)}}}" for load, quads in parsed] + [
            f"GRAPH <{CATALOG_GRAPH}> {{\n{catalog.entry(i)}}}" for i in infos
        ]
        self._store.update(" ;\n".join([*drops, *entries, "INSERT DATA {\n" + "\n".join(blocks) + "\n}"]))
        for info in infos:
            log.info("replaced %s with %d triples from %s", info.graph, info.triples, info.source)
        return infos

    def _check_staged(self, quads: list[ox.Quad], check: StagingCheck) -> None:
        """Run `check` on `quads` put in a scratch graph, which is removed afterwards."""
        staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4().hex}")
        self._store.add_graph(staging)
        try:
            self._store.extend(ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads)
            check(self, staging.value)
        finally:
            self._store.remove_graph(staging)

    def replace_graph_from_file(
        self, graph: str, path: Path, syntax: RdfSyntax, *, check: StagingCheck | None = None
    ) -> GraphInfo:
        """`replace_graph` with the bytes of `path`, which names the source."""
        return self.replace_graph(
            graph, path.read_bytes(), syntax, source=str(path), base_iri=path.resolve().as_uri(), check=check
        )

    def drop_graph(self, graph: str) -> bool:
        """Remove a named graph and its catalog entry. Returns False when there was none."""
        self._require_writable()
        node = ox.NamedNode(graph)
        if not self._store.contains_named_graph(node):
            return False
        self._store.update(f"DROP SILENT GRAPH {node} ;\n{catalog.delete_entry(graph)}")
        return True

    def has_graph(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def graphs(self) -> list[GraphInfo]:
        """Every named graph with its catalog entry and current size, sorted by IRI."""
        catalog = {term_text(row["graph"]): row for row in self.select(queries.load("catalog"))}
        counts = {
            term_text(row["graph"]): int(term_text(row["triples"]))
            for row in self.select(queries.load("triples_per_graph"))
        }
        names = sorted({g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)})
        result = []
        for name in names:
            entry = catalog.get(name, {})
            result.append(
                GraphInfo(
                    graph=name,
                    source=_value(entry.get("source")),
                    sha256=_value(entry.get("sha256")),
                    modified=_value(entry.get("modified")),
                    triples=counts.get(name, 0),
                )
            )
        return result

    def graph_sha256(self, graph: str) -> str | None:
        """The checksum of the data a graph was last loaded from, or None."""
        rows = self.select(queries.load("graph_sha256"), graph=graph)
        return term_text(rows[0]["sha256"]) if rows else None

    def quads(self, graph: ox.NamedNode | ox.DefaultGraph) -> Iterable[ox.Quad]:
        """The quads of one graph, named or default."""
        return self._store.quads_for_pattern(None, None, None, graph)

    def add_quads(self, quads: list[ox.Quad], graph: str | None = None) -> None:
        """Add quads in one transaction (the graph is created when missing)."""
        self._require_writable()
        if graph is not None:
            self._store.add_graph(ox.NamedNode(graph))
        self._store.extend(quads)
        if graph is not None:
            self._store.update(catalog.refresh([graph], any_graph=False, modified=_now()))

    def graph_quads(self, graph: str) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def __len__(self) -> int:
        return len(self._store)

    # ---- export --------------------------------------------------------------------------

    def export(self, output: IO[bytes] | Path, syntax: RdfSyntax, *, graph: str | None = None) -> None:
        """Write the whole dataset (quad syntaxes) or one named graph (`graph`) to `output`."""
        if graph is None and not syntax.datasets:
            raise UnsupportedFormatError(
                f"{syntax.name} holds a single graph: name one (--graph) or export the whole "
                "dataset as nquads, trig or jsonld"
            )
        if graph is not None and not self.has_graph(graph):
            raise GraphError(f"no named graph {graph} in the store")
        target = output if not isinstance(output, Path) else str(output)
        self._store.dump(
            target,
            syntax.oxigraph,
            from_graph=ox.NamedNode(graph) if graph else None,
            prefixes=PREFIXES if syntax.name in ("turtle", "trig", "rdfxml") else None,
        )

    # ---- internals -----------------------------------------------------------------------

    def _parse_triples(self, load: GraphLoad) -> list[ox.Quad]:
        source, syntax = load.source, load.syntax
        try:
            quads = list(ox.parse(load.data, syntax.oxigraph, base_iri=load.base_iri))
        except SyntaxError as error:
            raise RdfSyntaxError(f"{source}: {syntax.name} does not parse: {error.msg}") from None
        except ValueError as error:
            raise RdfSyntaxError(f"{source}: {error}") from None
        named = next((q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)), None)
        if named is not None:
            raise RdfSyntaxError(
                f"{source}: holds named graph {named.graph_name}; a graph replacement takes triples only"
            )
        return quads

    def _drop_stale_staging(self) -> None:
        """Remove scratch graphs left by a process that died mid-replacement."""
        for name in list(self._store.named_graphs()):
            if isinstance(name, ox.NamedNode) and name.value.startswith(STAGING_PREFIX):
                log.warning("removing stale staging graph %s", name.value)
                self._store.remove_graph(name)

    def _require_writable(self) -> None:
        if self.read_only:
            raise GraphError("the store is open read-only")


def _writer_active(path: Path) -> bool:
    """Whether another process holds the store's write lock (RocksDB's fcntl lock on LOCK)."""
    lock = path / "LOCK"
    if not lock.exists():
        return False
    try:
        handle = lock.open("r+b")
    except OSError:
        return False  # cannot probe (a read-only file system): no writer can hold it either
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return False


def _open_oxigraph(path: Path, *, read_only: bool) -> ox.Store:
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as error:
        if "lock" in str(error).lower():
            raise StoreLockedError(
                f"the store in {path} is open for writing in another process (a running "
                "`chm serve`?); stop it, or send the change through its HTTP API"
            ) from None
        raise GraphError(f"cannot open the store in {path}: {error}") from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _ntriples(quads: list[ox.Quad]) -> str:
    return (ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def _value(term: Term | None) -> str | None:
    return None if term is None else term_text(term)


def term_text(term: Term) -> str:
    """The lexical value of an IRI, blank node or literal (a quoted triple's N-Triples form)."""
    return str(term) if isinstance(term, ox.Triple) else term.value
