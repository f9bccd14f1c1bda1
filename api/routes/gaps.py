"""`/gaps/...` and `/indicators`: the information gaps and the clearing-house indicators, as JSON
or CSV. Facet values (convention, region, party) are resolved in the graph as /search resolves
them; a value that names nothing is a 422 naming it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.deps import require_token, service
from api.errors import ServiceError
from api.tables import csv_response, table_format
from graph.indicators import indicators, indicators_table
from graph.store import GraphStore
from ontology import UN_LANGUAGES
from search import gaps
from search.service import Searcher

router = APIRouter(tags=["gaps and indicators"])

FormatParam = Annotated[str | None, Query(description="json or csv (default: by Accept, else json)")]
LangParam = Annotated[str, Query(description="Language of the labels (ISO 639-1); the other UN languages follow.")]
COVERAGE_KINDS = ("chemical-topic", "region-centre", "expert-field", "expert-region", "translation")


def _store(request: Request) -> GraphStore:
    return request.app.state.store  # type: ignore[no-any-return]


@router.get("/gaps/obligations", summary="Obligations × Parties: who has not supplied what, and why")
def obligations(
    request: Request,
    languages: Annotated[
        str, Query(description="Comma-separated UN languages a fulfilling document may be in.")
    ] = ",".join(UN_LANGUAGES),
    convention: Annotated[str | None, Query(description="A convention: key, label or IRI.")] = None,
    region: Annotated[str | None, Query(description="A region (any scheme): M49 code, name or IRI.")] = None,
    party: Annotated[str | None, Query(description="A Party: ISO 3166 code, name or IRI.")] = None,
    status: Annotated[str, Query(description="mandatory (default), optional or all.")] = "mandatory",
    conditional: Annotated[
        bool, Query(description="Include requirements that bind only some Parties (having an exemption...).")
    ] = False,
    gaps_only: Annotated[bool, Query(description="CSV: only the empty cells.")] = False,
    lang: LangParam = "en",
    format: FormatParam = None,
) -> object:
    chosen = table_format(request, format)
    store = _store(request)
    ask = gaps.obligations_query(
        store,
        languages=[part.strip() for part in languages.split(",") if part.strip()],
        convention=convention,
        region=region,
        party=party,
        status=status,
        conditional=conditional,
        label_language=lang,
    )
    matrix = gaps.obligations(store, ask)
    if chosen == "csv":
        header, rows = gaps.obligations_table(matrix)
        if gaps_only:
            rows = [r for r in rows if r[header.index("fulfilled")] == "no"]
        return csv_response(header, rows, "obligations")
    return dataclasses.asdict(matrix)


def _searcher(request: Request) -> Searcher:
    found = getattr(request.app.state, "searcher", None)
    if found is None:
        raise ServiceError(503, "needs are matched by search, and the service started without a search index")
    return found  # type: ignore[no-any-return]


@router.get("/gaps/needs", summary="Information needs ranked by the evidence the corpus holds for them")
def needs(
    request: Request,
    threshold: Annotated[
        float | None, Query(ge=0.0, le=1.0, description="Similarity below which a need has no evidence.")
    ] = None,
    evidence: Annotated[int, Query(ge=1, le=20, description="Paragraphs of evidence per need.")] = 5,
    format: FormatParam = None,
) -> object:
    chosen = table_format(request, format)
    report = gaps.needs(_searcher(request), threshold=threshold, per_need=evidence)
    if chosen == "csv":
        return csv_response(*gaps.needs_table(report), "needs")
    return dataclasses.asdict(report)


@router.get("/gaps/coverage", summary="Chemicals, regions, fields and documents the clearing-house does not cover")
def coverage(
    request: Request,
    kind: Annotated[str | None, Query(description=f"Only gaps of one kind: {', '.join(COVERAGE_KINDS)}.")] = None,
    lang: LangParam = "en",
    format: FormatParam = None,
) -> object:
    chosen = table_format(request, format)
    if kind is not None and kind not in COVERAGE_KINDS:
        raise ServiceError(422, f"kind: {kind!r} is not one of {', '.join(COVERAGE_KINDS)}")
    report = gaps.coverage(_store(request), (lang,))
    if kind:
        report = gaps.CoverageReport([g for g in report.gaps if g.kind == kind], {kind: report.summary.get(kind, 0)})
    if chosen == "csv":
        return csv_response(*gaps.coverage_table(report), "coverage")
    return dataclasses.asdict(report)


@router.post("/gaps/snapshots", status_code=201, summary="Record a dated snapshot of the gaps (needs the token)")
def record_snapshot(request: Request) -> dict[str, object]:
    require_token(request)
    store = _store(request)
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    matrix = gaps.obligations(store, gaps.ObligationsQuery())
    report = gaps.needs(_searcher(request))
    covered = gaps.coverage(store)
    recorded = service(request).write(lambda s: gaps.record(s, created, matrix, report, covered))
    return dataclasses.asdict(recorded)


@router.get("/indicators", summary="The clearing-house plan's performance indicators, computed from the graph")
def get_indicators(request: Request, lang: LangParam = "en", format: FormatParam = None) -> object:
    chosen = table_format(request, format)
    found = indicators(_store(request), (lang,))
    if chosen == "csv":
        return csv_response(*indicators_table(found), "indicators")
    return dataclasses.asdict(found)
