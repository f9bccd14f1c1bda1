"""Real SPARQL clients against the real service (`chm serve` on a socket): SPARQLWrapper, rdflib's
SPARQLStore and SPARQLUpdateStore, curl, and Apache Jena's ARQ from Debian.

curl, a Java runtime and Jena are system packages: `make test` installs them when missing (its
`system-deps` step), so their tests fail, not skip, where they are absent. The clients found three
gaps in the service (SPARQLWrapper's `format` parameters, `#` inside an IRI read as a comment, 405
without `Allow`); their tests pass now and guard the fixes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from xml.dom.minidom import Document

import httpx
import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from rdflib.query import ResultRow
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import Unauthorized

from tests.conftest import live_server, run_chm

pytestmark = [
    pytest.mark.slow,
    # SPARQLWrapper and rdflib's JSON-LD parser build ConjunctiveGraphs, which rdflib 7 deprecates.
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]

TOKEN = "t"
SETUP_HINT = (
    "`make test` installs it when missing (its `system-deps` step: apt-get install curl default-jre-headless "
    "libapache-jena-java); run `make system-deps`, or install those packages yourself"
)
ANNEX_A = "https://w3id.org/chm-kg/id/convention/stockholm/annex/A"
ALDRIN = URIRef("https://w3id.org/chm-kg/id/chemical/aldrin")
CHEMICALS_GRAPH = URIRef("https://w3id.org/chm-kg/graph/vocab/chemicals")
ONTOLOGY_GRAPH = URIRef("https://w3id.org/chm-kg/graph/ontology")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
UN_LANGUAGES = {"ar", "en", "es", "fr", "ru", "zh"}

COUNT_ANNEX_A = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c chm:listedIn <{ANNEX_A}> }}"
LIST_ANNEX_A = f"SELECT ?c WHERE {{ ?c chm:listedIn <{ANNEX_A}> }} ORDER BY ?c"
ASK_ANNEX_A = f"ASK {{ ?c chm:listedIn <{ANNEX_A}> }}"
ASK_NOTHING = "ASK { ?c chm:listedIn <urn:chm-test:no-such-annex> }"
CONSTRUCT_ANNEX_A = f"CONSTRUCT {{ ?c rdfs:label ?l }} WHERE {{ ?c chm:listedIn <{ANNEX_A}> ; rdfs:label ?l }}"
ARQ_PROLOGUE = """PREFIX chm: <https://w3id.org/chm-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
# Three unconstrained patterns: a cross join of the store with itself, three times (hours of work).
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


# ---- servers ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_server(corpus_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A read-only service (no update token) over a copy of the corpus store."""
    copy = tmp_path_factory.mktemp("clients-corpus") / "data"
    shutil.copytree(corpus_store, copy, ignore=shutil.ignore_patterns("LOCK"))
    with live_server(copy) as base:
        yield base


