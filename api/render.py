"""Render SPARQL results for a terminal or a file: the standard formats, or a readable table."""

from __future__ import annotations

from typing import IO

import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from graph.errors import UnsupportedFormatError
from graph.formats import RDF_SYNTAXES, RESULTS_FORMATS, rdf_syntax, results_format
from graph.store import QueryResult
from ontology import PREFIXES

TABLE = "table"
SOLUTION_FORMATS = (TABLE, *RESULTS_FORMATS)
GRAPH_FORMATS = (TABLE, *RDF_SYNTAXES)


def compact(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple | None) -> str:
    """A short human form of a term: prefixed IRIs, literal values with their language."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    if isinstance(term, ox.Literal):
        return f"{term.value} @{term.language}" if term.language else term.value
    return str(term)


def write_result(result: QueryResult, fmt: str, out: IO[bytes], console: Console) -> None:
    """Write a query result as `fmt`: a table on the console, or a standard syntax to `out`.

    Raises UnsupportedFormatError when `fmt` does not suit the kind of result.
    """
    if isinstance(result, ox.QueryTriples):
        if fmt == TABLE:
            fmt = "turtle"
        if fmt not in RDF_SYNTAXES:
            raise UnsupportedFormatError(
                f"a CONSTRUCT or DESCRIBE result is a graph: --format one of {', '.join(RDF_SYNTAXES)}"
            )
        out.write(ox.serialize(result, format=rdf_syntax(fmt).oxigraph, prefixes=PREFIXES) or b"")
        return
    if fmt not in SOLUTION_FORMATS:
        raise UnsupportedFormatError(
            f"a SELECT or ASK result is a table: --format one of {', '.join(SOLUTION_FORMATS)}"
        )
    if fmt != TABLE:
        out.write(result.serialize(format=results_format(fmt)) or b"")
        return
    if isinstance(result, ox.QueryBoolean):
        console.print("true" if bool(result) else "false")
        return
    names = [v.value for v in result.variables]
    table = Table(*names, show_lines=False)
    rows = 0
    for solution in result:
        table.add_row(*(compact(solution[n]) for n in names))
        rows += 1
    console.print(table)
    console.print(f"{rows} row{'s' if rows != 1 else ''}", style="dim")
