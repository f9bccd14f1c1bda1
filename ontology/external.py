"""External UN vocabularies (UNBIS thesaurus, InforMEA LEO glossary), read as SKOS concept schemes.

They are not part of the project: `chm init` loads them from a vocabulary folder (by default
`../shared/vocab`) when it is there, each into its own named graph.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from ontology import UN_LANGUAGES

UNBIS_SCHEME = URIRef("http://metadata.un.org/thesaurus")
UNBIS_TSV = Path("unbis/unbis-labels-6lang.tsv")
UNBIS_SLICE = Path("unbis/unbis-env-chem-waste-slice.ttl")
LEO_TTL = Path("leo/leo-skosxl.ttl")

#: A label in these languages must be written in the language's own script; the TSV has a few
#: labels in the wrong column, which would mislabel a concept.
_SCRIPTS = {
    "ar": re.compile(r"[\u0600-\u06FF]"),
    "zh": re.compile(r"[\u4E00-\u9FFF]"),
    "ru": re.compile(r"[\u0400-\u04FF]"),
}
_SCHEME_LABELS = {
    "ar": "مكنز نظام الأمم المتحدة للمعلومات الببليوغرافية",
    "en": "UNBIS Thesaurus",
    "es": "Tesauro UNBIS",
    "fr": "Thésaurus UNBIS",
    "ru": "Тезаурус ЮНБИС",
    "zh": "联合国书目信息系统叙词表",
}


@dataclass(frozen=True)
class ExternalVocabulary:
    """An external vocabulary found in a folder, and how to read it as Turtle bytes."""

    name: str
    description: str
    source: Path
    read: Callable[[], bytes]


def find(vocab_dir: Path) -> list[ExternalVocabulary]:
    """The external vocabularies present under `vocab_dir` (none when it does not exist)."""
    found = []
    if (vocab_dir / UNBIS_TSV).is_file():
        found.append(
            ExternalVocabulary(
                "vocab/unbis",
                "UNBIS Thesaurus, six languages",
                vocab_dir / UNBIS_TSV,
                lambda: unbis_turtle(vocab_dir),
            )
        )
    if (vocab_dir / LEO_TTL).is_file():
        found.append(
            ExternalVocabulary(
                "vocab/leo",
                "InforMEA LEO glossary (SKOS-XL)",
                vocab_dir / LEO_TTL,
                (vocab_dir / LEO_TTL).read_bytes,
            )
        )
    return found


def unbis_turtle(vocab_dir: Path) -> bytes:
    """UNBIS as one SKOS concept scheme: every concept of the six-language table, with the
    environment slice's subjects and relations, as deterministic Turtle."""
    graph = Graph()
    graph.bind("skos", SKOS)
    graph.add((UNBIS_SCHEME, RDF.type, SKOS.ConceptScheme))
    for lang, label in _SCHEME_LABELS.items():
        graph.add((UNBIS_SCHEME, RDFS.label, Literal(label, lang=lang)))
    with (vocab_dir / UNBIS_TSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            concept = URIRef(row["uri"])
            graph.add((concept, RDF.type, SKOS.Concept))
            graph.add((concept, SKOS.inScheme, UNBIS_SCHEME))
            graph.add((concept, SKOS.notation, Literal(row["id"])))
            for lang in UN_LANGUAGES:
                label = (row.get(f"label_{lang}") or "").strip()
                if label and _in_own_script(label, lang):
                    graph.add((concept, SKOS.prefLabel, Literal(label, lang=lang)))
    slice_path = vocab_dir / UNBIS_SLICE
    if slice_path.is_file():
        graph.parse(slice_path, format="turtle")
    return graph.serialize(format="nt", encoding="utf-8")


def _in_own_script(label: str, lang: str) -> bool:
    pattern = _SCRIPTS.get(lang)
    return pattern is None or bool(pattern.search(label))
