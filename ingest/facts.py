"""What extraction produces and what it needs to know of the graph: shared by the extractor,
the relation rules and the clearing-house annexes."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import Literal

from graph import queries
from graph.store import GraphStore, term_text
from ingest.models import Entity, Mention, Statement, Text
from ontology import CHM_NS, PREFIXES

#: Version of the extractors, recorded with every statement; a new version re-ingests documents.
VERSION = "0.3.3"
CHM = CHM_NS
SKOS = PREFIXES["skos"]


@dataclass
class Extraction:
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)

    def state(self, subject: str, predicate: str, obj: str | Text, paragraph: int, extractor: str, conf: float) -> None:
        self.statements.append(Statement(subject, predicate, obj, paragraph, extractor, conf))

    def entity(self, entity: Entity) -> Entity:
        return self.entities.setdefault(entity.iri, entity)


@dataclass(frozen=True)
class Vocabulary:
    """What the extractor needs to know of the graph beyond labels."""

    provisions: dict[tuple[str, str, str], str]  # (convention key, "article"|"annex", notation) → IRI
    article_titles: dict[str, dict[str, str]]  # convention key → article number → English title
    english: dict[str, str]  # IRI → English label
    secretariats: dict[str, str]  # convention key → its secretariat's IRI
    names: dict[str, dict[str, str]]  # convention or country IRI → language → its label

    @classmethod
    def from_store(cls, store: GraphStore) -> Vocabulary:
        provisions: dict[tuple[str, str, str], str] = {}
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        for row in store.select(queries.load("convention_provisions")):
            key = term_text(row["convention"]).rsplit("/", 1)[-1]
            kind = "article" if term_text(row["kind"]).endswith("Article") else "annex"
            notation = term_text(row["notation"]).replace(" ", "")
            provisions[(key, kind, notation)] = term_text(row["provision"])
            if kind == "article" and "title" in row:
                titles[key][notation] = term_text(row["title"])
        english = {term_text(r["entity"]): term_text(r["label"]) for r in store.select(queries.load("english_labels"))}
        secretariats = {
            term_text(r["convention"]).rsplit("/", 1)[-1]: term_text(r["secretariat"])
            for r in store.select(queries.load("secretariats"))
        }
        names: dict[str, dict[str, str]] = defaultdict(dict)
        for row in store.select(queries.load("place_names")):
            label = row["label"]
            language = label.language if isinstance(label, Literal) else None
            if language:
                names[term_text(row["entity"])][language] = term_text(label)
        return cls(provisions, dict(titles), english, secretariats, dict(names))


def numbers(text: str) -> list[str]:
    """Article numbers in "3 and 4", "3–6", "9, 10": ranges expanded."""
    found: list[str] = []
    for match in re.finditer(r"(\d+[A-J]?)(?:\s*[-–]\s*(\d+))?", text):
        first, last = match.group(1), match.group(2)
        if last and first.isdigit() and int(last) > int(first) and int(last) - int(first) < 30:
            found.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            found.append(first)
    return found
