"""`/search`: a question in any UN language → paragraphs in every language, as JSON. GET takes
the question in the query string; POST takes the same fields as a JSON body (long questions)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.errors import ServiceError
from search.service import MAX_K, Searcher, SearchRequest

router = APIRouter(tags=["search"])


class SearchBody(BaseModel):
    """The fields of a search; every one but `q` optional."""

    q: str = Field(description="The question, in any of the six UN languages (or another the model covers).")
    k: int = Field(default=10, description=f"Hits to return (at most {MAX_K}; more is cut to {MAX_K}).")
    lang: str | None = Field(default=None, description="Keep only paragraphs in this language (ISO 639-1).")
    convention: str | None = Field(default=None, description="A convention: key (basel), label or IRI.")
    chemical: str | None = Field(default=None, description="A chemical: label in any language, CAS number or IRI.")
    party: str | None = Field(default=None, description="A Party: ISO 3166 code, name or IRI.")
    region: str | None = Field(default=None, description="A region: M49 code, name or IRI.")
    kind: str | None = Field(default=None, description="A document kind: key (national-report), label or IRI.")
    year: int | None = Field(default=None, description="Year of the document's date.")
    mode: str = Field(default="hybrid", description="hybrid (default), dense or lexical.")


def _searcher(request: Request) -> Searcher:
    found = getattr(request.app.state, "searcher", None)
    if found is None:
        raise ServiceError(503, "search is not available: the service started without a search index")
    return found  # type: ignore[no-any-return]


def _run(request: Request, body: SearchBody) -> dict[str, object]:
    fields = body.model_dump()
    results = _searcher(request).search(SearchRequest(text=fields.pop("q"), **fields))
    return dataclasses.asdict(results)


# Plain `def` routes: the search computes (embedding, faiss), so FastAPI runs them in its thread pool.
@router.get("/search", summary="Multilingual hybrid search over the paragraphs of the corpus")
def search_get(request: Request, query: Annotated[SearchBody, Query()]) -> dict[str, object]:
    return _run(request, query)


@router.post("/search", summary="The same search, its fields in a JSON body")
def search_post(request: Request, body: SearchBody) -> dict[str, object]:
    return _run(request, body)
