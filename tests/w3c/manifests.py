"""The W3C SPARQL test manifests (Turtle, read with rdflib) as dataclasses.

`load(manifest)` follows `mf:include` lists and returns, in manifest order, the tests this
harness runs: query and update evaluation tests (`EvaluationTest`) and the protocol and graph
store protocol tests (`HttpTest`, ordered HTTP exchanges). Syntax and service-description tests
are left out. Files are named by the IRI the manifest gives them (their own `file:` IRI, which is
also their base IRI and, for `qt:graphData`, the name of their graph) and by their local path.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")

EVALUATION_TYPES = ("QueryEvaluationTest", "CSVResultFormatTest", "UpdateEvaluationTest")
HTTP_TYPES = ("ProtocolTest", "GraphStoreProtocolTest")


@dataclass(frozen=True)
class Source:
    """A file of the suite: its IRI (its base IRI too) and where it lies."""

    iri: str
    path: Path


@dataclass(frozen=True)
class Dataset:
    """Files for the default graph, and (graph name, file) pairs for named graphs."""

    default: tuple[Source, ...] = ()
    named: tuple[tuple[str, Source], ...] = ()


@dataclass(frozen=True)
class EvaluationTest:
    iri: str
    type: str  # QueryEvaluationTest, CSVResultFormatTest or UpdateEvaluationTest
    name: str
    request: Source  # the query (qt:query) or the update (ut:request)
    dataset: Dataset
    result: Source | None  # queries: the expected results or graph
    result_dataset: Dataset | None  # updates: the expected graphs
    approval: str | None  # Approved, Proposed, Withdrawn... (dawgt:approval's local name)
    entailment: bool  # the action names an sd:entailmentRegime
    service_data: bool  # the action needs mock SERVICE endpoints (qt:serviceData)

    @property
    def is_update(self) -> bool:
        return self.type == "UpdateEvaluationTest"


@dataclass(frozen=True)
class Exchange:
    """One request of a protocol test and what its response must be."""

    method: str
    path: str  # begins with /sparql/ (protocol) or /gsp (graph store protocol)
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: tuple[str, ...]  # local names in hts: (OK, Created, StatusCode2xx...)
    expected_format: str | None  # "boolean", "tabular" or "RDF"
    expected_boolean: bool | None
    response_headers: tuple[tuple[str, str], ...]
    response_body: str | None  # RDF the response must hold (isomorphic), in response_headers' type
    location_variable: str | None  # the Location header replaces this text in later requests


@dataclass(frozen=True)
class HttpTest:
    iri: str
    type: str  # ProtocolTest or GraphStoreProtocolTest
    name: str
    dataset: Dataset  # graphs to load before the first request
    exchanges: tuple[Exchange, ...]
    requires: tuple[str, ...]  # mf:requires local names (DirectGraphIdentification...)
    approval: str | None


Test = EvaluationTest | HttpTest


def load(manifest: Path) -> list[Test]:
    """Every evaluation and HTTP test reachable from `manifest`, in manifest order."""
    return [test for path in _manifests(manifest.resolve(), set()) for test in _tests(path)]


def local_path(iri: str) -> Path:
    """The local file a `file:` IRI names."""
    return Path(unquote(urlparse(iri).path))


def _manifests(path: Path, seen: set[Path]) -> Iterator[Path]:
    if path in seen:
        return
    seen.add(path)
    graph = _parse(path)
    yield path
    for include in graph.objects(URIRef(path.as_uri()), MF.include):
        for item in Collection(graph, include):
            yield from _manifests(local_path(str(item)), seen)


def _parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def _tests(path: Path) -> Iterator[Test]:
    graph = _parse(path)
    for entries in graph.objects(URIRef(path.as_uri()), MF.entries):
        for entry in Collection(graph, entries):
            kind = next((_local(t) for t in graph.objects(entry, RDF.type) if str(t).startswith(str(MF))), "")
            if kind in EVALUATION_TYPES:
                yield _evaluation_test(graph, entry, kind)
            elif kind in HTTP_TYPES:
                yield _http_test(graph, entry, kind)


def _evaluation_test(graph: Graph, entry: Node, kind: str) -> EvaluationTest:
    action = graph.value(entry, MF.action)
    result = graph.value(entry, MF.result)
    update = kind == "UpdateEvaluationTest"
    request = graph.value(action, UT.request if update else QT.query)
    return EvaluationTest(
        iri=str(entry),
        type=kind,
        name=str(graph.value(entry, MF.name) or ""),
        request=_source(request),
        dataset=_update_dataset(graph, action) if update else _query_dataset(graph, action),
        result=_source(result) if result is not None and not update else None,
        result_dataset=_update_dataset(graph, result) if update and result is not None else None,
        approval=_approval(graph, entry),
        entailment=(action, SD.entailmentRegime, None) in graph,
        service_data=(action, QT.serviceData, None) in graph,
    )


def _query_dataset(graph: Graph, action: Node | None) -> Dataset:
    """qt:data files make the default graph; each qt:graphData file is the named graph of its own IRI."""
    default = tuple(_source(d) for d in _sorted(graph.objects(action, QT.data)))
    named = tuple((str(g), _source(g)) for g in _sorted(graph.objects(action, QT.graphData)))
    return Dataset(default, named)


def _update_dataset(graph: Graph, node: Node | None) -> Dataset:
    """ut:data files make the default graph; each ut:graphData names its graph with rdfs:label."""
    default = tuple(_source(d) for d in _sorted(graph.objects(node, UT.data)))
    named = []
    for item in graph.objects(node, UT.graphData):
        file = graph.value(item, UT.graph)
        named.append((str(graph.value(item, RDFS.label)), _source(file)))
    return Dataset(default, tuple(sorted(named, key=lambda pair: pair[0])))


def _http_test(graph: Graph, entry: Node, kind: str) -> HttpTest:
    action = graph.value(entry, MF.action)
    requests = graph.value(action, HT.requests)
    assert requests is not None, f"{entry} has no ht:requests"
    return HttpTest(
        iri=str(entry),
        type=kind,
        name=str(graph.value(entry, MF.name) or ""),
        dataset=_update_dataset(graph, entry),
        exchanges=tuple(_exchange(graph, r) for r in Collection(graph, requests)),
        requires=tuple(sorted(_local(r) for r in graph.objects(entry, MF.requires))),
        approval=_approval(graph, entry),
    )


def _exchange(graph: Graph, request: Node) -> Exchange:
    response = graph.value(request, HT.resp)
    boolean = graph.value(response, MF.expectedBoolean)
    location = graph.value(response, MF.expectedLocation)
    expected_format = graph.value(response, MF.expectedFormat)
    response_body = graph.value(response, HT.body)
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=_headers(graph, request),
        body=_body(graph, graph.value(request, HT.body)),
        statuses=tuple(sorted(_local(s) for s in graph.objects(response, MF.expectedStatus))),
        expected_format=str(expected_format) if expected_format is not None else None,
        expected_boolean=bool(boolean.toPython()) if isinstance(boolean, Literal) else None,
        response_headers=_headers(graph, response),
        response_body=str(graph.value(response_body, CNT.chars)) if response_body is not None else None,
        location_variable=str(location) if location is not None else None,
    )


def _headers(graph: Graph, node: Node | None) -> tuple[tuple[str, str], ...]:
    headers = graph.value(node, HT.headers)
    if headers is None:
        return ()
    return tuple(
        (str(graph.value(h, HT.fieldName)).lower(), str(graph.value(h, HT.fieldValue)))
        for h in Collection(graph, headers)
    )


def _body(graph: Graph, body: Node | None) -> bytes | None:
    if body is None:
        return None
    encoding = str(graph.value(body, CNT.characterEncoding) or "UTF-8")
    return str(graph.value(body, CNT.chars)).encode(encoding)


def _source(node: Node | None) -> Source:
    if not isinstance(node, URIRef):
        raise ValueError(f"expected a file IRI in the manifest, got {node!r}")
    return Source(str(node), local_path(str(node)))


def _sorted(nodes: Iterator[Node]) -> list[Node]:
    return sorted(nodes, key=str)


def _approval(graph: Graph, entry: Node) -> str | None:
    approval = graph.value(entry, DAWGT.approval)
    return _local(approval) if approval is not None else None


def _local(node: Node) -> str:
    text = str(node)
    return text.rsplit("#", 1)[-1] if "#" in text else text.rsplit("/", 1)[-1]


__all__ = ["Dataset", "EvaluationTest", "Exchange", "HttpTest", "Source", "Test", "load", "local_path"]
