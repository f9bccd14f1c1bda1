"""`/synthesis`: a question in any UN language → the evidence grouped by the entities it concerns, a
comparison table and an extractive summary citing paragraph IRIs; as JSON, CSV, Markdown or an
HTML page, by `?format=` or by `Accept`."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from api import synthesis_render
from api.errors import ServiceError
from api.i18n import ui
from api.negotiation import page_language, parse_accept, quality
from api.pages import Linker, base_iri, templates_of
from search.service import MAX_K, Searcher
from search.synthesis import Synthesis, SynthesisRequest, synthesize

router = APIRouter(tags=["synthesis"])

#: `?format=` names and the media types they stand for, preferred first when Accept ties (*/*).
FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "markdown": "text/markdown",
    "html": "text/html",
}
VARY = "Accept"


class SynthesisQuery(BaseModel):
    q: str = Field(description="The question, in any of the six UN languages.")
    k: int = Field(default=MAX_K, description=f"Search hits weighed as evidence, 1 to {MAX_K}.")
    lang: str | None = Field(default=None, description="Keep only evidence in this language (ISO 639-1).")
    format: str | None = Field(default=None, description="json, csv, markdown or html; overrides Accept.")


def _searcher(request: Request) -> Searcher:
    found = getattr(request.app.state, "searcher", None)
    if found is None:
        raise ServiceError(503, "synthesis is not available: the service started without a search index")
    return found  # type: ignore[no-any-return]


def _media_type(named: str | None, accept: str | None) -> str:
    """The media type to answer with. Raises ServiceError 406, naming the formats, when none fits."""
    known = ", ".join(f"{name} ({media})" for name, media in FORMATS.items())
    if named is not None:
        if named.lower() not in FORMATS:
            raise ServiceError(406, f"unknown format {named!r}; known: {known}", {"Vary": VARY})
        return FORMATS[named.lower()]
    ranges = parse_accept(accept)
    if not ranges:
        return FORMATS["json"]
    q, _, chosen = max((quality(media, ranges)[0], -i, media) for i, media in enumerate(FORMATS.values()))
    if q <= 0:
        raise ServiceError(
            406, f"none of the accepted types ({accept}) can be given; available: {known}", {"Vary": VARY}
        )
    return chosen


def _render(request: Request, result: Synthesis, media_type: str) -> Response:
    headers = {"Vary": VARY}
    if media_type == "text/csv":
        return Response(synthesis_render.to_csv(result), media_type="text/csv; charset=utf-8", headers=headers)
    if media_type == "text/markdown":
        return Response(
            synthesis_render.to_markdown(result), media_type="text/markdown; charset=utf-8", headers=headers
        )
    if media_type == "text/html":
        lang = page_language([result.language] if result.language else [])
        context = {
            "s": result,
            "lang": lang,
            "t": ui(lang),
            "w": synthesis_render.words(lang),
            "numbers": synthesis_render.citations(result),
            "link": Linker(base_iri(request), request.scope.get("root_path", "")),
            "shown": synthesis_render.SHOWN_EXTRACTS,
        }
        return templates_of(request).TemplateResponse(request, "synthesis.html", context, headers=headers)
    return JSONResponse(dataclasses.asdict(result), headers=headers)


# A plain `def` route: the synthesis computes (embedding, faiss), so FastAPI runs it in its thread pool.
@router.get(
    "/synthesis",
    summary="Evidence for a question grouped by convention, organization or chemical, with a cited summary",
    responses={200: {"content": {media: {} for media in FORMATS.values()}}},
)
def synthesis_get(request: Request, query: Annotated[SynthesisQuery, Query()]) -> Response:
    media_type = _media_type(query.format, request.headers.get("accept"))
    result = synthesize(_searcher(request), SynthesisRequest(text=query.q, k=query.k, lang=query.lang))
    return _render(request, result, media_type)
