"""`/search`: a question in any UN language → paragraphs in every language, as JSON."""

from __future__ import annotations

import dataclasses
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.errors import ServiceError
from search.service import MAX_K, Searcher, SearchRequest

router = APIRouter(tags=["search"])


def searcher(request: Request) -> Searcher:
    found = getattr(request.app.state, "searcher", None)
    if found is None:
        raise ServiceError(503, "search is not available: the service started without a search index")
    return found  # type: ignore[no-any-return]


@router.get("/search", summary="Multilingual hybrid search over the paragraphs of the corpus")
def search(
    request: Request,
    q: Annotated[str, Query(description="The question, in any of the six UN languages (or another the model covers).")],
    k: Annotated[int, Query(description=f"Hits to return (at most {MAX_K}; more is cut to {MAX_K}).")] = 10,
    lang: Annotated[str | None, Query(description="Keep only paragraphs in this language (ISO 639-1).")] = None,
    convention: Annotated[str | None, Query(description="A convention: key (basel), label or IRI.")] = None,
    chemical: Annotated[str | None, Query(description="A chemical: label in any language, CAS number or IRI.")] = None,
    party: Annotated[str | None, Query(description="A Party: ISO 3166 code, name or IRI.")] = None,
    region: Annotated[str | None, Query(description="A region: M49 code, name or IRI.")] = None,
    kind: Annotated[str | None, Query(description="A document kind: key (national-report), label or IRI.")] = None,
    year: Annotated[int | None, Query(description="Year of the document's date.")] = None,
    mode: Annotated[str, Query(description="hybrid (default), dense or lexical.")] = "hybrid",
) -> dict[str, object]:
    # A plain `def`: the search computes (embedding, faiss), so FastAPI runs it in its thread pool.
    results = searcher(request).search(
        SearchRequest(
            text=q,
            k=k,
            lang=lang,
            convention=convention,
            chemical=chemical,
            party=party,
            region=region,
            kind=kind,
            year=year,
            mode=mode,
        )
    )
    return dataclasses.asdict(results)
