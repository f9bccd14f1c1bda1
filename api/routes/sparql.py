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


@router.api_route("/sparql", methods=["GET", "POST"], summary="SPARQL 1.1 query endpoint")
async def sparql(request: Request) -> Response:
    body = await read_body(request)
    if request.method == "GET" and "query" not in request.query_params:
        return service_description(request)
    parsed = protocol.query_request(request.method, request.headers.get("content-type"), request.url.query, body)
    form = protocol.query_form(parsed.query)
    chosen = protocol.negotiate(request.headers.get("accept"), form, parsed.formats)
    endpoint = str(request.url.replace(query=""))
    outcome = await run_in_threadpool(
        service(request).query, parsed, chosen.result_format, chosen.graph_format, endpoint
    )
    media = GRAPH_MEDIA[outcome.result_format] if outcome.kind == "graph" else SOLUTION_MEDIA[outcome.result_format]
    return Response(outcome.body, media_type=media, headers={"Vary": "Accept"})


@router.post("/update", summary="SPARQL 1.1 update endpoint")
async def update(request: Request) -> Response:
    require_token(request)
    body = await read_body(request)
    parsed = protocol.update_request(request.headers.get("content-type"), request.url.query, body)
    await run_in_threadpool(service(request).update, parsed, str(request.url.replace(query="")))
    return Response(status_code=204)


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
