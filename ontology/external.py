"""External UN vocabularies (UNBIS thesaurus, InforMEA LEO glossary), read as SKOS concept schemes.

They are not part of the project: `chm init` loads them from a vocabulary folder (by default
`../shared/vocab`) when it is there, each into its own named graph.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ontology import PREFIXES, UN_LANGUAGES

UNBIS_SCHEME = "http://metadata.un.org/thesaurus"
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
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_SKOS_SCHEME = ox.NamedNode(PREFIXES["skos"] + "ConceptScheme")
_SKOS_CONCEPT = ox.NamedNode(PREFIXES["skos"] + "Concept")
_SKOS_IN_SCHEME = ox.NamedNode(PREFIXES["skos"] + "inScheme")
_SKOS_NOTATION = ox.NamedNode(PREFIXES["skos"] + "notation")
_SKOS_PREF_LABEL = ox.NamedNode(PREFIXES["skos"] + "prefLabel")
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
    #: The files it is read from; their checksum tells whether it changed.
    inputs: tuple[Path, ...]
    read: Callable[[], bytes]

    @property
    def source(self) -> Path:
        return self.inputs[0]

    def fingerprint(self) -> str:
        digest = hashlib.sha256()
        for path in self.inputs:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()


def find(vocab_dir: Path) -> list[ExternalVocabulary]:
    """The external vocabularies present under `vocab_dir` (none when it does not exist)."""
    found = []
    if (vocab_dir / UNBIS_TSV).is_file():
        inputs = tuple(p for p in (vocab_dir / UNBIS_TSV, vocab_dir / UNBIS_SLICE) if p.is_file())
        found.append(
            ExternalVocabulary(
                "vocab/unbis", "UNBIS Thesaurus, six languages", inputs, lambda: unbis_ntriples(vocab_dir)
            )
        )
    if (vocab_dir / LEO_TTL).is_file():
        found.append(
            ExternalVocabulary(
                "vocab/leo",
                "InforMEA LEO glossary (SKOS-XL)",
                (vocab_dir / LEO_TTL,),
                (vocab_dir / LEO_TTL).read_bytes,
            )
        )
    return found


def unbis_ntriples(vocab_dir: Path) -> bytes:
    """UNBIS as one SKOS concept scheme: every concept of the six-language table, with the
    environment slice's subjects and relations, as N-Triples in a stable order."""
    scheme = ox.NamedNode(UNBIS_SCHEME)
    triples = [ox.Triple(scheme, _RDF_TYPE, _SKOS_SCHEME)]
    triples += [
        ox.Triple(scheme, _RDFS_LABEL, ox.Literal(label, language=lang)) for lang, label in _SCHEME_LABELS.items()
    ]
    with (vocab_dir / UNBIS_TSV).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            concept = ox.NamedNode(row["uri"])
            triples += [
                ox.Triple(concept, _RDF_TYPE, _SKOS_CONCEPT),
                ox.Triple(concept, _SKOS_IN_SCHEME, scheme),
                ox.Triple(concept, _SKOS_NOTATION, ox.Literal(row["id"])),
            ]
            for lang in UN_LANGUAGES:
                label = (row.get(f"label_{lang}") or "").strip()
                if label and _in_own_script(label, lang):
                    triples.append(ox.Triple(concept, _SKOS_PREF_LABEL, ox.Literal(label, language=lang)))
    slice_path = vocab_dir / UNBIS_SLICE
    if slice_path.is_file():
        triples += [q.triple for q in ox.parse(path=str(slice_path), format=ox.RdfFormat.TURTLE)]
    unique = sorted(set(triples), key=str)
    return ox.serialize(unique, format=ox.RdfFormat.N_TRIPLES) or b""


def _in_own_script(label: str, lang: str) -> bool:
    pattern = _SCRIPTS.get(lang)
    return pattern is None or bool(pattern.search(label))
