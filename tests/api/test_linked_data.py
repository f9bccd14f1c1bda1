"""Linked Data over HTTP, in process: resource pages in the reader's language, RDF by content
negotiation, the VoID description and the dumps, on a store with the vocabularies and one note."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, VOID

from api import errors
from api.i18n import missing_translations
from api.pages import page_templates
from api.routes import linked_data
from graph.bootstrap import initialise
from graph.store import GraphStore
from ingest.pipeline import Ingestor
from ontology import CHM_NS, UN_LANGUAGES

ID = "https://w3id.org/chm-kg/id/"
ALDRIN = URIRef(ID + "chemical/aldrin")
DATASET = URIRef("https://w3id.org/chm-kg/dataset")
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
NOTE = """Note on regional centres

1. Basel Convention regional centres have been established in Argentina and Egypt.

2. The Stockholm Convention lists aldrin in Annex A.
"""
CENTRE_TEXT = "Basel Convention regional centres have been established in Argentina and Egypt."


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    folder = tmp_path_factory.mktemp("linked-data")
    with GraphStore.create(folder / "data") as opened:
        initialise(opened)
        note = folder / "centres-note.txt"
        note.write_text(NOTE, encoding="utf-8")
        outcome = Ingestor(opened).ingest_file(note)
        assert outcome.status == "ingested", outcome.reason
        yield opened


@pytest.fixture(scope="module")
def client(store: GraphStore) -> TestClient:
    app = FastAPI()
    errors.install(app)
    app.include_router(linked_data.router)
    app.state.store = store
    app.state.templates = page_templates()
    app.state.settings = SimpleNamespace(base_iri="https://w3id.org/chm-kg/")
    return TestClient(app)


def page(client: TestClient, path: str, language: str | None = None) -> str:
    headers = {"Accept": BROWSER} | ({"Accept-Language": language} if language else {})
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_resource_page_in_french(client: TestClient) -> None:
    response = client.get("/id/chemical/aldrin", headers={"Accept": BROWSER, "Accept-Language": "fr-CH, fr;q=0.9"})
    assert response.status_code == 200
    assert '<html lang="fr"' in response.text
    assert re.search(r'<h1 id="title" lang="fr"[^>]*>Aldrine</h1>', response.text)
    assert "<title>Aldrine · chm-kg</title>" in response.text
    assert response.headers["content-language"] == "fr"
    assert response.headers["vary"] == "Accept, Accept-Language"
    assert ">Libellés</h2>" in response.text and ">Propriétés</h2>" in response.text
    assert "numéro CAS" in response.text and "309-00-2" in response.text


def test_a_language_outside_the_un_six_falls_back_to_a_un_language(client: TestClient) -> None:
    text = page(client, "/id/chemical/aldrin", "de-DE, de;q=0.9")
    assert '<html lang="en"' in text
    assert re.search(r'<h1 id="title" lang="en"[^>]*>Aldrin</h1>', text)
    assert ">Labels</h2>" in text


def test_a_later_un_language_in_the_header_is_chosen_over_english(client: TestClient) -> None:
    text = page(client, "/id/chemical/aldrin", "de, es;q=0.5")
    assert '<html lang="es"' in text and ">Aldrina</h1>" in text


def test_arabic_page_and_labels_are_right_to_left(client: TestClient) -> None:
    text = page(client, "/id/chemical/aldrin", "fr")
    assert re.search(r'<td lang="ar" dir="rtl">ألدرين</td>', text)
    assert re.search(r'<td lang="fr" dir="ltr">Aldrine</td>', text)
    arabic = page(client, "/id/chemical/aldrin", "ar")
    assert '<html lang="ar" dir="rtl">' in arabic and ">التسميات</h2>" in arabic


def test_links_to_minted_iris_stay_on_this_server(client: TestClient) -> None:
    text = page(client, "/id/chemical/aldrin", "en")
    assert 'href="/id/convention/stockholm/annex/A"' in text
    assert f'href="{CHM_NS}casNumber"' in text  # an ontology term links out
    for name in ("turtle", "jsonld", "ntriples", "rdfxml"):
        assert f'href="?format={name}"' in text


def test_centre_page_shows_the_paragraph_its_facts_came_from(client: TestClient) -> None:
    text = page(client, "/id/centre/basel/ARG", "en")
    assert ">Sources</h2>" in text
    assert f">{CENTRE_TEXT}</blockquote>" in text
    assert 'href="/id/document/centres-note">Note on regional centres</a>' in text
    assert "centre-rule extractor" in text and "0.85" in text
    assert 'href="/id/country/ARG" lang="en" dir="ltr">Argentina</a>' in text


def test_paragraph_page_shows_its_text(client: TestClient) -> None:
    text = page(client, "/id/document/centres-note/para/1", "en")
    assert ">Text of the paragraph</h2>" in text
    assert re.search(rf'<blockquote class="paragraph" lang="en" dir="ltr">{CENTRE_TEXT}</blockquote>', text)


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("text/turtle;q=0.5, application/ld+json", "json-ld"),
    ],
)
def test_resource_as_rdf(client: TestClient, accept: str, rdflib_format: str) -> None:
    response = client.get("/id/chemical/aldrin", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["vary"] == "Accept, Accept-Language"
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert (ALDRIN, URIRef(CHM_NS + "casNumber"), Literal("309-00-2")) in graph
    assert (ALDRIN, RDF.type, URIRef(CHM_NS + "Chemical")) in graph
    annex = URIRef(ID + "convention/stockholm/annex/A")
    assert len(set(graph.objects(annex, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))) == 6


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get("/id/chemical/aldrin?format=turtle", headers={"Accept": BROWSER})
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get("/id/chemical/aldrin").headers["content-type"].startswith("text/turtle")


def test_unknown_iri_is_404_as_json_or_as_a_page(client: TestClient) -> None:
    response = client.get("/id/chemical/no-such-thing", headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "chemical/no-such-thing" in response.json()["error"]["message"]
    html = client.get("/id/chemical/no-such-thing", headers={"Accept": BROWSER, "Accept-Language": "fr"})
    assert html.status_code == 404 and html.headers["content-type"].startswith("text/html")
    assert '<html lang="fr"' in html.text and "Introuvable" in html.text


@pytest.mark.parametrize("path", ["/id/a%20b", "/id/a%3Cb%3E", "/id/", "/id/a%7Bb%7D"])
def test_a_path_that_is_no_iri_is_404(client: TestClient, path: str) -> None:
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get(path, headers={"Accept": BROWSER}).status_code == 404


def test_unacceptable_type_is_406_naming_the_formats(client: TestClient) -> None:
    response = client.get("/id/chemical/aldrin", headers={"Accept": "image/png"})
    assert response.status_code == 406
    message = response.json()["error"]["message"]
    for media_type in ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        assert media_type in message


def test_void_description(client: TestClient, store: GraphStore) -> None:
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.content, format="turtle")
    assert (DATASET, RDF.type, VOID.Dataset) in graph
    assert graph.value(DATASET, VOID.triples).toPython() == len(store)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef("http://testserver/sparql")
    assert set(graph.objects(DATASET, VOID.dataDump)) == {
        URIRef("http://testserver/dump.nq"),
        URIRef("http://testserver/dump.trig"),
    }
    titles = {t.language for t in graph.objects(DATASET, URIRef("http://purl.org/dc/terms/title"))}
    assert titles == set(UN_LANGUAGES)
    subsets = set(graph.objects(DATASET, VOID.subset))
    assert URIRef("https://w3id.org/chm-kg/graph/document/centres-note") in subsets
    assert sum(graph.value(s, VOID.triples).toPython() for s in subsets) == len(store)
    chemicals = next(
        p
        for p in graph.objects(DATASET, VOID.classPartition)
        if graph.value(p, VOID["class"]) == URIRef(CHM_NS + "Chemical")
    )
    assert graph.value(chemicals, VOID.entities).toPython() >= 38
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) == len(graph)


@pytest.mark.parametrize(("path", "rdflib_format"), [("/dump.nq", "nquads"), ("/dump.trig", "trig")])
def test_dumps_hold_the_whole_dataset(client: TestClient, store: GraphStore, path: str, rdflib_format: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    dataset = Dataset()
    dataset.parse(io.BytesIO(response.content), format=rdflib_format)
    assert sum(len(g) for g in dataset.graphs()) == len(store)
    assert client.get("/dump.csv").status_code == 404


def test_every_interface_string_is_translated() -> None:
    assert missing_translations() == []
