"""Figures about the dataset: triples per named graph, instances per class."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from graph import queries
from graph.store import GraphInfo, GraphStore, term_text


@dataclass(frozen=True)
class DatasetStats:
    graphs: list[GraphInfo]
    #: (class IRI, distinct instances), largest first.
    classes: list[tuple[str, int]]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    def as_dict(self) -> dict[str, object]:
        return {
            "triples": self.triples,
            "graphs": [asdict(g) for g in self.graphs],
            "classes": [{"class": c, "instances": n} for c, n in self.classes],
        }


def dataset_stats(store: GraphStore) -> DatasetStats:
    rows = store.select(queries.load("instances_per_class"))
    classes = [(term_text(row["class"]), int(term_text(row["instances"]))) for row in rows]
    return DatasetStats(graphs=store.graphs(), classes=classes)
