"""`chm`, the command line of chm-kg. Each command parses its input, makes one core call and
renders the answer; errors become one line on stderr and a non-zero exit."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.render import GRAPH_FORMATS, SOLUTION_FORMATS, TABLE, write_result
from api.settings import Settings
from graph import bootstrap
from graph.errors import GraphError, UnsupportedFormatError
from graph.formats import RDF_SYNTAXES, rdf_syntax, rdf_syntax_for_path
from graph.results import compact
from graph.stats import dataset_stats
from graph.store import GraphStore
from graph.validate import require_conformance, validate_store
from ingest.errors import IngestError
from search.errors import SearchError

app = typer.Typer(
    name="chm",
    help="chm-kg: knowledge graph and search for the chemicals and waste conventions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out_console = Console()
err_console = Console(stderr=True)

DataOption = Annotated[
    Path | None,
    typer.Option("--data", envvar="CHM_DATA", help="Store folder [env CHM_DATA; default ./data]."),
]


def progress_bar() -> Progress:
    """The progress bar long commands show on stderr (gone when done)."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    )


class CliError(Exception):
    """Bad command-line input (a missing file, conflicting options)."""


def _settings(data: Path | None) -> Settings:
    return Settings(data=data) if data is not None else Settings()


@contextmanager
def _errors() -> Iterator[None]:
    """Turn the errors of bad input or state into one line on stderr and exit status 1."""
    try:
        yield
    except (GraphError, CliError, IngestError, SearchError) as error:
        err_console.print(f"[bold red]error:[/] {error}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _read_text(text: str | None, file: Path | None, what: str) -> str:
    """The query or update from the argument, `--file`, or stdin (`-` or no argument)."""
    if text is not None and file is not None:
        raise CliError(f"give the {what} as an argument or with --file, not both")
    if file is not None:
        if not file.is_file():
            raise CliError(f"{file}: no such file")
        return file.read_text(encoding="utf-8")
    if text is None or text == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise CliError(f"no {what}: give it as an argument, with --file, or on stdin")
        return sys.stdin.read()
    return text


@contextmanager
def _output(path: Path | None) -> Iterator[object]:
    """Stdout, or a file written whole or not at all (a temporary file renamed at the end)."""
    if path is None:
        yield sys.stdout.buffer
        sys.stdout.flush()
        return
    if not path.parent.is_dir():
        raise CliError(f"{path.parent}: no such folder for the output")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what the core does.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )


@app.command()
def init(
    data: DataOption = None,
    vocab: Annotated[
        Path | None,
        typer.Option(help="Folder of external vocabularies [env CHM_VOCAB; default ../shared/vocab]."),
    ] = None,
    no_vocab: Annotated[bool, typer.Option("--no-vocab", help="Load only the bundled vocabularies.")] = False,
    force: Annotated[bool, typer.Option(help="Reload sources even when unchanged.")] = False,
) -> None:
    """Create the store (when missing) and load the ontology, shapes and vocabularies.

    Sources unchanged since the last load are skipped, so running it again changes nothing.
    """
    settings = _settings(data)
    vocab_dir = None if no_vocab else (vocab or settings.vocab)
    with _errors():
        if vocab_dir is not None and not vocab_dir.is_dir():
            raise CliError(f"{vocab_dir}: no such vocabulary folder")
        with GraphStore.create(settings.data) as store:
            with err_console.status("loading") as status:
                outcomes = bootstrap.initialise(
                    store, vocab_dir, force=force, progress=lambda name: status.update(f"reading {name}")
                )
            table = Table("graph", "triples", "status")
            for o in outcomes:
                table.add_row(o.name, str(o.triples), "loaded" if o.changed else "unchanged")
            out_console.print(table)
            out_console.print(f"store: {settings.data.resolve()} ({len(store)} quads)")


