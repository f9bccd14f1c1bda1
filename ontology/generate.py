"""Generate `ontology/namespace.py`, the closed rdflib namespace of the ontology's terms.

Run `python -m ontology.generate` after editing `chm.ttl`; a test fails while the module is
out of date, and code that names a term the ontology lacks fails at import.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, Graph, URIRef

from ontology import CHM_NS, ONTOLOGY_FILE

TARGET = Path(__file__).resolve().parent / "namespace.py"
_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)

HEADER = '''"""Closed namespace of the chm-kg ontology. Generated from chm.ttl by
`python -m ontology.generate`: do not edit by hand."""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class CHM(DefinedNamespace):
    """Terms of https://w3id.org/chm-kg/ontology#; naming any other term raises."""

    _NS = Namespace("{ns}")
    _fail = True

'''


def ontology_terms(path: Path = ONTOLOGY_FILE) -> list[str]:
    """Local names of every class, property and individual the ontology declares."""
    graph = Graph().parse(path, format="turtle")
    names: set[str] = set()
    for kind in _KINDS:
        for subject in graph.subjects(RDF.type, kind):
            if isinstance(subject, URIRef) and str(subject).startswith(CHM_NS):
                names.add(str(subject)[len(CHM_NS) :])
    return sorted(names)


def render(terms: list[str]) -> str:
    body = "".join(f"    {name}: URIRef\n" for name in terms)
    return HEADER.format(ns=CHM_NS) + body


def main() -> int:
    TARGET.write_text(render(ontology_terms()), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
