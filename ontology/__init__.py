"""The chm-kg ontology, its SHACL shapes, JSON-LD context and controlled vocabularies.

Everything here is data shipped with the package; `sources()` lists what `chm init` loads,
each into its own named graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Namespace

HERE = Path(__file__).resolve().parent
ONTOLOGY_FILE = HERE / "chm.ttl"
SHAPES_FILE = HERE / "shapes.ttl"
CONTEXT_FILE = HERE / "context.jsonld"
VOCAB_DIR = HERE / "vocab"

ONTOLOGY_IRI = "https://w3id.org/chm-kg/ontology"
CHM_NS = ONTOLOGY_IRI + "#"
#: Things the project mints (conventions, chemicals, documents, paragraphs...).
CHMID = Namespace("https://w3id.org/chm-kg/id/")
#: Named graphs: one per source (the ontology, each vocabulary, each document).
GRAPHS = Namespace("https://w3id.org/chm-kg/graph/")

UN_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")

PREFIXES: dict[str, str] = {
    "chm": CHM_NS,
    "chmid": str(CHMID),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
}


@dataclass(frozen=True)
class Source:
    """A bundled RDF file and the named graph it is loaded into."""

    name: str
    path: Path

    @property
    def graph(self) -> str:
        return str(GRAPHS[self.name])


def sources() -> list[Source]:
    """The ontology, its shapes and every bundled vocabulary, in load order."""
    found = [Source("ontology", ONTOLOGY_FILE), Source("shapes", SHAPES_FILE)]
    found += [Source(f"vocab/{p.stem}", p) for p in sorted(VOCAB_DIR.glob("*.ttl"))]
    return found