@app.command()
def load(
    file: Annotated[Path, typer.Argument(help="RDF file to load (Turtle, N-Triples, RDF/XML, JSON-LD).")],
    graph: Annotated[str, typer.Option(help="IRI of the named graph to replace with the file's triples.")],
    data: DataOption = None,
    format: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(RDF_SYNTAXES)}; default from the extension.")
    ] = None,
    validate: Annotated[bool, typer.Option(help="Refuse data that breaks the SHACL shapes.")] = True,
) -> None:
    """Replace a named graph by the triples of a file, atomically: on any error it is unchanged."""
    settings = _settings(data)
    with _errors():
        if not file.is_file():
            raise CliError(f"{file}: no such file")
        syntax = rdf_syntax(format) if format else rdf_syntax_for_path(file)
        check = require_conformance if validate else None
        with GraphStore.open(settings.data) as store:
            info = store.replace_graph_from_file(graph, file, syntax, check=check)
        out_console.print(f"{info.graph}: {info.triples} triples from {file}")


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Files or folders (walked recursively); default the corpus [env CHM_CORPUS].", show_default=False
        ),
    ] = None,
    data: DataOption = None,
    kind: Annotated[
        str | None, typer.Option(help="Document kind (a slug of the document-kinds scheme, e.g. national-report).")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Language of the documents, when detection should not decide.")
    ] = None,
    party: Annotated[
        str | None, typer.Option(help="The Party that submitted the documents (ISO 3166 code: KE, KEN).")
    ] = None,
    convention: Annotated[
        str | None, typer.Option(help="The convention the documents are submitted under (stockholm, basel...).")
    ] = None,
    fulfils: Annotated[
        str | None,
        typer.Option(help='Information requirements they fulfil: notations of the convention ("7.1; 9.3") or IRIs.'),
    ] = None,
    force: Annotated[bool, typer.Option(help="Re-ingest documents even when unchanged.")] = False,
    validate: Annotated[bool, typer.Option(help="Refuse a document whose graph breaks the SHACL shapes.")] = True,
    index: Annotated[bool, typer.Option(help="Bring the search index in step with the store afterwards.")] = True,
) -> None:
    """Ingest documents (.txt .md .docx .pdf .html): paragraphs, entities and relations, one named
    graph per document. Unchanged documents are skipped; a failed one leaves the store as it was."""
    from ingest.metadata import InvalidMetadataError, MetadataTerms
    from ingest.models import DocumentMetadata
    from ingest.pipeline import Ingestor, discover

    settings = _settings(data)
    with _errors():
        if not paths:
            if settings.corpus is None:
                raise CliError("no paths given and no corpus: set CHM_CORPUS or name files or folders")
            paths = [settings.corpus]
        missing = [p for p in paths if not p.exists()]
        if missing:
            raise CliError(f"{missing[0]}: no such file or folder")
        with GraphStore.open(settings.data) as store:
            metadata = DocumentMetadata(
                kind=kind, language=language, party=party, convention=convention, fulfils=fulfils
            )
            try:  # refused before any file is read; each file's sidecar is checked as it is ingested
                MetadataTerms.from_store(store).resolve(metadata)
            except InvalidMetadataError as error:
                raise CliError(str(error)) from None
            ingestor = Ingestor(store, validate=validate, force=force)
            files, _ = discover(paths)
            with progress_bar() as bar:
                task = bar.add_task("ingesting", total=len(files))

                def advance(path: Path) -> None:
                    bar.update(task, description=f"ingesting {path.name}")

                def done(path: Path) -> None:
                    bar.advance(task)

                report = ingestor.ingest(paths, metadata, progress=advance, finished=done)
            if index:
                from api.cli_search import sync_index

                sync_index(settings, store)
    table = Table("document", "status", "paragraphs", "entities", "statements", "reason")
    for o in report.outcomes:
        table.add_row(
            o.path.name,
            o.status,
            str(o.paragraphs or ""),
            str(o.entities or ""),
            str(o.statements or ""),
            o.reason or "",
        )
    out_console.print(table)
    out_console.print(
        f"documents: {report.count('ingested')} ingested, {report.count('unchanged')} unchanged, "
        f"{report.count('failed')} failed; paragraphs {report.total('paragraphs')}, entities "
        f"{report.total('entities')}, statements {report.total('statements')}"
        + (f"; passed over {len(report.passed_over)} (README/SOURCE files)" if report.passed_over else "")
    )
    if report.failed:
        for o in report.failed:
            err_console.print(f"[bold red]failed:[/] {o.path}: {o.reason}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


@app.command()
def remove(
    document: Annotated[str, typer.Argument(help="The document's key, IRI, or file path.")],
    data: DataOption = None,
) -> None:
    """Remove an ingested document: its named graph and everything extracted from it."""
    from ingest.pipeline import remove_document

    settings = _settings(data)
    with _errors(), GraphStore.open(settings.data) as store:
        graph = remove_document(store, document)
        from api.cli_search import sync_index

        sync_index(settings, store)
    out_console.print(f"removed {graph}")


@app.command()
def serve(
    data: DataOption = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on [env CHM_HOST; default 127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [env CHM_PORT; default 8000].")] = None,
) -> None:
    """Serve the store over HTTP: SPARQL 1.1 Protocol at /sparql and /update, the Graph Store
    Protocol at /store, Linked Data pages at /id/..., the dataset description at /.well-known/void."""
    import uvicorn

    from api.app import create_app

    settings = _settings(data)
    settings = settings.model_copy(update={k: v for k, v in {"host": host, "port": port}.items() if v is not None})
    with _errors():
        GraphStore.open(settings.data).close()  # a clear error now, rather than in the server's start-up
    err_console.print(f"serving {settings.data} on http://{settings.host}:{settings.port}/sparql")
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning")


@app.command()
def query(
    sparql: Annotated[str | None, typer.Argument(help="The query; `-` or nothing reads stdin.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from this file.")] = None,
    format: Annotated[
        str,
        typer.Option(
            help=f"SELECT/ASK: {', '.join(SOLUTION_FORMATS)}; CONSTRUCT/DESCRIBE: {', '.join(GRAPH_FORMATS)}."
        ),
    ] = TABLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    data: DataOption = None,
) -> None:
    """Run a SPARQL query over all named graphs (the default graph is their union)."""
    settings = _settings(data)
    with _errors():
        text = _read_text(sparql, file, "query")
        if format not in set(SOLUTION_FORMATS) | set(GRAPH_FORMATS):
            raise UnsupportedFormatError(
                f"unknown format {format!r}; known: {', '.join(dict.fromkeys(SOLUTION_FORMATS + GRAPH_FORMATS))}"
            )
        with GraphStore.open(settings.data, read_only=True) as store:
            result = store.query(text)
            with _output(output) as out:
                write_result(result, format, out, out_console)  # type: ignore[arg-type]


@app.command()
def update(
    sparql: Annotated[str | None, typer.Argument(help="The update; `-` or nothing reads stdin.")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the update from this file.")] = None,
    data: DataOption = None,
) -> None:
    """Run a SPARQL update, in one transaction."""
    settings = _settings(data)
    with _errors():
        text = _read_text(sparql, file, "update")
        with GraphStore.open(settings.data) as store:
            before = len(store)
            store.update(text)
            out_console.print(f"done: {before} → {len(store)} quads")


@app.command()
def validate(
    graph: Annotated[list[str] | None, typer.Option(help="Named graph to validate (repeatable); default all.")] = None,
    format: Annotated[str, typer.Option(help="text or json.")] = "text",
    data: DataOption = None,
) -> None:
    """Validate named graphs against the SHACL shapes; exit 1 when any violation is found."""
    settings = _settings(data)
    with _errors():
        if format not in ("text", "json"):
            raise UnsupportedFormatError(f"unknown format {format!r}; known: text, json")
        with GraphStore.open(settings.data, read_only=True) as store:
            if graph:
                missing = [g for g in graph if not store.has_graph(g)]
                if missing:
                    raise CliError(f"no named graph {missing[0]} in the store")
            with err_console.status("validating"):
                reports = validate_store(store, graph or None)
    if format == "json":
        payload = [
            {
                "graph": r.graph,
                "conforms": r.conforms,
                "focus_nodes": r.focus_nodes,
                "violations": [v.__dict__ for v in r.violations],
            }
            for r in reports
        ]
        out_console.print_json(json.dumps(payload))
    else:
        for report in reports:
            mark = "[green]ok[/]" if report.conforms else "[red]FAIL[/]"
            checked = f"{report.focus_nodes} nodes" if report.focus_nodes else "no node a shape targets"
            out_console.print(f"{mark} {report.graph} ({checked})", highlight=False)
            for violation in report.violations:
                out_console.print(f"  {violation}", highlight=False, soft_wrap=True)
    failed = [r for r in reports if not r.conforms]
    if failed:
        err_console.print(f"{len(failed)} of {len(reports)} graph(s) break the shapes")
        raise typer.Exit(1)


@app.command()
def export(
    format: Annotated[str, typer.Option(help=f"One of {', '.join(RDF_SYNTAXES)}.")] = "nquads",
    graph: Annotated[str | None, typer.Option(help="Export only this named graph.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    data: DataOption = None,
) -> None:
    """Export the whole dataset (nquads, trig, jsonld) or one named graph (any format)."""
    settings = _settings(data)
    with _errors():
        syntax = rdf_syntax(format)
        with GraphStore.open(settings.data, read_only=True) as store, _output(output) as out:
            store.export(out, syntax, graph=graph)  # type: ignore[arg-type]


@app.command()
def stats(
    format: Annotated[str, typer.Option(help="table or json.")] = TABLE,
    data: DataOption = None,
) -> None:
    """Triples per named graph and instances per class."""
    settings = _settings(data)
    with _errors():
        if format not in (TABLE, "json"):
            raise UnsupportedFormatError(f"unknown format {format!r}; known: table, json")
        with GraphStore.open(settings.data, read_only=True) as store:
            figures = dataset_stats(store)
    if format == "json":
        out_console.print_json(json.dumps(figures.as_dict()))
        return
    graphs = Table("graph", "triples", "source", "loaded")
    for g in figures.graphs:
        graphs.add_row(g.graph, str(g.triples), g.source or "", g.modified or "")
    out_console.print(graphs)
    classes = Table("class", "instances")
    for iri, count in figures.classes:
        classes.add_row(compact(iri), str(count))
    out_console.print(classes)


if __name__ == "__main__":
    app()


# The search commands register themselves on `app`; imported last, as they import from here.
from api import cli_gaps, cli_search, cli_synthesis  # noqa: E402, F401
