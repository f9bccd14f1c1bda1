"""`chm synthesize`: a question → the evidence grouped by convention, organization or chemical,
and a summary citing paragraph IRIs. Registered on the `chm` app by api/cli.py."""

from __future__ import annotations

import dataclasses
import json
import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from api import synthesis_render
from api.cli import DataOption, _errors, _settings, app, out_console
from graph.store import GraphStore
from search.embed import load_embedder
from search.index import SearchIndex
from search.service import MAX_K, Searcher
from search.synthesis import Synthesis, SynthesisRequest, synthesize

FORMATS = ("table", "json", "csv", "markdown")


@app.command("synthesize")
def synthesize_command(
    question: Annotated[str, typer.Argument(help="The question, in any of the six UN languages.")],
    data: DataOption = None,
    k: Annotated[int, typer.Option("-k", "--k", help=f"Search hits weighed as evidence (1 to {MAX_K}).")] = MAX_K,
    lang: Annotated[str | None, typer.Option(help="Keep only evidence in this language.")] = None,
    format: Annotated[str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")] = "table",
) -> None:
    """Compare what the corpus says on a question, per convention, organization or chemical, with a
    short summary whose every sentence is quoted from a paragraph and cites its IRI."""
    if format not in FORMATS:
        raise typer.BadParameter(f"unknown format {format!r}; use one of {', '.join(FORMATS)}", param_hint="--format")
    settings = _settings(data)
    with _errors(), GraphStore.open(settings.data, read_only=True) as store:
        embedder = load_embedder(settings.embed_model, settings.embed_threads)
        searcher = Searcher(store, SearchIndex.open(settings.search_folder(), embedder), embedder)
        result = synthesize(searcher, SynthesisRequest(text=question, k=k, lang=lang))
    if format == "json":
        sys.stdout.write(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2) + "\n")
    elif format == "csv":
        sys.stdout.write(synthesis_render.to_csv(result))
    elif format == "markdown":
        sys.stdout.write(synthesis_render.to_markdown(result))
    else:
        _print_table(result)


def _print_table(result: Synthesis) -> None:
    if not result.answered:
        out_console.print(result.message or "", highlight=False, markup=False)
        return
    w = synthesis_render.words(result.language)
    numbers = synthesis_render.citations(result)
    table = Table(show_lines=True, expand=True)
    table.add_column(w["group"], ratio=2)
    table.add_column(w["kind"], ratio=1)
    table.add_column(w["evidence"], ratio=6)
    table.add_column(w["paragraphs"], ratio=2)
    for row in result.rows:
        shown = row.evidence[: synthesis_render.SHOWN_EXTRACTS]
        evidence = "\n".join(f"{e.extract} [{numbers[e.paragraph]}]" for e in shown)
        cited = " ".join(f"[{numbers[iri]}]" for iri in row.citations)
        table.add_row(Text(row.label), Text(row.kind_label), Text(evidence), Text(cited))
    out_console.print(table)
    out_console.print(f"\n{w['summary']}", style="bold", highlight=False)
    for sentence in result.summary:
        out_console.print(f"- {sentence.text} [{numbers[sentence.paragraph]}]", highlight=False, markup=False)
    out_console.print(f"\n{w['sources']}", style="bold", highlight=False)
    for iri, number in numbers.items():
        out_console.print(f"[{number}] {iri}", highlight=False, markup=False, soft_wrap=True)
