"""`chm gaps` and `chm indicators`: the information gaps and the clearing-house indicators, as a
table, JSON or CSV. Registered on the `chm` app by api/cli.py."""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from api.cli import CliError, DataOption, _errors, _settings, app, err_console, out_console
from api.settings import Settings
from graph.indicators import indicators as compute_indicators
from graph.indicators import indicators_table
from graph.store import GraphStore
from ontology import UN_LANGUAGES
from search import gaps as gap_detection
from search.service import Searcher


class Output(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Part(StrEnum):
    all = "all"
    obligations = "obligations"
    needs = "needs"
    coverage = "coverage"


@app.command()
def gaps(
    part: Annotated[Part, typer.Argument(help="Which gaps: obligations, needs, coverage, or all.")] = Part.all,
    data: DataOption = None,
    languages: Annotated[
        str, typer.Option(help="Comma-separated UN languages a fulfilling document may be in.")
    ] = ",".join(UN_LANGUAGES),
    convention: Annotated[str | None, typer.Option(help="Only this convention: key, label or IRI.")] = None,
    region: Annotated[str | None, typer.Option(help="Only Parties of this region: code, name or IRI.")] = None,
    party: Annotated[str | None, typer.Option(help="Only this Party: ISO 3166 code, name or IRI.")] = None,
    status: Annotated[str, typer.Option(help="mandatory, optional or all requirements.")] = "mandatory",
    conditional: Annotated[
        bool, typer.Option(help="Include requirements that bind only some Parties (an exemption...).")
    ] = False,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Similarity below which a need has no evidence.")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the labels.")] = "en",
    output: Annotated[Output, typer.Option("--format", help="table, json or csv.")] = Output.table,
    record: Annotated[
        bool, typer.Option(help="Store a dated snapshot of all gaps in the graph (for the trend indicators).")
    ] = False,
) -> None:
    """Information gaps: obligations Parties have not met with a document (and why), information
    needs without evidence in the corpus, and what the clearing-house does not cover."""
    settings = _settings(data)
    wanted = [p for p in (Part.obligations, Part.needs, Part.coverage) if part in (p, Part.all)]
    with _errors(), GraphStore.open(settings.data, read_only=not record) as store:
        if output is Output.csv and len(wanted) > 1:
            raise CliError("--format csv prints one table: name obligations, needs or coverage")
        ask = gap_detection.obligations_query(
            store,
            languages=[part.strip() for part in languages.split(",") if part.strip()],
            convention=convention,
            region=region,
            party=party,
            status=status,
            conditional=conditional,
            label_language=lang,
        )
        matrix = gap_detection.obligations(store, ask) if Part.obligations in wanted or record else None
        report = (
            gap_detection.needs(_searcher(settings, store), threshold=threshold)
            if Part.needs in wanted or record
            else None
        )
        covered = gap_detection.coverage(store, (lang,)) if Part.coverage in wanted or record else None
        if record:
            if ask != gap_detection.ObligationsQuery(label_languages=(lang,)):
                raise CliError("--record stores every gap: leave out --languages, --convention, --region, --party...")
            assert matrix is not None and covered is not None
            created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            recorded = gap_detection.record(store, created, matrix, report, covered)
            err_console.print(f"recorded {recorded.gaps} gaps in {recorded.graph}", highlight=False)
    _print(wanted, output, matrix, report, covered)


def _searcher(settings: Settings, store: GraphStore) -> Searcher:
    """Needs are matched by the search index (loaded only when needs are asked for)."""
    from search.embed import load_embedder
    from search.index import SearchIndex

    embedder = load_embedder(settings.embed_model, settings.embed_threads)
    return Searcher(store, SearchIndex.open(settings.search_folder(), embedder), embedder)


