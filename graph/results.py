"""SPARQL query results (SPARQL 1.1 Query Results formats: JSON, XML, CSV, TSV), written two ways.

`write_within` has pyoxigraph write a result in Rust, into a sink with a byte budget that proves
the row cap holds (a label lookup, evaluated and written, took half the CPU it took with the
Python writer: 0.18 against 0.36 ms). A result past that budget may still be under the cap; the
worker then evaluates again, materialises the rows, counts them against the cap and writes them
with `write_solutions`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring as _quote  # a JSON string, non-ASCII kept as it is
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.errors import UnsupportedFormatError
from graph.formats import RDF_SYNTAXES, RESULTS_FORMATS, rdf_syntax, results_format
from ontology import PREFIXES

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Sequence[Term | None]
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


#: The fewest bytes pyoxigraph writes for one row in each format (a solution that binds nothing:
#: `{},`, `<result></result>`, `\r\n`, `\n`). A result written in at most row_cap times this
#: many bytes therefore has at most row_cap rows.
ROW_FLOOR_BYTES = {"json": 3, "xml": 17, "csv": 2, "tsv": 1}
_NATIVE = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class _OverBudget(Exception):
    """Raised inside pyoxigraph's writer to stop it (it passes the exception through)."""


class _Budgeted:
    """A binary sink that refuses to hold more than `budget` bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.budget -= len(data)
        if self.budget < 0:
            raise _OverBudget
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass


def write_within(fmt: str, solutions: ox.QuerySolutions, row_cap: int) -> bytes | None:
    """`solutions` in `fmt`, written by pyoxigraph, if that takes at most row_cap × ROW_FLOOR_BYTES
    bytes (so there are at most row_cap rows); else None, the writing stopped at the budget and
    `solutions` partly consumed: only counting the rows can tell whether they pass the cap."""
    sink = _Budgeted(row_cap * ROW_FLOOR_BYTES[fmt])
    try:
        solutions.serialize(sink, format=_NATIVE[fmt])  # type: ignore[arg-type]  # it only calls write
    except _OverBudget:
        return None
    return b"".join(sink.parts)


def write_solutions(fmt: str, variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    """SELECT results in `fmt` ("json", "xml", "csv", "tsv")."""
    return _WRITERS[fmt](variables, rows)


def write_boolean(fmt: str, value: bool) -> bytes:
    """ASK results in `fmt`."""
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head></head><boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    return ("true" if value else "false").encode() + b"\n"


def _json_term(term: Term) -> dict[str, object]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _json_text(term: Term) -> str:
    """The JSON of one term, written directly (twice as fast as json.dumps of _json_term)."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _quote(term.value) + "}"
    if isinstance(term, ox.Literal):
        value = _quote(term.value)
        if term.language:
            return '{"type":"literal","value":' + value + ',"xml:lang":' + _quote(term.language) + "}"
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return '{"type":"literal","value":' + value + ',"datatype":' + _quote(datatype) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _quote(term.value) + "}"
    return json.dumps(_json_term(term), ensure_ascii=False, separators=(",", ":"))


def _json(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    names = [_quote(v) + ":" for v in variables]
    seen: dict[Term, str] = {}  # the same IRI comes back row after row
    bindings = []
    for row in rows:
        fields = []
        for name, term in zip(names, row, strict=True):
            if term is not None:
                text = seen.get(term)
                if text is None:
                    text = seen[term] = _json_text(term)
                fields.append(name + text)
        bindings.append("{" + ",".join(fields) + "}")
    head = ",".join(_quote(v) for v in variables)
    return ('{"head":{"vars":[' + head + ']},"results":{"bindings":[' + ",".join(bindings) + "]}}").encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
    parts.append("</head><results>")
    for row in rows:
        parts.append("<result>")
        parts += [
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        ]
        parts.append("</result>")
    parts.append("</results></sparql>\n")
    return "".join(parts).encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    text = (
        term.value
        if isinstance(term, ox.NamedNode | ox.Literal)
        else (f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term))
    )
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = [",".join(variables)] + [",".join(_csv_value(t) for t in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)] + [
        "\t".join("" if t is None else str(t) for t in row) for row in rows
    ]
    return ("\n".join(lines) + "\n").encode()


_WRITERS = {"json": _json, "xml": _xml, "csv": _csv, "tsv": _tsv}


# ---- results of GraphStore.query, for the command line -------------------------------------


@dataclass(frozen=True)
class Tabulated:
    """A SELECT or ASK result as plain strings, for a terminal table."""

    variables: list[str]
    rows: list[list[str]]
    boolean: bool | None = None


def compact(term: Term | str | None) -> str:
    """A short human form of a term (or an IRI string): prefixed IRIs, literal values with their language."""
    if term is None:
        return ""
    if isinstance(term, str):
        term = ox.NamedNode(term)
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return term.value
    if isinstance(term, ox.Literal):
        return f"{term.value} @{term.language}" if term.language else term.value
    return str(term)


def is_graph(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> bool:
    return isinstance(result, ox.QueryTriples)


def serialize_result(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> bytes:
    """A query result in a standard syntax: a results format for SELECT/ASK, an RDF syntax for
    CONSTRUCT/DESCRIBE. Raises UnsupportedFormatError when `fmt` does not suit the result."""
    if isinstance(result, ox.QueryTriples):
        if fmt not in RDF_SYNTAXES:
            raise UnsupportedFormatError(
                f"a CONSTRUCT or DESCRIBE result is a graph: --format one of {', '.join(RDF_SYNTAXES)}"
            )
        return ox.serialize(result, format=rdf_syntax(fmt).oxigraph, prefixes=PREFIXES) or b""
    if fmt not in RESULTS_FORMATS:
        raise UnsupportedFormatError(
            f"a SELECT or ASK result is a table: --format one of table, {', '.join(RESULTS_FORMATS)}"
        )
    return result.serialize(format=results_format(fmt)) or b""


def tabulate(result: ox.QuerySolutions | ox.QueryBoolean) -> Tabulated:
    """A SELECT or ASK result as strings."""
    if isinstance(result, ox.QueryBoolean):
        return Tabulated([], [], bool(result))
    names = [v.value for v in result.variables]
    return Tabulated(names, [[compact(solution[n]) for n in names] for solution in result])
