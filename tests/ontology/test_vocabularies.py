"""The controlled vocabularies: they use only ontology terms, carry the facts they promise in six
languages, and conform to the shapes once loaded into a store."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

import ontology
from graph import bootstrap
from graph.store import GraphStore
from graph.validate import validate_store
from ontology import CHM_NS, CHMID, ONTOLOGY_FILE, UN_LANGUAGES, VOCAB_DIR

CHM = lambda name: URIRef(CHM_NS + name)  # noqa: E731
SHARED_ANNEXES = (
    Path(__file__).resolve().parents[3]
    / "shared/vocab/stockholm-annexes/stockholm-annex-ABC-as-of-tractatenblad-2015.csv"
)


@pytest.fixture(scope="module")
def vocab() -> Graph:
    graph = Graph()
    for path in sorted(VOCAB_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def loaded_store():
    store = GraphStore.in_memory()
    bootstrap.initialise(store)
    return store


def labels(graph: Graph, node: URIRef) -> Counter[str | None]:
    return Counter(o.language for o in graph.objects(node, RDFS.label) if isinstance(o, Literal))


def test_vocabularies_use_only_ontology_terms(vocab: Graph) -> None:
    onto = Graph().parse(ONTOLOGY_FILE, format="turtle")
    declared = {
        s
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)
        for s in onto.subjects(RDF.type, kind)
    }
    used = {p for p in vocab.predicates() if str(p).startswith(CHM_NS)}
    used |= {o for o in vocab.objects(None, RDF.type) if str(o).startswith(CHM_NS)}
    assert used - declared == set()


def test_every_bundled_source_conforms_to_the_shapes(loaded_store: GraphStore) -> None:
    reports = validate_store(loaded_store)
    assert {r.graph for r in reports} >= {s.graph for s in ontology.sources()}
    failures = [str(v) for r in reports for v in r.violations][:20]
    assert failures == []


def test_the_conventions_and_their_articles(vocab: Graph) -> None:
    expected = {"basel": 29, "rotterdam": 30, "stockholm": 30, "minamata": 35}
    for key, minimum in expected.items():
        convention = CHMID[f"convention/{key}"]
        assert (convention, RDF.type, CHM("Convention")) in vocab
        assert set(labels(vocab, convention)) >= set(UN_LANGUAGES)
        articles = list(vocab.objects(convention, CHM("hasArticle")))
        assert len(articles) >= minimum, key
    assert (CHMID["convention/montreal"], RDF.type, CHM("Protocol")) in vocab
    article_9 = CHMID["convention/stockholm/article/9"]
    assert (article_9, URIRef("http://purl.org/dc/terms/title"), Literal("Information exchange", lang="en")) in vocab
    assert labels(vocab, article_9) == Counter(UN_LANGUAGES)


def test_every_stockholm_chemical_is_labelled_in_six_languages(vocab: Graph) -> None:
    chemicals = set(vocab.subjects(RDF.type, CHM("Chemical")))
    assert len(chemicals) >= 30
    unlabelled = [c for c in chemicals if labels(vocab, c) != Counter(UN_LANGUAGES)]
    assert unlabelled == []


def test_annex_listings_cover_the_2015_table_with_its_cas_numbers(vocab: Graph) -> None:
    if not SHARED_ANNEXES.is_file():
        pytest.skip("../shared/vocab/stockholm-annexes is not beside the checkout")
    with SHARED_ANNEXES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        annex = CHMID[f"convention/stockholm/annex/{row['annex']}"]
        listed = set(vocab.subjects(CHM("listedIn"), annex))
        cas_numbers = row["cas_numbers"].split()
        if cas_numbers:
            holders = {c for c in listed if any((c, CHM("casNumber"), Literal(n)) in vocab for n in cas_numbers)}
            assert holders, f"no chemical in Annex {row['annex']} carries CAS {cas_numbers} ({row['chemical']})"
    annex_a = set(vocab.subjects(CHM("listedIn"), CHMID["convention/stockholm/annex/A"]))
    assert len(annex_a) >= len([r for r in rows if r["annex"] == "A"])


def test_listings_name_their_annex_and_decision(vocab: Graph) -> None:
    listings = set(vocab.subjects(RDF.type, CHM("Listing")))
    assert len(listings) >= 30
    decided = [x for x in listings if vocab.value(x, CHM("listingDecision")) is not None]
    assert len(decided) >= 15
    for listing in decided:
        decision = vocab.value(listing, CHM("listingDecision"))
        assert (decision, RDF.type, CHM("Decision")) in vocab, decision


def test_countries_carry_iso_codes_regions_and_names(vocab: Graph) -> None:
    countries = set(vocab.subjects(RDF.type, CHM("Country")))
    assert len(countries) >= 240
    france = CHMID["country/FRA"]
    assert (france, CHM("iso3166Alpha2"), Literal("FR")) in vocab
    assert labels(vocab, france) == Counter(UN_LANGUAGES)
    codes = Counter(vocab.value(c, CHM("iso3166Alpha3")) for c in countries)
    assert codes.most_common(1)[0][1] == 1
    regions = set(vocab.subjects(RDF.type, CHM("Region")))
    assert all(labels(vocab, r) == Counter(UN_LANGUAGES) for r in regions)
    assert all(r in regions for c in countries for r in vocab.objects(c, CHM("inRegion")))
    kenya_regions = set(vocab.objects(CHMID["country/KEN"], CHM("inRegion")))
    assert CHMID["region/unep/africa"] in kenya_regions
