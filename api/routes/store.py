"""The SPARQL 1.1 Graph Store HTTP Protocol at `/store` (`?graph=IRI` or `?default`): read a graph,
replace it (PUT), add to it (POST), delete it; writes need the bearer token, and a body that does
not parse changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.deps import read_body, require_token, service
from api.errors import ServiceError
from graph.formats import RDF_SYNTAXES, RdfSyntax
from graph.protocol import GRAPH_MEDIA, GRAPH_TYPES, ProtocolError, absolute_iri, accepted_types

router = APIRouter()
_TRIPLE_SYNTAXES = [s for s in RDF_SYNTAXES.values() if s.name in ("turtle", "ntriples", "rdfxml", "jsonld")]


def _target(request: Request) -> str | None:
    """The graph a request names: directly by its URL (`/store/some/path`), or indirectly by
    `?graph=IRI` (absolute); None for `?default`."""
    params = request.query_params
    if request.path_params.get("path"):
        if "graph" in params or "default" in params:
            raise ProtocolError(400, "a graph named by its URL takes neither ?graph= nor ?default")
        return str(request.url.replace(query=""))
    if ("graph" in params) == ("default" in params):
        raise ProtocolError(400, "name exactly one graph: ?graph=IRI or ?default")
    if "default" in params:
        return None
    return absolute_iri(params["graph"])


def _response_syntax(accept: str | None) -> RdfSyntax:
    for media in accepted_types(accept):
        if media in ("*/*", "application/*", "text/*"):
            return RDF_SYNTAXES["turtle"]
        name = GRAPH_TYPES.get(media)
        if name and RDF_SYNTAXES[name] in _TRIPLE_SYNTAXES:
            return RDF_SYNTAXES[name]
    available = ", ".join(s.media_type for s in _TRIPLE_SYNTAXES)
    raise ProtocolError(406, f"none of the accepted types ({accept}) holds a graph; available: {available}")


def _body_syntax(content_type: str | None) -> RdfSyntax:
    media = (content_type or "").split(";")[0].strip().lower()
    name = GRAPH_TYPES.get(media)
    if name is None or RDF_SYNTAXES[name] not in _TRIPLE_SYNTAXES:
        available = ", ".join(s.media_type for s in _TRIPLE_SYNTAXES)
        raise ServiceError(
            415, f"the body's type {content_type or '(none)'} is not an RDF syntax for a graph; use {available}"
        )
    return RDF_SYNTAXES[name]


@router.api_route("/store", methods=["GET", "HEAD"], summary="Graph Store Protocol: read a graph")
@router.api_route("/store/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
async def read(request: Request) -> Response:
    graph = _target(request)
    syntax = _response_syntax(request.headers.get("accept"))
    body = await run_in_threadpool(service(request).read_graph, graph, syntax)
    if request.method == "HEAD":
        return Response(media_type=GRAPH_MEDIA[syntax.name], headers={"Content-Length": str(len(body))})
    return Response(body, media_type=GRAPH_MEDIA[syntax.name])


@router.put("/store", summary="Graph Store Protocol: replace a graph")
@router.put("/store/{path:path}", include_in_schema=False)
async def replace(request: Request) -> Response:
    return await _write(request, service(request).replace_graph)


@router.post("/store", summary="Graph Store Protocol: add to a graph, or create one (no graph named)")
@router.post("/store/{path:path}", include_in_schema=False)
async def add(request: Request) -> Response:
    params = request.query_params
    if not request.path_params.get("path") and "graph" not in params and "default" not in params:
        return await _create(request)
    return await _write(request, service(request).add_to_graph)


async def _create(request: Request) -> Response:
    """POST to the store itself: a new graph, named by a new URL under /store/, answered 201 + Location."""
    require_token(request)
    syntax = _body_syntax(request.headers.get("content-type"))
    body = await read_body(request)
    graph = f"{str(request.base_url).rstrip('/')}/store/{uuid.uuid4().hex}"
    await run_in_threadpool(service(request).add_to_graph, graph, body, syntax, graph)
    return Response(status_code=201, headers={"Location": graph})


async def _write(request: Request, operation: Callable[[str | None, bytes, RdfSyntax, str], bool]) -> Response:
    """A PUT or POST: token, target graph, body syntax, body, then 201 (created) or 204."""
    require_token(request)
    graph = _target(request)
    syntax = _body_syntax(request.headers.get("content-type"))
    body = await read_body(request)
    existed = await run_in_threadpool(operation, graph, body, syntax, graph or str(request.url))
    return Response(status_code=204 if existed else 201)


@router.delete("/store", summary="Graph Store Protocol: delete a graph")
@router.delete("/store/{path:path}", include_in_schema=False)
async def delete(request: Request) -> Response:
    require_token(request)
    await run_in_threadpool(service(request).delete_graph, _target(request))
    return Response(status_code=204)