def _print(
    wanted: list[Part],
    output: Output,
    matrix: gap_detection.ObligationsMatrix | None,
    report: gap_detection.NeedsReport | None,
    covered: gap_detection.CoverageReport | None,
) -> None:
    found = {Part.obligations: matrix, Part.needs: report, Part.coverage: covered}
    if output is Output.json:
        body = {p.value: dataclasses.asdict(found[p]) for p in wanted}  # type: ignore[arg-type]
        out_console.print_json(json.dumps(body if len(wanted) > 1 else body[wanted[0].value], ensure_ascii=False))
        return
    tables = {
        Part.obligations: lambda: gap_detection.obligations_table(matrix),  # type: ignore[arg-type]
        Part.needs: lambda: gap_detection.needs_table(report),  # type: ignore[arg-type]
        Part.coverage: lambda: gap_detection.coverage_table(covered),  # type: ignore[arg-type]
    }
    if output is Output.csv:
        _csv(*tables[wanted[0]]())
        return
    if matrix is not None and Part.obligations in wanted:
        _obligations(matrix)
    if report is not None and Part.needs in wanted:
        _needs(report)
    if covered is not None and Part.coverage in wanted:
        _coverage(covered)


def _csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def _obligations(matrix: gap_detection.ObligationsMatrix) -> None:
    table = Table("convention", "ref.", "information", "fulfilled by", "gaps (reason)", title="Obligations × Parties")
    for row in matrix.requirements:
        table.add_row(
            row.convention_name,
            row.reference or "",
            row.information if len(row.information) <= 80 else row.information[:77] + "...",
            ", ".join(c.party_name for c in row.fulfilled),
            ", ".join(f"{c.party_name} ({c.reason})" for c in row.gaps),
        )
    out_console.print(table)
    summary = matrix.summary
    out_console.print(
        f"{summary['requirements']} requirements × {matrix.parties} Parties: {summary['fulfilled']} cells fulfilled, "
        f"{summary['gaps']} gaps {summary['by_reason']}; languages {', '.join(matrix.languages)}",
        highlight=False,
    )


def _needs(report: gap_detection.NeedsReport) -> None:
    title = "Information needs × evidence (least covered first)"
    table = Table("coverage", "gap", "need", "best evidence", title=title)
    for need in report.needs:
        best = need.evidence[0] if need.evidence else None
        table.add_row(
            f"{need.coverage:.3f}",
            "yes" if need.gap else "",
            (need.number + ". " if need.number else "") + need.definition[:100],
            f"{best.paragraph.rsplit('/document/', 1)[-1]}: {best.text[:80]}" if best else "none",
        )
    out_console.print(table)
    calibrated = "calibrated" if report.calibrated else "not calibrated for this model"
    out_console.print(
        f"{report.summary['gaps']} of {report.summary['needs']} needs without evidence above "
        f"{report.threshold:.3f} ({report.model}, {calibrated})",
        highlight=False,
    )


def _coverage(report: gap_detection.CoverageReport) -> None:
    table = Table("kind", "what", "lacks", "reason", title="Coverage gaps")
    for gap in report.gaps:
        table.add_row(gap.kind, gap.subject_name, ", ".join(gap.about_names), gap.reason)
    out_console.print(table)
    out_console.print(", ".join(f"{kind}: {n}" for kind, n in report.summary.items()) or "no coverage gaps")


@app.command()
def indicators(
    data: DataOption = None,
    lang: Annotated[str, typer.Option(help="Language of the labels.")] = "en",
    output: Annotated[Output, typer.Option("--format", help="table, json or csv.")] = Output.table,
) -> None:
    """The clearing-house plan's performance indicators: documents per kind, Party, language and
    year; information sources; Parties with a focal point; network members by region and
    category; gaps identified and closed over time (from the snapshots of `chm gaps --record`)."""
    settings = _settings(data)
    with _errors(), GraphStore.open(settings.data, read_only=True) as store:
        found = compute_indicators(store, (lang,))
    if output is Output.json:
        out_console.print_json(json.dumps(dataclasses.asdict(found), ensure_ascii=False))
        return
    header, rows = indicators_table(found)
    if output is Output.csv:
        _csv(header, rows)
        return
    table = Table(*header, title="Clearing-house indicators")
    for row in rows:
        table.add_row(*row)
    out_console.print(table)
