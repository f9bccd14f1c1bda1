"""The SPARQL 1.1 Protocol endpoints: `/sparql` (queries; a bare GET describes the service) and
`/update` (updates, guarded by the bearer token)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import read_body, require_token, service
from graph import protocol
from graph.protocol import GRAPH_MEDIA, SOLUTION_MEDIA

router = APIRouter()


async def sparql(request: Request) -> Response:
    """SPARQL 1.1 query endpoint: GET, POST form or POST application/sparql-query; a bare GET
    describes the service."""
    method = "GET" if request.method == "HEAD" else request.method
    if method == "GET":
        if "query" not in request.query_params:
            return service_description(request)
        body = b""
    else:
        body = await read_body(request)
    query_string = request.scope["query_string"].decode("latin-1")
    parsed = protocol.query_request(method, request.headers.get("content-type"), query_string, body)
    form = protocol.query_form(parsed.query)
    chosen = protocol.negotiate(request.headers.get("accept"), form, parsed.formats)
    outcome = await service(request).query(parsed, chosen.result_format, chosen.graph_format, _endpoint(request))
    media = GRAPH_MEDIA[outcome.result_format] if outcome.kind == "graph" else SOLUTION_MEDIA[outcome.result_format]
    return Response(outcome.body, media_type=media, headers={"Vary": "Accept"})


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
