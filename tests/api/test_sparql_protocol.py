"""The SPARQL 1.1 Protocol and Graph Store Protocol, in-process (no socket): request forms,
content negotiation, the one error shape, the write token, limits and timeouts."""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph

from api.app import create_app
from api.settings import Settings

TOKEN = "s3cret"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a chm:Convention }"


@pytest.fixture(scope="module")
def client(initialised_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("protocol") / "data"
    shutil.copytree(initialised_store, data, ignore=shutil.ignore_patterns("LOCK"))
    settings = Settings(data=data, update_token=TOKEN, query_timeout_s=3, row_cap=500, max_body_bytes=4096)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def count(client: TestClient, query: str = COUNT) -> int:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def assert_error(response, status: int, code: str, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message"}
    assert error["status"] == status and error["code"] == code
    for word in words:
        assert word in error["message"]


def test_query_by_get_post_form_and_post_direct(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": COUNT}).json()
    by_form = client.post("/sparql", data={"query": COUNT}).json()
    direct = client.post("/sparql", content=COUNT, headers={"Content-Type": "application/sparql-query"}).json()
    assert by_get == by_form == direct and int(by_get["results"]["bindings"][0]["n"]["value"]) == 5


@pytest.mark.parametrize(
    ("accept", "media", "marker"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", '"vars"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
        ("text/csv", "text/csv", "n\r\n5"),
        ("text/tab-separated-values", "text/tab-separated-values", "?n\n"),
        ("text/html;q=0.9, text/csv;q=1.0", "text/csv", "n\r\n"),
        ("*/*", "application/sparql-results+json", '"bindings"'),
    ],
)
def test_select_results_by_accept(client: TestClient, accept: str, media: str, marker: str) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert marker in response.text


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/n-quads", "nquads"),
        ("application/trig", "trig"),
    ],
)
def test_construct_results_by_accept(client: TestClient, accept: str, fmt: str) -> None:
    query = "CONSTRUCT WHERE { ?c a chm:Convention }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
    graph = Graph()
    if fmt in ("nquads", "trig"):
        from rdflib import Dataset

        graph = Dataset()
    graph.parse(data=response.content, format=fmt)
    assert len(graph) == 5


def test_dataset_parameters_select_graphs(client: TestClient) -> None:
    chemicals = "https://w3id.org/chm-kg/graph/vocab/chemicals"
    only = client.get(
        "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }", "default-graph-uri": chemicals}
    )
    everything = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?t }"})
    n_only = int(only.json()["results"]["bindings"][0]["n"]["value"])
    n_all = int(everything.json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_only < n_all


def test_errors_share_one_shape(client: TestClient) -> None:
    assert_error(client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}), 400, "syntax", "1:26")
    assert_error(
        client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"}),
        406,
        "not_acceptable",
        "application/sparql-results+json",
        "text/csv",
    )
    assert_error(
        client.post("/sparql", content=COUNT, headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type"
    )
    assert_error(client.get("/sparql", params=[("query", COUNT), ("query", COUNT)]), 400, "bad_request", "2 times")
    assert_error(client.get("/store", params={"graph": "https://example.org/none"}), 404, "not_found")
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    html = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"}, headers={"Accept": browser})
    assert html.status_code == 400 and html.headers["content-type"].startswith("text/html") and "1:26" in html.text


@pytest.mark.parametrize(
    ("params", "accept"),
    [
        ({"query": COUNT}, "application/sparql-results+json"),
        ({"query": COUNT}, "text/csv"),
        ({"query": COUNT, "format": "xml"}, None),
        ({"query": "CONSTRUCT WHERE { ?s a chm:Convention }"}, "text/turtle"),
        ({"query": "DESCRIBE <https://example.org/none>"}, None),
        ({"query": "SELECT ?x WHERE { ?x ?y }"}, None),
        ({"query": COUNT}, "image/png"),
        ({"query": COUNT, "default-graph-uri": "not an IRI"}, None),
        ({"query": COUNT, "update": "CLEAR ALL"}, None),
        ({"query": "SELECT * WHERE { ?s ?p ?o }"}, None),
    ],
)
def test_get_queries_answer_alike_on_both_paths(client: TestClient, params: dict[str, str], accept: str | None) -> None:
    """A GET query takes the plain ASGI path (api.routes.sparql.SparqlQueries) unless it has an
    Origin header, which sends it through FastAPI and CORS to the `sparql` route: both answer alike."""
    headers = {"Accept": accept} if accept else {}
    fast = client.get("/sparql", params=params, headers=headers)
    routed = client.get("/sparql", params=params, headers={**headers, "Origin": "https://yasgui.example"})
    assert "access-control-allow-origin" not in fast.headers and routed.headers["access-control-allow-origin"] == "*"
    assert fast.status_code == routed.status_code
    assert fast.content == routed.content
    for name in ("content-type", "content-length"):
        assert fast.headers.get(name) == routed.headers.get(name), name
    vary = [v.strip() for v in routed.headers.get("vary", "").split(",") if v.strip() != "Origin"]  # CORS adds Origin
    assert fast.headers.get("vary", "") == ", ".join(vary)


def test_bare_get_describes_the_service(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert any("sparql-service-description#Service" in str(o) for o in graph.objects())


def test_updates_need_the_token_and_change_nothing_without_it(client: TestClient) -> None:
    insert = "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> a chm:Convention } }"
    assert_error(client.post("/update", data={"update": insert}), 401, "unauthorized", "Bearer")
    assert_error(
        client.post("/update", data={"update": insert}, headers={"Authorization": "Bearer wrong"}), 403, "forbidden"
    )
    assert count(client) == 5
    done = client.post(
        "/update",
        content=insert,
        headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
    )
    assert done.status_code == 204
    assert count(client) == 6
    bad = client.post("/update", data={"update": "INSERT DATA { <a> }"}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert_error(bad, 400, "syntax")
    client.post(
        "/update", data={"update": "DROP GRAPH <https://example.org/g>"}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert count(client) == 5


def test_a_read_only_service_refuses_writes(initialised_store: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(initialised_store, data, ignore=shutil.ignore_patterns("LOCK"))
    with TestClient(create_app(Settings(data=data))) as read_only:
        response = read_only.post("/update", data={"update": "CLEAR ALL"}, headers={"Authorization": "Bearer anything"})
        assert_error(response, 403, "forbidden", "read-only")
        assert count(read_only) == 5


def test_graph_store_protocol_round_trip(client: TestClient) -> None:
    graph = "https://example.org/partner"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    turtle = '<https://example.org/x> <https://example.org/p> "one" .'
    created = client.put(
        "/store", params={"graph": graph}, content=turtle, headers={**auth, "Content-Type": "text/turtle"}
    )
    assert created.status_code == 201
    added = client.post(
        "/store",
        params={"graph": graph},
        content='<https://example.org/y> <https://example.org/p> "two" .',
        headers={**auth, "Content-Type": "application/n-triples"},
    )
    assert added.status_code == 204
    read = client.get("/store", params={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert read.status_code == 200 and len(Graph().parse(data=read.text, format="nt")) == 2
    head = client.head("/store", params={"graph": graph})
    assert head.status_code == 200 and head.text == ""
    broken = client.put(
        "/store",
        params={"graph": graph},
        content="<https://example.org/x> oops",
        headers={**auth, "Content-Type": "text/turtle"},
    )
    assert_error(broken, 400, "rdf_syntax")
    assert (
        len(
            Graph().parse(
                data=client.get("/store", params={"graph": graph}, headers={"Accept": "application/n-triples"}).text,
                format="nt",
            )
        )
        == 2
    )
    assert_error(
        client.put("/store", params={"graph": graph}, content=turtle, headers={**auth, "Content-Type": "image/png"}),
        415,
        "unsupported_media_type",
    )
    assert_error(client.delete("/store", params={"graph": graph}), 401, "unauthorized")
    assert client.delete("/store", params={"graph": graph}, headers=auth).status_code == 204
    assert client.get("/store", params={"graph": graph}).status_code == 404
    assert_error(client.get("/store"), 400, "bad_request", "?graph=IRI or ?default")


def test_limits_body_rows_and_time(client: TestClient) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } " + "#" * 5000
    assert_error(
        client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}), 413, "too_large"
    )
    assert_error(
        client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}), 400, "result_too_large", "500", "LIMIT"
    )
    assert client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}).status_code == 200
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    assert_error(client.get("/sparql", params={"query": slow}), 503, "query_timeout", "3 s")
    assert count(client) == 5  # the service answers again at once


