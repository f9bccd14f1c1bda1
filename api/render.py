"""Render SPARQL results for a terminal or a file: the standard formats, or a readable table."""

from __future__ import annotations

from typing import IO

from rich.console import Console
from rich.table import Table

from graph.formats import RDF_SYNTAXES, RESULTS_FORMATS
from graph.results import is_graph, serialize_result, tabulate
from graph.store import QueryResult

TABLE = "table"
SOLUTION_FORMATS = (TABLE, *RESULTS_FORMATS)
GRAPH_FORMATS = (TABLE, *RDF_SYNTAXES)


def write_result(result: QueryResult, fmt: str, out: IO[bytes], console: Console) -> None:
    """Write a query result as `fmt`: a table on the console (a graph as Turtle), or a standard
    syntax to `out`. Raises UnsupportedFormatError when `fmt` does not suit the kind of result."""
    if is_graph(result) or fmt != TABLE:
        out.write(serialize_result(result, "turtle" if fmt == TABLE else fmt))
        return
    tabulated = tabulate(result)  # type: ignore[arg-type]
    if tabulated.boolean is not None:
        console.print("true" if tabulated.boolean else "false")
        return
    table = Table(*tabulated.variables, show_lines=False)
    for row in tabulated.rows:
        table.add_row(*row)
    console.print(table)
    rows = len(tabulated.rows)
    console.print(f"{rows} row{'s' if rows != 1 else ''}", style="dim")