@pytest.fixture(scope="module")
def writable_server(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A service that takes updates with the bearer token `t`, over a copy of the vocabulary store."""
    copy = tmp_path_factory.mktemp("clients-writable") / "data"
    shutil.copytree(initialised_store, copy, ignore=shutil.ignore_patterns("LOCK"))
    with live_server(copy, update_token=TOKEN) as base:
        yield base


@pytest.fixture(scope="module")
def annex_a(corpus_store: Path) -> list[str]:
    """The Annex A chemicals, as `chm query` reads them from the store itself (no HTTP)."""
    result = run_chm("query", LIST_ANNEX_A, "--format", "json", data=corpus_store, check=True)
    chemicals = [row["c"]["value"] for row in json.loads(result.stdout)["results"]["bindings"]]
    assert len(chemicals) > 20
    return chemicals


def wrapper(base: str, query: str, return_format: str = JSON, *, conneg_only: bool = True) -> SPARQLWrapper:
    client = SPARQLWrapper(f"{base}/sparql", updateEndpoint=f"{base}/update")
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setOnlyConneg(conneg_only)
    return client


def as_json(client: SPARQLWrapper) -> dict[str, Any]:
    converted = client.queryAndConvert()
    assert isinstance(converted, dict), converted
    return converted


def as_graph(client: SPARQLWrapper) -> Graph:
    converted = client.queryAndConvert()
    assert isinstance(converted, Graph), converted
    return converted


def as_bytes(client: SPARQLWrapper) -> bytes:
    converted = client.queryAndConvert()
    assert isinstance(converted, bytes), converted
    return converted


def languages(labels: Iterable[object]) -> set[str | None]:
    return {label.language if isinstance(label, Literal) else None for label in labels}


def select_values(base: str, query: str) -> list[dict[str, str]]:
    rows = as_json(wrapper(base, query))["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


def quads(base: str) -> int:
    answer = httpx.get(
        f"{base}/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}, timeout=30
    )
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def holds(base: str, subject: str) -> bool:
    answer = httpx.get(
        f"{base}/sparql",
        params={"query": f"ASK {{ GRAPH ?g {{ <{subject}> ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return bool(answer.json()["boolean"])


# ---- SPARQLWrapper ------------------------------------------------------------------------------


def test_sparqlwrapper_select_json(corpus_server: str, annex_a: list[str]) -> None:
    client = wrapper(corpus_server, LIST_ANNEX_A, JSON)
    result = client.query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    data = result.convert()
    assert isinstance(data, dict)
    assert data["head"]["vars"] == ["c"]
    assert [row["c"]["value"] for row in data["results"]["bindings"]] == annex_a
    assert select_values(corpus_server, COUNT_ANNEX_A) == [{"n": str(len(annex_a))}]


def test_sparqlwrapper_select_xml(corpus_server: str, annex_a: list[str]) -> None:
    result = wrapper(corpus_server, LIST_ANNEX_A, XML).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+xml")
    document = result.convert()
    assert isinstance(document, Document)
    uris = [node.firstChild.nodeValue for node in document.getElementsByTagName("uri") if node.firstChild]
    assert uris == annex_a


@pytest.mark.parametrize("method", [POST, "GET"])
@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_methods(corpus_server: str, annex_a: list[str], method: str, request_method: str) -> None:
    client = wrapper(corpus_server, COUNT_ANNEX_A)
    client.setMethod(method)
    client.setRequestMethod(request_method)
    assert as_json(client)["results"]["bindings"][0]["n"]["value"] == str(len(annex_a))


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(corpus_server: str, return_format: str) -> None:
    def ask(query: str) -> bool:
        client = wrapper(corpus_server, query, return_format)
        if return_format == JSON:
            return bool(as_json(client)["boolean"])
        converted = client.queryAndConvert()
        assert isinstance(converted, Document)
        value = converted.getElementsByTagName("boolean")[0].firstChild
        return value is not None and value.nodeValue == "true"

    assert ask(ASK_ANNEX_A) is True
    assert ask(ASK_NOTHING) is False


@pytest.mark.parametrize("return_format", [RDFXML, XML, JSONLD])
def test_sparqlwrapper_construct_to_rdflib_graph(corpus_server: str, annex_a: list[str], return_format: str) -> None:
    graph = as_graph(wrapper(corpus_server, CONSTRUCT_ANNEX_A, return_format))
    assert set(graph.subjects(RDFS.label, None)) == {URIRef(c) for c in annex_a}
    assert languages(graph.objects(ALDRIN, RDFS.label)) >= UN_LANGUAGES


def test_sparqlwrapper_construct_turtle_and_describe(corpus_server: str) -> None:
    as_turtle = Graph().parse(data=as_bytes(wrapper(corpus_server, CONSTRUCT_ANNEX_A, TURTLE)), format="turtle")
    as_rdfxml = as_graph(wrapper(corpus_server, CONSTRUCT_ANNEX_A, RDFXML))
    assert len(as_turtle) == len(as_rdfxml) > 0
    described = as_graph(wrapper(corpus_server, f"DESCRIBE <{ALDRIN}>", RDFXML))
    assert (ALDRIN, RDF.type, URIRef("https://w3id.org/chm-kg/ontology#Chemical")) in described


@pytest.mark.parametrize(
    ("query", "return_format"),
    [
        (LIST_ANNEX_A, TSV),
        (CONSTRUCT_ANNEX_A, XML),  # SPARQLWrapper's default format: CONSTRUCT → rdflib Graph
        (CONSTRUCT_ANNEX_A, RDFXML),
        (CONSTRUCT_ANNEX_A, JSONLD),
        (CONSTRUCT_ANNEX_A, N3),
        (f"DESCRIBE <{ALDRIN}>", XML),
    ],
    ids=["select-tsv", "construct-xml", "construct-rdfxml", "construct-jsonld", "construct-n3", "describe-xml"],
)
def test_sparqlwrapper_default_format_parameters(corpus_server: str, query: str, return_format: str) -> None:
    result = wrapper(corpus_server, query, return_format, conneg_only=False).query()
    assert result.response.status == 200


@pytest.mark.parametrize("return_format", [RDFXML, TURTLE])
def test_sparqlwrapper_construct_with_declared_prefixes(corpus_server: str, return_format: str) -> None:
    declared = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX chm: <https://w3id.org/chm-kg/ontology#>\n" + CONSTRUCT_ANNEX_A
    )
    result = wrapper(corpus_server, declared, return_format).query()
    assert result.response.status == 200


def test_sparqlwrapper_default_format_parameters_that_work(corpus_server: str, annex_a: list[str]) -> None:
    json_rows = as_json(wrapper(corpus_server, LIST_ANNEX_A, JSON, conneg_only=False))
    assert len(json_rows["results"]["bindings"]) == len(annex_a)
    csv_text = as_bytes(wrapper(corpus_server, LIST_ANNEX_A, CSV, conneg_only=False))
    assert csv_text.decode().split() == ["c", *annex_a]
    turtle = as_bytes(wrapper(corpus_server, CONSTRUCT_ANNEX_A, TURTLE, conneg_only=False))
    assert len(Graph().parse(data=turtle, format="turtle")) > 0


@pytest.mark.parametrize("request_method", [URLENCODED, POSTDIRECTLY])
def test_sparqlwrapper_update_with_bearer_token(writable_server: str, request_method: str) -> None:
    subject = f"urn:chm-test:sparqlwrapper-{request_method}"
    client = wrapper(writable_server, f'INSERT DATA {{ GRAPH <urn:chm-test:g> {{ <{subject}> rdfs:label "x"@en }} }}')
    client.setMethod(POST)
    client.setRequestMethod(request_method)
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    assert client.query().response.status == 204
    assert select_values(writable_server, f"SELECT ?l WHERE {{ <{subject}> rdfs:label ?l }}") == [{"l": "x"}]


@pytest.mark.parametrize(("authorization", "status"), [(None, 401), ("Bearer wrong", 403), ("Basic dTpw", 401)])
def test_sparqlwrapper_update_refused_without_the_token(
    writable_server: str, authorization: str | None, status: int
) -> None:
    before = quads(writable_server)
    subject = "urn:chm-test:refused"
    client = wrapper(writable_server, f"INSERT DATA {{ GRAPH <urn:chm-test:g> {{ <{subject}> <urn:chm-test:p> 1 }} }}")
    client.setMethod(POST)
    if authorization:
        client.addCustomHttpHeader("Authorization", authorization)
    # SPARQLWrapper turns a 401 into its own Unauthorized; other statuses come as urllib's HTTPError.
    with pytest.raises((Unauthorized, HTTPError)) as refused:
        client.query()
    if status == 401:
        assert refused.type is Unauthorized
    else:
        assert isinstance(refused.value, HTTPError) and refused.value.code == status
    assert not holds(writable_server, subject)
    assert quads(writable_server) == before


def test_sparqlwrapper_update_on_a_read_only_service(corpus_server: str) -> None:
    before = quads(corpus_server)
    client = wrapper(corpus_server, "INSERT DATA { GRAPH <urn:chm-test:g> { <urn:chm-test:ro> <urn:chm-test:p> 1 } }")
    client.setMethod(POST)
    client.addCustomHttpHeader("Authorization", "Bearer anything")
    with pytest.raises(HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    assert "read-only" in json.loads(refused.value.read())["error"]["message"]
    assert quads(corpus_server) == before


# ---- rdflib's SPARQLStore and SPARQLUpdateStore -----------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json"])
def test_rdflib_sparqlstore_query(corpus_server: str, annex_a: list[str], method: str, return_format: str) -> None:
    graph = Graph(store=SPARQLStore(f"{corpus_server}/sparql", method=method, returnFormat=return_format))
    rows = list(graph.query(f"SELECT ?l WHERE {{ <{ALDRIN}> rdfs:label ?l }}"))
    assert languages(row[0] for row in rows if isinstance(row, ResultRow)) >= UN_LANGUAGES
    listed = [str(row[0]) for row in graph.query(LIST_ANNEX_A) if isinstance(row, ResultRow)]
    assert listed == annex_a
    assert graph.query(ASK_ANNEX_A).askAnswer is True


def test_rdflib_sparqlstore_as_a_graph(corpus_server: str, annex_a: list[str]) -> None:
    graph = Graph(store=SPARQLStore(f"{corpus_server}/sparql"))
    labels = set(graph.objects(ALDRIN, RDFS.label))
    assert Literal("Aldrin", lang="en") in labels
    assert languages(labels) >= UN_LANGUAGES
    assert (ALDRIN, RDF.type, URIRef("https://w3id.org/chm-kg/ontology#Chemical")) in graph
    assert len(list(graph.triples((ALDRIN, None, None)))) > 6
    count = select_values(corpus_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    assert len(graph) == int(count)
    constructed = graph.query(CONSTRUCT_ANNEX_A).graph
    assert constructed is not None
    assert set(constructed.subjects(RDFS.label, None)) == {URIRef(c) for c in annex_a}
    described = graph.query(f"DESCRIBE <{ALDRIN}>").graph
    assert described is not None
    assert (ALDRIN, RDFS.label, Literal("Aldrin", lang="en")) in described


def test_rdflib_sparqlstore_named_graph(corpus_server: str) -> None:
    """A Graph with an identifier asks through `default-graph-uri`: only that graph answers."""
    chemicals = Graph(store=SPARQLStore(f"{corpus_server}/sparql"), identifier=CHEMICALS_GRAPH)
    ontology = Graph(store=SPARQLStore(f"{corpus_server}/sparql"), identifier=ONTOLOGY_GRAPH)
    assert (ALDRIN, RDFS.label, Literal("Aldrin", lang="en")) in chemicals
    assert list(ontology.triples((ALDRIN, None, None))) == []
    assert 0 < len(chemicals) < len(Graph(store=SPARQLStore(f"{corpus_server}/sparql")))


def test_rdflib_sparqlupdatestore_with_bearer_header(writable_server: str) -> None:
    """rdflib's `auth=` is HTTP Basic only; a bearer token goes in `headers=`, which the connector
    sends with every request."""
    store = SPARQLUpdateStore(
        f"{writable_server}/sparql", f"{writable_server}/update", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    graph = Graph(store=store, identifier=URIRef("urn:chm-test:rdflib"))
    a, b = URIRef("urn:chm-test:rdflib-a"), URIRef("urn:chm-test:rdflib-b")
    graph.add((a, RDFS.label, Literal("A", lang="en")))
    assert list(graph.objects(a, RDFS.label)) == [Literal("A", lang="en")]
    graph.update(f'INSERT DATA {{ <{b}> rdfs:label "B"@fr }}')
    assert set(graph.subjects(RDFS.label, None)) == {a, b}
    graph.remove((a, None, None))
    assert set(graph.subjects(RDFS.label, None)) == {b}
    # The inserts went to the named graph, not the default graph.
    assert select_values(writable_server, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{b}> ?p ?o }} }}") == [
        {"g": "urn:chm-test:rdflib"}
    ]


@pytest.mark.parametrize("auth", [None, ("user", TOKEN)])
def test_rdflib_sparqlupdatestore_refused_without_bearer(writable_server: str, auth: tuple[str, str] | None) -> None:
    before = quads(writable_server)
    store = SPARQLUpdateStore(f"{writable_server}/sparql", f"{writable_server}/update", auth=auth)
    graph = Graph(store=store, identifier=URIRef("urn:chm-test:rdflib"))
    with pytest.raises(HTTPError) as refused:
        graph.add((URIRef("urn:chm-test:rdflib-refused"), RDFS.label, Literal("no")))
    assert refused.value.code == 401
    assert refused.value.headers["WWW-Authenticate"] == "Bearer"
    assert not holds(writable_server, "urn:chm-test:rdflib-refused")
    assert quads(writable_server) == before


# ---- curl -------------------------------------------------------------------------------------------


@dataclass
class CurlResponse:
    status: int
    headers: dict[str, str]  # names in lower case; the last value of a repeated header
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def error(self) -> dict[str, object]:
        assert self.headers["content-type"].startswith("application/json"), self.headers
        error: dict[str, object] = json.loads(self.body)["error"]
        return error


Curl = Callable[..., CurlResponse]
Arq = Callable[[str, str, str], str]


@pytest.fixture(scope="module")
def curl(tmp_path_factory: pytest.TempPathFactory) -> Curl:
    binary = shutil.which("curl")
    if binary is None:
        pytest.fail(f"curl is not installed: {SETUP_HINT}")
    folder = tmp_path_factory.mktemp("curl")

    def run(*args: str) -> CurlResponse:
        head, body = folder / "head", folder / "body"
        options = ["--silent", "--show-error", "--max-time", "60", "--write-out", "%{http_code}"]
        done = subprocess.run(
            [binary, *options, "--dump-header", str(head), "--output", str(body), *args],
            capture_output=True,
            text=True,
            timeout=90,
        )
        assert done.returncode == 0, done.stderr
        headers = {}
        for line in head.read_text("latin-1").splitlines()[1:]:
            name, _, value = line.partition(":")
            if value:
                headers[name.strip().lower()] = value.strip()
        return CurlResponse(int(done.stdout), headers, body.read_bytes())

    return run


def test_curl_get_post_form_and_post_direct_agree(curl: Curl, corpus_server: str, annex_a: list[str]) -> None:
    url = f"{corpus_server}/sparql"
    answers = [
        curl("--get", "--data-urlencode", f"query={LIST_ANNEX_A}", url),
        curl("--data-urlencode", f"query={LIST_ANNEX_A}", url),
        curl("--data-binary", LIST_ANNEX_A, "-H", "Content-Type: application/sparql-query", url),
        curl("--data-binary", LIST_ANNEX_A, "-H", "Content-Type: application/sparql-query; charset=utf-8", url),
    ]
    for answer in answers:
        assert answer.status == 200, answer.text
        assert answer.headers["content-type"] == "application/sparql-results+json"
        assert [row["c"]["value"] for row in json.loads(answer.body)["results"]["bindings"]] == annex_a


@pytest.mark.parametrize(
    ("accept", "media", "first_line", "line_end"),
    [
        ("text/csv", "text/csv", "c", "\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", "?c", "\n"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<?xml", "\n"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values", "?c", "\n"),
    ],
)
def test_curl_accept_negotiation(
    curl: Curl, corpus_server: str, annex_a: list[str], accept: str, media: str, first_line: str, line_end: str
) -> None:
    answer = curl(
        "--get", "--data-urlencode", f"query={LIST_ANNEX_A}", "-H", f"Accept: {accept}", f"{corpus_server}/sparql"
    )
    assert answer.status == 200, answer.text
    assert answer.headers["content-type"].split(";")[0] == media
    assert "Accept" in answer.headers.get("vary", "")
    assert answer.text.startswith(first_line)
    if media != "application/sparql-results+xml":
        lines = answer.text.split(line_end)
        assert lines[-1] == ""
        cells = [cell.strip("<>") for cell in lines[1:-1]]
        assert cells == annex_a


def test_curl_406_names_the_formats(curl: Curl, corpus_server: str) -> None:
    answer = curl(
        "--get", "--data-urlencode", f"query={LIST_ANNEX_A}", "-H", "Accept: image/png", f"{corpus_server}/sparql"
    )
    assert answer.status == 406
    error = answer.error()
    assert error["code"] == "not_acceptable"
    for media in (
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ):
        assert media in str(error["message"])
    graph = curl(
        "--get", "--data-urlencode", f"query={CONSTRUCT_ANNEX_A}", "-H", "Accept: text/csv", f"{corpus_server}/sparql"
    )
    assert graph.status == 406
    for media in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"):
        assert media in str(graph.error()["message"])


def test_curl_415(curl: Curl, corpus_server: str, writable_server: str) -> None:
    query = curl("--data-binary", LIST_ANNEX_A, "-H", "Content-Type: text/plain", f"{corpus_server}/sparql")
    assert query.status == 415
    assert query.error()["code"] == "unsupported_media_type"
    assert "application/sparql-query" in str(query.error()["message"])
    update = curl(
        "--data-binary",
        "INSERT DATA { <urn:chm-test:415> <urn:chm-test:p> 1 }",
        "-H",
        "Content-Type: text/plain",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        f"{writable_server}/update",
    )
    assert update.status == 415
    assert "application/sparql-update" in str(update.error()["message"])
    assert not holds(writable_server, "urn:chm-test:415")


def test_curl_update_with_bearer_token(curl: Curl, writable_server: str) -> None:
    update = 'INSERT DATA { GRAPH <urn:chm-test:g> { <urn:chm-test:curl> rdfs:label "curl"@en } }'
    args = ("--data-binary", update, "-H", "Content-Type: application/sparql-update", f"{writable_server}/update")
    refused = curl(*args)
    assert refused.status == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert not holds(writable_server, "urn:chm-test:curl")
    done = curl("-H", f"Authorization: Bearer {TOKEN}", *args)
    assert done.status == 204, done.text
    assert holds(writable_server, "urn:chm-test:curl")


def test_curl_service_description(curl: Curl, corpus_server: str) -> None:
    answer = curl(f"{corpus_server}/sparql")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=answer.text, format="turtle")
    endpoint = URIRef(f"{corpus_server}/sparql")
    assert (endpoint, RDF.type, SD.Service) in description
    assert (endpoint, SD.endpoint, endpoint) in description
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in description
    for name in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV", "Turtle"):
        assert (endpoint, SD.resultFormat, FORMATS[name]) in description


def test_curl_cors(curl: Curl, corpus_server: str) -> None:
    url = f"{corpus_server}/sparql"
    origin = ("-H", "Origin: https://example.org")
    answer = curl("--get", "--data-urlencode", f"query={ASK_ANNEX_A}", *origin, url)
    assert answer.status == 200
    assert answer.headers["access-control-allow-origin"] in ("*", "https://example.org")
    assert "content-type" in answer.headers["access-control-expose-headers"].lower()
    error = curl("--get", "--data-urlencode", "query=SELEC", *origin, url)
    assert error.status == 400
    assert error.headers["access-control-allow-origin"] in ("*", "https://example.org")


@pytest.mark.parametrize("path", ["/sparql", "/update"])
def test_curl_cors_preflight(curl: Curl, corpus_server: str, path: str) -> None:
    answer = curl(
        "-X",
        "OPTIONS",
        "-H",
        "Origin: https://example.org",
        "-H",
        "Access-Control-Request-Method: POST",
        "-H",
        "Access-Control-Request-Headers: content-type, authorization",
        f"{corpus_server}{path}",
    )
    assert answer.status in (200, 204)
    assert answer.headers["access-control-allow-origin"] in ("*", "https://example.org")
    assert "POST" in answer.headers["access-control-allow-methods"]
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert "content-type" in allowed and "authorization" in allowed


# ---- Apache Jena's ARQ ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arq(tmp_path_factory: pytest.TempPathFactory) -> Arq:
    """`arq.rsparql` of Debian's libapache-jena-java, as a function of (service URL, query, results format)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"no `java` binary: the ARQ client test needs a Java runtime; {SETUP_HINT}")
    if subprocess.run(["dpkg", "-s", "libapache-jena-java"], capture_output=True).returncode != 0:
        pytest.fail(f"Apache Jena (libapache-jena-java) is not installed; {SETUP_HINT}")
    folder = tmp_path_factory.mktemp("arq")
    classpath = jena_classpath(folder / "xerces-resources")

    def run(service: str, query: str, results: str) -> str:
        # ARQ parses the query before sending it: the service's predeclared prefixes must be written out.
        query_file = folder / "query.rq"
        query_file.write_text(ARQ_PROLOGUE + query, encoding="utf-8")
        command = ["arq.rsparql", "--service", service, "--query", str(query_file), f"--results={results}"]
        done = subprocess.run(
            [java, "-cp", classpath, *command],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


def jena_classpath(resources: Path) -> str:
    """The jars of libapache-jena-java and of the Java packages it depends on, and a folder fixing
    Debian's Jena 4.5.0 packaging.

    `/usr/share/java/*` will not do: it holds both log4j-over-slf4j and slf4j-log4j12, and SLF4J
    stops the JVM when it sees them together; so only SLF4J's API and its no-op binding are kept.
    Debian relocates Jena's bundled Xerces classes to the `xerces` package but leaves their message
    files under `org/apache/jena/ext/xerces/`, so ARQ dies at start-up (`RuntimeException: internal
    error` in XSSimpleTypeDecl.applyFacets1) unless they are also found where the classes look.
    """
    packages: set[str] = set()
    pending = ["libapache-jena-java"]
    while pending:
        package = pending.pop()
        if package in packages or not package.endswith("-java"):
            continue
        packages.add(package)
        depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], capture_output=True, text=True)
        for clause in depends.stdout.split(","):
            name = re.split(r"[\s(:|]", clause.strip(), maxsplit=1)[0]
            if name:
                pending.append(name)
    jars = []
    for package in sorted(packages):
        listing = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True).stdout.split()
        for path in listing:
            if not (path.startswith("/usr/share/java/") and path.endswith(".jar")):
                continue
            if re.search(r"-\d[\w.~+]*\.jar$", path):  # versioned duplicates of the unversioned names
                continue
            if "slf4j" in path and Path(path).name not in ("slf4j-api.jar", "slf4j-nop.jar"):
                continue
            jars.append(path)
    core = next(j for j in jars if Path(j).name == "jena-core.jar")
    with zipfile.ZipFile(core) as archive:
        for name in archive.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = resources / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    return ":".join([str(resources), *jars])


