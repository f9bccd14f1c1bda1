"""The ontology is code: it parses, every term is labelled and defined in the six UN languages,
it is aligned with the standard vocabularies, and the closed namespace matches it."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from ontology import CHM_NS, CONTEXT_FILE, HERE, ONTOLOGY_FILE, SHAPES_FILE, UN_LANGUAGES, generate

SH = "http://www.w3.org/ns/shacl#"
STANDARD = (
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "http://xmlns.com/foaf/0.1/",
    "https://schema.org/",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
)
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_FILE, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def chm_terms(onto: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in onto.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(CHM_NS))


def readme_terms() -> set[str]:
    """The local names the ontology README's tables promise (first column, backticks stripped)."""
    names = set()
    for line in (HERE / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if (
            len(cells) > 2
            and re.fullmatch(r"[A-Za-z0-9]+( / [A-Za-z0-9]+)*", cells[1])
            and cells[1] not in ("class", "property", "what")
        ):
            names.update(part.strip() for part in cells[1].split("/"))
    return names


def test_the_readme_terms_all_exist(onto: Graph) -> None:
    declared = {str(t)[len(CHM_NS) :] for kind in KINDS for t in chm_terms(onto, kind)}
    promised = readme_terms()
    assert len(promised) > 50
    assert promised - declared == set()


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.split("#")[-1])
def test_every_term_is_labelled_and_defined_in_six_languages(onto: Graph, kind: URIRef) -> None:
    terms = chm_terms(onto, kind)
    assert terms, f"no {kind} in the ontology"
    problems = []
    for term in terms:
        for predicate in (RDFS.label, SKOS.definition):
            langs = Counter(o.language for o in onto.objects(term, predicate) if isinstance(o, Literal))
            for lang in UN_LANGUAGES:
                if langs[lang] != 1:
                    problems.append(f"{term} has {langs[lang]} {predicate.n3()}@{lang}")
    assert problems == []


def test_classes_are_aligned_with_standard_vocabularies(onto: Graph) -> None:
    """Every class reaches a SKOS/DCTERMS/PROV/ORG/FOAF/schema.org class through rdfs:subClassOf."""

    def aligned(cls: URIRef, seen: frozenset[URIRef] = frozenset()) -> bool:
        for parent in onto.objects(cls, RDFS.subClassOf):
            if str(parent).startswith(STANDARD):
                return True
            if isinstance(parent, URIRef) and parent not in seen and aligned(parent, seen | {cls}):
                return True
        return False

    assert [c for c in chm_terms(onto, OWL.Class) if not aligned(c)] == []


def test_properties_are_declared_with_their_kind(onto: Graph) -> None:
    objects = set(chm_terms(onto, OWL.ObjectProperty))
    datatypes = set(chm_terms(onto, OWL.DatatypeProperty))
    assert objects and datatypes and not objects & datatypes
    assert URIRef(CHM_NS + "casNumber") in datatypes
    assert URIRef(CHM_NS + "listedIn") in objects
    assert (URIRef(CHM_NS + "hasParagraph"), OWL.inverseOf, URIRef(CHM_NS + "paragraphOf")) in onto


def test_closed_namespace_is_generated_from_the_ontology() -> None:
    from ontology.namespace import CHM

    assert (HERE / "namespace.py").read_text(encoding="utf-8") == generate.render(generate.ontology_terms()), (
        "ontology/namespace.py is stale: run `python -m ontology.generate`"
    )
    assert CHM.Chemical == URIRef(CHM_NS + "Chemical")
    with pytest.raises(AttributeError):
        _ = CHM.Chemcal  # a typo must fail, not mint a new term


def test_shapes_target_and_constrain_only_ontology_terms(onto: Graph, shapes: Graph) -> None:
    declared = {t for kind in KINDS for t in chm_terms(onto, kind)}
    targets = set(shapes.objects(None, URIRef(SH + "targetClass")))
    paths = {p for p in shapes.objects(None, URIRef(SH + "path")) if isinstance(p, URIRef)}
    used = {t for t in targets | paths if str(t).startswith(CHM_NS)}
    assert used - declared == set()
    for name in ("Chemical", "Article", "Annex", "Country", "Document", "Paragraph", "InformationRequirement"):
        assert URIRef(CHM_NS + name) in targets, f"no shape targets chm:{name}"


def test_json_ld_context_names_every_property_and_reads_data(onto: Graph) -> None:
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    properties = chm_terms(onto, OWL.ObjectProperty) + chm_terms(onto, OWL.DatatypeProperty)
    missing = [p for p in properties if str(p)[len(CHM_NS) :] not in context]
    assert missing == []
    doc = {
        "@context": context,
        "@id": "https://w3id.org/chm-kg/id/chemical/aldrin",
        "@type": "chm:Chemical",
        "casNumber": "309-00-2",
        "label": {"fr": "aldrine", "en": "aldrin"},
        "listedIn": "https://w3id.org/chm-kg/id/convention/stockholm/annex/A",
    }
    graph = Graph().parse(data=json.dumps(doc), format="json-ld")
    aldrin = URIRef("https://w3id.org/chm-kg/id/chemical/aldrin")
    assert (aldrin, URIRef(CHM_NS + "casNumber"), Literal("309-00-2", datatype=XSD.string)) in graph
    assert (aldrin, RDFS.label, Literal("aldrine", lang="fr")) in graph
    assert (
        aldrin,
        URIRef(CHM_NS + "listedIn"),
        URIRef("https://w3id.org/chm-kg/id/convention/stockholm/annex/A"),
    ) in graph
