"""Fill a store with the ontology, its shapes and the vocabularies: what `chm init` does.

Each source goes into its own named graph. A source whose bytes have not changed since it was
last loaded is left alone, so running init again writes nothing and duplicates nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ontology
from graph.formats import RDF_SYNTAXES
from graph.store import GraphLoad, GraphStore, sha256_of
from ontology import external

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadOutcome:
    name: str
    graph: str
    triples: int
    changed: bool


Progress = Callable[[str], None]


@dataclass(frozen=True)
class _Planned:
    """A source to load: its graph name, where it is, its checksum, and its RDF bytes."""

    name: str
    source: str
    fingerprint: Callable[[], str]
    read: Callable[[], bytes]


def _bundled(source: ontology.Source) -> _Planned:
    return _Planned(source.name, str(source.path), lambda: sha256_of(source.path.read_bytes()), source.path.read_bytes)


TURTLE = RDF_SYNTAXES["turtle"]


def initialise(
    store: GraphStore,
    vocab_dir: Path | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> list[LoadOutcome]:
    """Load the bundled ontology and vocabularies, and the external vocabularies found in
    `vocab_dir`, each into its named graph. With `force`, reload even unchanged sources.

    All changed sources are replaced in one transaction. Raises RdfSyntaxError naming the
    file and position when one does not parse; then nothing is written.
    """
    plan = [_bundled(s) for s in ontology.sources()]
    if vocab_dir is not None:
        plan += [_Planned(v.name, str(v.source), v.fingerprint, v.read) for v in external.find(vocab_dir)]
    loaded = {g.graph: g for g in store.graphs()}
    outcomes: list[LoadOutcome] = []
    loads: list[GraphLoad] = []
    for item in plan:
        graph = str(ontology.GRAPHS[item.name])
        if progress:
            progress(item.name)
        fingerprint = item.fingerprint()
        previous = loaded.get(graph)
        if not force and previous is not None and previous.sha256 == fingerprint:
            outcomes.append(LoadOutcome(item.name, graph, previous.triples, changed=False))
            continue
        # N-Triples is Turtle too, so one parser reads every source.
        base = Path(item.source).resolve().as_uri()
        loads.append(GraphLoad(graph, item.read(), TURTLE, item.source, base, sha256=fingerprint))
    names = {str(ontology.GRAPHS[item.name]): item.name for item in plan}
    for info in store.replace_graphs(loads):
        outcomes.append(LoadOutcome(names[info.graph], info.graph, info.triples, changed=True))
    order = {item.name: i for i, item in enumerate(plan)}
    return sorted(outcomes, key=lambda o: order[o.name])