def test_cors_lets_browser_clients_in(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT}, headers={"Origin": "https://yasgui.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200 and "POST" in preflight.headers["access-control-allow-methods"]


# ---- the update dataset: using-graph-uri, using-named-graph-uri (SPARQL 1.1 Protocol 2.2.3) ----

EX = "https://example.org/using/"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SEED = f"""INSERT DATA {{
  GRAPH <{EX}a> {{ <{EX}s> <{EX}p> "in a" }}
  GRAPH <{EX}b> {{ <{EX}s> <{EX}p> "in b" }}
}}"""


def update(client: TestClient, text: str, **params: str | list[str]):  # type: ignore[no-untyped-def]
    return client.post(
        "/update", params=params, content=text, headers={**AUTH, "Content-Type": "application/sparql-update"}
    )


def values(client: TestClient, graph: str) -> list[str]:
    query = f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} ORDER BY ?o"
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return [row["o"]["value"] for row in response.json()["results"]["bindings"]]


@pytest.fixture
def seeded(client: TestClient) -> Iterator[TestClient]:
    assert update(client, SEED).status_code == 204
    yield client
    for name in ("a", "b", "out", "out2"):
        assert update(client, f"DROP SILENT GRAPH <{EX}{name}>").status_code == 204


def test_using_graph_uri_is_the_default_graph_of_each_delete_insert(seeded: TestClient) -> None:
    # WHERE in a comment, in strings (short and long) and a `#` in an IRI must not be taken for the clause.
    text = f"""# copy: WHERE {{ ; }}
INSERT {{ GRAPH <{EX}out> {{ ?s <{EX}copied#from> ?o ; <{EX}note> "WHERE {{ ; }}", '''WHERE
#'''  }} }}
WHERE {{ ?s <{EX}p> ?o }} ;
INSERT {{ GRAPH <{EX}out2> {{ ?s <{EX}copied> ?o }} }} where {{ ?s <{EX}p> ?o }}"""
    assert update(seeded, text, **{"using-graph-uri": f"{EX}a"}).status_code == 204
    assert values(seeded, f"{EX}out") == ["WHERE\n#", "WHERE { ; }", "in a"]
    assert values(seeded, f"{EX}out2") == ["in a"]
    # without the parameter, the WHERE reads the store's default graph, which holds none of it
    second = f"INSERT {{ GRAPH <{EX}out2> {{ ?s <{EX}copied> ?o }} }} where {{ ?s <{EX}p> ?o }}"
    assert update(seeded, f"DROP GRAPH <{EX}out2> ; {second}").status_code == 204
    assert values(seeded, f"{EX}out2") == []


