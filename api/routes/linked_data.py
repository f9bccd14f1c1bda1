"""Linked Data: every IRI the service mints resolves here (`/id/...`), as an HTML page for a
browser or as RDF (Turtle, JSON-LD, N-Triples, RDF/XML) by content negotiation; the dataset's VoID
description at `/.well-known/void`; the whole dataset as N-Quads and TriG dumps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from api.errors import ServiceError
from api.i18n import ui
from api.negotiation import FORMAT_NAMES, RDF_MEDIA_TYPES, page_language, rdf_media_type, wants_html
from api.pages import Linker, base_iri, reader_languages, templates_of
from graph.describe import TEXT, describe, describe_graph, is_known
from graph.formats import RDF_SYNTAXES
from graph.serialize import serialize
from graph.store import GraphStore
from graph.void import VOID_PREFIXES, dataset_description

router = APIRouter()

#: The syntaxes a resource page links to: (name for ?format=, label, media type).
FORMATS = (
    ("turtle", "Turtle", "text/turtle"),
    ("jsonld", "JSON-LD", "application/ld+json"),
    ("ntriples", "N-Triples", "application/n-triples"),
    ("rdfxml", "RDF/XML", "application/rdf+xml"),
)
VARY = "Accept, Accept-Language"
DUMPS = {"nq": RDF_SYNTAXES["nquads"], "trig": RDF_SYNTAXES["trig"]}


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


def _choice(request: Request) -> str:
    """The media type to answer with: `?format=` when given, else by Accept; "text/html" for a page.
    Raises ServiceError 406, naming the formats available, when none is acceptable."""
    named = request.query_params.get("format")
    if named is not None:
        if named.lower() not in FORMAT_NAMES:
            known = ", ".join(sorted(FORMAT_NAMES))
            raise ServiceError(406, f"unknown format {named!r}; known: {known}", {"Vary": VARY})
        return FORMAT_NAMES[named.lower()]
    accept = request.headers.get("accept")
    if wants_html(accept):
        return "text/html"
    chosen = rdf_media_type(accept)
    if chosen is None:
        available = ", ".join([*RDF_MEDIA_TYPES, "text/html"])
        raise ServiceError(
            406, f"none of the accepted types ({accept}) can be given; available: {available}", {"Vary": VARY}
        )
    return chosen


@router.api_route("/id/{path:path}", methods=["GET", "HEAD"], summary="A resource of the graph (Linked Data)")
async def resource(request: Request, path: str) -> Response:
    base = base_iri(request)
    iri = f"{base}id/{path}"
    templates = templates_of(request)  # also styles the error pages (api/errors.py looks for them)
    chosen = _choice(request)
    if chosen != "text/html":
        triples = await run_in_threadpool(describe_graph, _store(request), iri)
        if not triples and not await run_in_threadpool(is_known, _store(request), iri):
            raise ServiceError(404, f"the graph holds nothing about <{iri}>", {"Vary": VARY})
        body = serialize(triples, chosen)
        return Response(body, media_type=chosen, headers={"Vary": VARY})
    languages = reader_languages(request)
    lang = page_language(languages)
    description = await run_in_threadpool(describe, _store(request), iri, [*languages, lang])
    if description is None:
        raise ServiceError(404, f"the graph holds nothing about <{iri}>", {"Vary": VARY})
    context = {
        "d": description,
        "lang": lang,
        "t": ui(lang),
        "link": Linker(base, request.scope.get("root_path", "")),
        "formats": FORMATS,
        "text_predicate": TEXT,
    }
    headers = {"Vary": VARY, "Content-Language": lang}
    return templates.TemplateResponse(request, "entity.html", context, headers=headers)


@router.api_route("/.well-known/void", methods=["GET", "HEAD"], summary="VoID and DCAT description of the dataset")
async def void(request: Request) -> Response:
    chosen = rdf_media_type(request.headers.get("accept"))
    if chosen is None:
        available = ", ".join(RDF_MEDIA_TYPES)
        raise ServiceError(406, f"the dataset description is given as {available}", {"Vary": "Accept"})
    base_url = str(request.base_url).rstrip("/")
    triples = await run_in_threadpool(dataset_description, _store(request), base_url, base_iri=base_iri(request))
    return Response(serialize(triples, chosen, VOID_PREFIXES), media_type=chosen, headers={"Vary": "Accept"})


@router.api_route("/dump.{extension}", methods=["GET", "HEAD"], summary="The whole dataset (N-Quads or TriG)")
async def dump(request: Request, extension: str) -> Response:
    syntax = DUMPS.get(extension)
    if syntax is None:
        raise ServiceError(404, f"no dump /dump.{extension}; there are /dump.nq and /dump.trig")
    handle, name = tempfile.mkstemp(prefix="chm-kg-dump-", suffix=f".{extension}")
    os.close(handle)
    try:
        await run_in_threadpool(_store(request).export, Path(name), syntax)
    except BaseException:
        os.unlink(name)
        raise
    return FileResponse(
        name,
        media_type=syntax.media_type,
        filename=f"chm-kg.{extension}",
        background=BackgroundTask(os.unlink, name),
    )
