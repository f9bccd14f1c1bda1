"""Runs the W3C SPARQL tests against a live chm-kg service, over HTTP only.

Evaluation tests: the store is emptied (`DROP ALL` on /update), the test's dataset is loaded through
the Graph Store Protocol (POST to /store?default and /store?graph=NAME: on an empty graph POST is a
PUT, and it adds only the triples, where PUT also records the graph in the catalog graph), the query
goes to /sparql (GET when short, else POST) with `BASE <query-file>` prepended, and the answer, in
the format of the expected result (XML, JSON, CSV, TSV results; N-Triples for graphs), is compared
with it (results.py). Updates go to /update; every graph is then read back through GET /store.

Protocol and graph store protocol tests replay their manifests' HTTP exchanges: `/sparql/` becomes
/sparql or /update (the service has one endpoint each), `/gsp` becomes /store, and every request
carries the write token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode

import httpx
from rdflib import Graph

from tests.w3c.manifests import Dataset, EvaluationTest, Exchange, HttpTest, Source, Test
from tests.w3c.results import (
    HarnessError,
    Solutions,
    compare_graphs,
    compare_solutions,
    has_top_level_order_by,
    parse_response,
    read_expected,
    read_graph,
)

PARTS = {
    "QueryEvaluationTest": "query",
    "CSVResultFormatTest": "query",
    "UpdateEvaluationTest": "update",
    "ProtocolTest": "protocol",
    "GraphStoreProtocolTest": "graph-store",
}
_GRAPH_ACCEPT = "application/n-triples"
_ACCEPT = {  # by the expected result's extension: the same format back, or N-Triples for a graph
    ".srx": f"application/sparql-results+xml, {_GRAPH_ACCEPT}",
    ".srj": f"application/sparql-results+json, {_GRAPH_ACCEPT}",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
}
_UPLOAD = {".ttl": "text/turtle", ".nt": "application/n-triples", ".rdf": "application/rdf+xml"}
_STATUS = {
    "OK": range(200, 201),
    "Created": range(201, 202),
    "NoContent": range(204, 205),
    "NotFound": range(404, 405),
    "StatusCode2xx": range(200, 300),
    "StatusCode3xx": range(300, 400),
    "StatusCode4xx": range(400, 500),
    "StatusCode5xx": range(500, 600),
}
_UPDATE_WORD = re.compile(
    r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(?:INSERT|DELETE|CLEAR|DROP|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_GET_LIMIT = 1500  # longer queries are POSTed


@dataclass(frozen=True)
class Outcome:
    test: str
    part: str
    status: str  # pass, fail or skip
    message: str = ""


def part(test: Test) -> str:
    return PARTS[test.type]


def skip_reason(test: Test) -> str | None:
    """Why a test is not run: what it needs is not SPARQL 1.1 over one service."""
    if isinstance(test, EvaluationTest) and test.entailment:
        return "entailment regime (sd:entailmentRegime): the service evaluates simple entailment only"
    if isinstance(test, EvaluationTest) and test.service_data:
        return "needs mock SERVICE endpoints (qt:serviceData)"
    if test.approval in ("Withdrawn", "Deprecated", "Rejected"):
        return f"dawgt:approval {test.approval}"
    return None


class Endpoint:
    """The service under test: its SPARQL, update and graph store endpoints."""

    def __init__(self, base_url: str, token: str) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.client.close()

    def update(self, text: str) -> None:
        response = self.client.post(
            "/update", content=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        _check(response, "update")

    def clear(self) -> None:
        self.update("DROP ALL")

    def load(self, dataset: Dataset) -> None:
        for source in dataset.default:
            self._post(None, source)
        for name, source in dataset.named:
            self._post(name, source)

    def query(self, text: str, accept: str) -> httpx.Response:
        encoded = urlencode({"query": text})
        if len(encoded) <= _GET_LIMIT:
            return self.client.get(f"/sparql?{encoded}", headers={"Accept": accept})
        headers = {"Accept": accept, "Content-Type": "application/sparql-query"}
        return self.client.post("/sparql", content=text.encode(), headers=headers)

    def graphs(self) -> dict[str | None, Graph]:
        """Every graph of the store (None: the default graph), read back with GET /store."""
        response = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g {} }", "application/sparql-results+json")
        _check(response, "listing the named graphs")
        listing = parse_response(response)
        assert isinstance(listing, Solutions)
        names = [row["g"][1] for row in listing.rows]
        graphs: dict[str | None, Graph] = {None: self._get("default")}
        for name in names:
            graphs[name] = self._get("graph=" + quote(name, safe=""))
        return graphs

    def _post(self, graph: str | None, source: Source) -> None:
        """Add a file's triples to a graph; Turtle gets `@base <file>` first, so that its relative
        IRIs resolve against the file, not the request."""
        data = source.path.read_bytes()
        if source.path.suffix == ".ttl":
            data = f"@base <{source.iri}> .\n".encode() + data
        target = "default" if graph is None else "graph=" + quote(graph, safe="")
        response = self.client.post(
            f"/store?{target}", content=data, headers={"Content-Type": _UPLOAD[source.path.suffix]}
        )
        _check(response, f"loading {source.path.name}")

    def _get(self, target: str) -> Graph:
        response = self.client.get(f"/store?{target}", headers={"Accept": _GRAPH_ACCEPT})
        _check(response, f"reading /store?{target}")
        return Graph().parse(data=response.content, format="nt")


def run(endpoint: Endpoint, test: Test) -> Outcome:
    """Run one test on a freshly emptied store."""
    reason = skip_reason(test)
    if reason is not None:
        return Outcome(test.iri, part(test), "skip", reason)
    try:
        endpoint.clear()
        endpoint.load(test.dataset)
        if isinstance(test, HttpTest):
            problem = _run_exchanges(endpoint, test)
        elif test.is_update:
            problem = _run_update(endpoint, test)
        else:
            problem = _run_query(endpoint, test)
    except (HarnessError, httpx.HTTPError) as error:
        problem = f"{type(error).__name__}: {error}" if isinstance(error, httpx.HTTPError) else str(error)
    return Outcome(test.iri, part(test), "fail" if problem else "pass", problem or "")


def _run_query(endpoint: Endpoint, test: EvaluationTest) -> str | None:
    assert test.result is not None
    text = f"BASE <{test.request.iri}>\n" + test.request.path.read_text("utf-8")
    expected = read_expected(test.result)
    accept = _ACCEPT.get(test.result.path.suffix, f"application/sparql-results+json, {_GRAPH_ACCEPT}")
    response = endpoint.query(text, accept)
    _check(response, "query")
    actual = parse_response(response)
    if isinstance(expected, Graph):
        return compare_graphs(expected, actual)
    ordered = expected.ordered or has_top_level_order_by(text)
    return compare_solutions(expected, actual, ordered=ordered)


def _run_update(endpoint: Endpoint, test: EvaluationTest) -> str | None:
    assert test.result_dataset is not None
    endpoint.update(f"BASE <{test.request.iri}>\n" + test.request.path.read_text("utf-8"))
    actual = endpoint.graphs()
    expected: dict[str | None, Graph] = {None: read_graph(*test.result_dataset.default)}
    for name, source in test.result_dataset.named:
        expected[name] = read_graph(source, into=expected.get(name))
    problems = []
    for graph in sorted(set(expected) | set(actual), key=lambda n: n or ""):
        difference = compare_graphs(expected.get(graph, Graph()), actual.get(graph, Graph()))
        if difference:
            problems.append(f"{graph or 'default graph'}: {difference}")
    return "; ".join(problems) or None


def _run_exchanges(endpoint: Endpoint, test: HttpTest) -> str | None:
    variables: dict[str, str] = {}
    for number, exchange in enumerate(test.exchanges, 1):
        problem = _exchange(endpoint, test, exchange, variables)
        if problem:
            return f"request {number} ({exchange.method}): {problem}"
    return None


def _exchange(endpoint: Endpoint, test: HttpTest, exchange: Exchange, variables: dict[str, str]) -> str | None:
    path, body = exchange.path, exchange.body
    for name, value in variables.items():
        path = path.replace(name, value)
        body = body.replace(name.encode(), value.encode()) if body is not None else None
    response = endpoint.client.request(
        exchange.method, _target(test, exchange, path, body), headers=dict(exchange.headers), content=body
    )
    codes = [code for status in exchange.statuses for code in _STATUS[status]]
    if response.status_code not in codes:
        return f"status {response.status_code}, expected {' or '.join(exchange.statuses)}: {response.text[:200]}"
    if exchange.location_variable:
        if "location" not in response.headers:
            return "no Location header"
        variables[exchange.location_variable] = response.headers["location"]
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    for name, value in exchange.response_headers:
        wanted = value.split(";")[0].strip().lower() if name == "content-type" else value
        got = media if name == "content-type" else response.headers.get(name)
        if got != wanted:
            return f"{name} is {got!r}, expected {wanted!r}"
    if exchange.expected_format is None and exchange.expected_boolean is None and exchange.response_body is None:
        return None
    answer = parse_response(response)
    boolean = None if isinstance(answer, Graph) else answer.boolean
    kind = "RDF" if isinstance(answer, Graph) else ("boolean" if boolean is not None else "tabular")
    if exchange.expected_format and kind != exchange.expected_format:
        return f"the answer is {kind}, expected {exchange.expected_format}"
    if exchange.expected_boolean is not None and boolean != exchange.expected_boolean:
        return f"expected the boolean {exchange.expected_boolean}, got {boolean if kind == 'boolean' else kind}"
    if exchange.response_body is not None:
        expected = Graph().parse(data=exchange.response_body, format="turtle")
        return compare_graphs(expected, answer)
    return None


def _target(test: HttpTest, exchange: Exchange, path: str, body: bytes | None) -> str:
    """The service's path for a manifest's: /sparql/ is /sparql or /update, /gsp is /store."""
    if test.type == "GraphStoreProtocolTest":
        return "/store" + path.removeprefix("/gsp")
    rest = path.removeprefix("/sparql/").removeprefix("/sparql")
    return ("/update" if _is_update(exchange, rest, body) else "/sparql") + rest


def _is_update(exchange: Exchange, rest: str, body: bytes | None) -> bool:
    """Whether a request of a protocol test is an update (it goes to /update, not /sparql)."""
    content_type = dict(exchange.headers).get("content-type", "").split(";")[0].strip().lower()
    text = (body or b"").decode("utf-8", errors="replace")
    form = parse_qs(rest.lstrip("?")) | parse_qs(text)
    return content_type == "application/sparql-update" or "update" in form or bool(_UPDATE_WORD.match(text))


def _check(response: httpx.Response, what: str) -> None:
    if response.status_code >= 300:
        raise HarnessError(f"{what}: HTTP {response.status_code}: {response.text[:300]}")
