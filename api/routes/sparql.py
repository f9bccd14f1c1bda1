"""The SPARQL 1.1 Protocol endpoints: `/sparql` (queries; a bare GET describes the service) and
`/update` (updates, guarded by the bearer token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from starlette.datastructures import URL
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import read_body, require_token, service
from api.errors import graph_error_response
from graph import protocol
from graph.errors import GraphError
from graph.protocol import GRAPH_MEDIA, SOLUTION_MEDIA
from graph.service import SparqlService
from graph.worker import QueryOutcome

router = APIRouter()


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 query endpoint: GET, POST form or POST application/sparql-query; a bare GET
    describes the service."""
    method = "GET" if request.method == "HEAD" else request.method
    query_string = request.scope["query_string"].decode("latin-1")
    if method == "GET":
        if not protocol.has_parameter(query_string, "query"):
            return service_description(request)
        body = b""
    else:
        body = await read_body(request)
    outcome = await answer(
        service(request),
        method,
        request.headers.get("content-type"),
        query_string,
        body,
        request.headers.get("accept"),
        _endpoint(request),
    )
    return _response(outcome)


async def answer(
    service_: SparqlService,
    method: str,
    content_type: str | None,
    query_string: str,
    body: bytes,
    accept: str | None,
    endpoint: str,
) -> QueryOutcome:
    """The outcome of a query request. Raises what graph.protocol and SparqlService.query raise."""
    parsed = protocol.query_request(method, content_type, query_string, body)
    form = protocol.query_form(parsed.query)
    chosen = protocol.negotiate(accept, form, parsed.formats)
    return await service_.query(parsed, chosen.result_format, chosen.graph_format, endpoint)


def _response(outcome: QueryOutcome) -> Response:
    media = GRAPH_MEDIA[outcome.result_format] if outcome.kind == "graph" else SOLUTION_MEDIA[outcome.result_format]
    return Response(outcome.body, media_type=media, headers={"Vary": "Accept"})


class SparqlQueries:
    """GET /sparql?query=... answered in plain ASGI, ahead of FastAPI's routing, middleware and
    Request objects: the same protocol parsing, negotiation, core call, response and error
    responses as the `sparql` route, for about a sixth less of the main process's CPU per query
    (0.9-1.0 -> 0.75-0.8 ms with 8 clients, bench/bench_sparql.py's mix). Everything
    else goes on to the app: POST and HEAD, the bare GET (service description), and any request
    with an Origin header, so that CORS stays with its middleware."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sparql" or scope["method"] != "GET" or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        accept = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"origin":
                await self.app(scope, receive, send)
                return
        query_string = scope["query_string"].decode("latin-1")
        if not protocol.has_parameter(query_string, "query"):
            await self.app(scope, receive, send)
            return
        endpoint = str(URL(scope=scope)).split("?", 1)[0]
        try:
            outcome = await answer(scope["app"].state.service, "GET", None, query_string, b"", accept, endpoint)
        except GraphError as error:
            response = graph_error_response(Request(scope, receive), error)
        else:
            response = _response(outcome)
        await response(scope, receive, send)


async def update(request: Request) -> Response:
    """SPARQL 1.1 update endpoint: POST form or POST application/sparql-update, with the token."""
    require_token(request)
    body = await read_body(request)
    query_string = request.scope["query_string"].decode("latin-1")
    parsed = protocol.update_request(request.headers.get("content-type"), query_string, body)
    await run_in_threadpool(service(request).update, parsed, _endpoint(request))
    return Response(status_code=204)


# Plain Starlette routes: FastAPI's per-request machinery (dependencies, validation) has nothing to
# do for them and costs about 50 us a request, a fair part of a label lookup. They are left out of
# the OpenAPI schema; the README describes them.
router.add_route("/sparql", sparql, methods=["GET", "POST"], name="sparql", include_in_schema=False)
router.add_route("/update", update, methods=["POST"], name="update", include_in_schema=False)


def _endpoint(request: Request) -> str:
    """The endpoint's URL, the base IRI of the operation by the protocol."""
    return str(request.url).split("?", 1)[0]


def service_description(request: Request) -> Response:
    """A SPARQL 1.1 Service Description of this endpoint, in Turtle."""
    base = str(request.base_url).rstrip("/")
    formats = " ".join(
        f"<http://www.w3.org/ns/formats/{name}>"
        for name in (
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "RDF_XML",
            "JSON-LD",
            "TriG",
            "N-Quads",
        )
    )
    text = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix void: <http://rdfs.org/ns/void#> .
<{base}/sparql> a sd:Service ;
    sd:endpoint <{base}/sparql> ;
    sd:supportedLanguage sd:SPARQL11Query, sd:SPARQL11Update ;
    sd:resultFormat {formats.replace(" ", ", ")} ;
    sd:feature {"sd:UnionDefaultGraph, " if service(request).union_default_graph else ""}sd:BasicFederatedQuery ;
    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] ;
    void:sparqlEndpoint <{base}/sparql> .
"""
    return Response(text, media_type="text/turtle", headers={"Vary": "Accept"})