def test_arq_rsparql_select(arq: Arq, corpus_server: str, annex_a: list[str]) -> None:
    service = f"{corpus_server}/sparql"
    counted = json.loads(arq(service, COUNT_ANNEX_A, "json"))["results"]["bindings"][0]["n"]["value"]
    assert int(counted) == len(annex_a) == int(select_values(corpus_server, COUNT_ANNEX_A)[0]["n"])
    listed = arq(service, LIST_ANNEX_A, "tsv").split("\n")
    assert listed[0] == "?c"
    assert [cell.strip("<>") for cell in listed[1:] if cell] == annex_a


def test_arq_rsparql_ask_and_construct(arq: Arq, corpus_server: str, annex_a: list[str]) -> None:
    service = f"{corpus_server}/sparql"
    assert json.loads(arq(service, ASK_ANNEX_A, "json"))["boolean"] is True
    assert json.loads(arq(service, ASK_NOTHING, "json"))["boolean"] is False
    turtle = arq(service, CONSTRUCT_ANNEX_A, "turtle")
    graph = Graph().parse(data=turtle, format="turtle")
    assert set(graph.subjects(RDFS.label, None)) == {URIRef(c) for c in annex_a}
    assert len(graph) == len(as_graph(wrapper(corpus_server, CONSTRUCT_ANNEX_A, RDFXML)))