def test_using_named_graph_uri_by_form_and_several_graphs(seeded: TestClient) -> None:
    text = f"INSERT {{ GRAPH <{EX}out> {{ ?s <{EX}from> ?g }} }} WHERE {{ GRAPH ?g {{ ?s <{EX}p> ?o }} }}"
    form = {"update": text, "using-named-graph-uri": f"{EX}b"}
    assert seeded.post("/update", data=form, headers=AUTH).status_code == 204
    assert values(seeded, f"{EX}out") == [f"{EX}b"]
    both = update(seeded, text, **{"using-named-graph-uri": [f"{EX}a", f"{EX}b"]})
    assert both.status_code == 204 and values(seeded, f"{EX}out") == [f"{EX}a", f"{EX}b"]
    # USING NAMED alone leaves the default graph empty
    plain = f"INSERT {{ GRAPH <{EX}out2> {{ ?s <{EX}x> ?o }} }} WHERE {{ ?s <{EX}p> ?o }}"
    assert update(seeded, plain, **{"using-named-graph-uri": f"{EX}a"}).status_code == 204
    assert values(seeded, f"{EX}out2") == []


def test_using_parameters_beside_using_or_with_in_the_update_are_refused(seeded: TestClient) -> None:
    copy = f"INSERT {{ GRAPH <{EX}out> {{ ?s <{EX}c> ?o }} }}"
    for text in (
        f"WITH <{EX}a> INSERT {{ ?s <{EX}c> ?o }} WHERE {{ ?s <{EX}p> ?o }}",
        f"{copy} USING <{EX}b> WHERE {{ ?s <{EX}p> ?o }}",
        f"INSERT DATA {{ <{EX}x> <{EX}y> 'WITH' }} ; {copy} USING NAMED <{EX}b> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    ):
        response = update(seeded, text, **{"using-graph-uri": f"{EX}a"})
        assert_error(response, 400, "bad_request", "using-graph-uri")
    assert values(seeded, f"{EX}out") == []
    assert_error(update(seeded, copy + " WHERE {}", **{"using-graph-uri": "not an iri"}), 400, "bad_request", "IRI")
    # the update's own USING, without the parameters, is fine
    assert update(seeded, f"{copy} USING <{EX}b> WHERE {{ ?s <{EX}p> ?o }}").status_code == 204
    assert values(seeded, f"{EX}out") == ["in b"]


# ---- the catalog graph follows writes through /update and /store ----------------------------------

CATALOG = "https://w3id.org/chm-kg/graph/catalog"


def catalog_entry(client: TestClient, graph: str) -> dict[str, str]:
    query = f"SELECT ?p ?o WHERE {{ GRAPH <{CATALOG}> {{ <{graph}> ?p ?o }} }}"
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    return {row["p"]["value"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]: row["o"]["value"] for row in rows}


def test_updates_and_additions_keep_the_catalog_honest(client: TestClient) -> None:
    graph = "https://example.org/catalogued"
    turtle = {**AUTH, "Content-Type": "text/turtle"}
    assert (
        client.put("/store", params={"graph": graph}, content="<urn:a> <urn:p> 1, 2 .", headers=turtle).status_code
        == 201
    )
    loaded = catalog_entry(client, graph)
    assert loaded["triples"] == "2" and loaded["sha256"] and loaded["source"] == "graph store protocol"

    assert update(client, f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:p> 3 }} }}").status_code == 204
    changed = catalog_entry(client, graph)
    assert changed["triples"] == "3" and "sha256" not in changed, "the checksum no longer describes the graph"

    assert (
        client.put("/store", params={"graph": graph}, content="<urn:a> <urn:p> 1 .", headers=turtle).status_code == 204
    )
    assert (
        client.post("/store", params={"graph": graph}, content="<urn:b> <urn:p> 1 .", headers=turtle).status_code == 204
    )
    added = catalog_entry(client, graph)
    assert added["triples"] == "2" and "sha256" not in added

    assert update(client, f"DROP GRAPH <{graph}>").status_code == 204
    assert catalog_entry(client, graph) == {}
    ontology = catalog_entry(client, "https://w3id.org/chm-kg/graph/ontology")
    assert ontology["sha256"], "graphs the updates did not touch keep their entries"


# ---- the query workers ---------------------------------------------------------------------------


def test_queries_queue_for_the_workers_and_a_dead_worker_is_replaced(client: TestClient) -> None:
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: count(client), range(24))) == [5] * 24
    workers = client.app.state.service.executor.pids()  # type: ignore[attr-defined]
    assert len(workers) == 2
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    failures = 0
    while (response := client.get("/sparql", params={"query": COUNT})).status_code != 200:
        assert_error(response, 500, "store_error", "replaced")
        failures += 1
        assert failures <= len(workers)
    assert count(client) == 5