# ---- a query past its time ---------------------------------------------------------------------------


def test_query_timeout_stops_the_query_and_the_service_goes_on(store_copy: Path) -> None:
    with live_server(store_copy, query_timeout_s="3") as base, httpx.Client(base_url=base, timeout=60) as client:
        for _ in range(3):  # more than the two workers: each one killed is replaced
            started = time.monotonic()
            answer = client.get("/sparql", params={"query": CROSS_JOIN})
            elapsed = time.monotonic() - started
            assert answer.status_code == 503, answer.text
            error = answer.json()["error"]
            assert error["code"] == "query_timeout"
            assert "3 s" in error["message"]
            assert 3 <= elapsed < 10
            quick = client.get("/sparql", params={"query": "ASK { ?s a owl:Class }"})
            assert quick.status_code == 200
            assert quick.json()["boolean"] is True

        # While one worker is stuck on the cross join, the other answers at once.
        stuck: list[httpx.Response] = []
        thread = threading.Thread(target=lambda: stuck.append(client.get("/sparql", params={"query": CROSS_JOIN})))
        thread.start()
        try:
            time.sleep(0.5)
            started = time.monotonic()
            quick = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a owl:Class }"})
            assert quick.status_code == 200
            assert time.monotonic() - started < 2
        finally:
            thread.join(timeout=30)
        assert stuck and stuck[0].status_code == 503
        assert client.get("/health").json()["status"] == "ok"
