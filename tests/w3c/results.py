"""Query answers and expected results in one shape, and their comparison.

SELECT results (SPARQL XML, JSON, CSV, TSV, or an rs:ResultSet graph) become `Solutions`: rows of
terms as tuples, with literals canonical within their datatype (xsd:string is the simple literal,
"1.0"^^xsd:decimal is "1"^^xsd:decimal, language tags in lower case). Two result sets are equal
when their rows are the same multiset under one blank-node bijection for the whole set, and in
the same order when the query has a top-level ORDER BY (or the expected set has rs:index). Graphs
(CONSTRUCT, DESCRIBE, graph store contents) are compared by isomorphism (rdflib) after the same
literal canonicalisation.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import httpx
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from tests.w3c.manifests import Source

RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
XSD = "http://www.w3.org/2001/XMLSchema#"
_SRX = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_INTEGERS = {
    XSD + name
    for name in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_RDF_SYNTAXES = {
    "application/n-triples": "nt",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}
_FILE_SYNTAXES = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml"}
_TOKENS = re.compile(
    r"""<[^<>"{}|^`\\\s]*>|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"""
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\#[^\n]*|[{}]|\bORDER\s+BY\b""",
    re.IGNORECASE,
)

Term = tuple[str, ...]  # ("uri", iri), ("bnode", label), ("literal", lexical, lang, datatype), ("csv", text)
Row = tuple[Term | None, ...]


class HarnessError(Exception):
    """A request failed, or an answer does not parse."""


@dataclass
class Solutions:
    variables: tuple[str, ...] = ()
    rows: list[dict[str, Term]] = field(default_factory=list)
    boolean: bool | None = None
    ordered: bool = False


# ---- reading ---------------------------------------------------------------------------------


def parse_response(response: httpx.Response) -> Solutions | Graph:
    """A service answer, by its Content-Type."""
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if media in _RESULT_PARSERS:
            return _RESULT_PARSERS[media](response.content)
        if media in _RDF_SYNTAXES:
            return Graph().parse(data=response.content, format=_RDF_SYNTAXES[media])
    except Exception as error:
        raise HarnessError(f"the {media} answer does not parse: {error}") from None
    raise HarnessError(f"unexpected content type {media!r}: {response.text[:200]}")


def read_expected(source: Source) -> Solutions | Graph:
    """An expected result file: results (.srx .srj .tsv .csv, or an rs:ResultSet graph) or a graph."""
    suffix = source.path.suffix
    if suffix in (".srx", ".srj", ".tsv", ".csv"):
        return _RESULT_PARSERS[{".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}[suffix]](
            source.path.read_bytes()
        )
    graph = read_graph(source)
    result_set = graph.value(None, RDF.type, RS.ResultSet)
    return _from_result_set(graph, result_set) if result_set is not None else graph


def read_graph(*sources: Source, into: Graph | None = None) -> Graph:
    """The triples of files, each parsed with its own IRI as base (blank nodes apart)."""
    graph = into if into is not None else Graph()
    for source in sources:
        graph.parse(source.path, format=_FILE_SYNTAXES[source.path.suffix], publicID=source.iri)
    return graph


def _xml(data: bytes) -> Solutions:
    root = ET.fromstring(data)
    variables = tuple(v.get("name", "") for v in root.iter(f"{_SRX}variable"))
    boolean = root.find(f"{_SRX}boolean")
    if boolean is not None:
        return Solutions(variables, boolean=(boolean.text or "").strip() == "true")
    rows = []
    for result in root.iter(f"{_SRX}result"):
        row: dict[str, Term] = {}
        for binding in result.findall(f"{_SRX}binding"):
            value = binding[0]
            kind, text = value.tag.removeprefix(_SRX), value.text or ""
            if kind == "uri":
                row[binding.get("name", "")] = ("uri", text)
            elif kind == "bnode":
                row[binding.get("name", "")] = ("bnode", text)
            else:
                row[binding.get("name", "")] = literal(text, value.get(_XML_LANG), value.get("datatype"))
        rows.append(row)
    return Solutions(variables, rows)


def _json(data: bytes) -> Solutions:
    document = json.loads(data)
    variables = tuple(document.get("head", {}).get("vars", []))
    if "boolean" in document:
        return Solutions(variables, boolean=bool(document["boolean"]))
    rows = []
    for binding in document["results"]["bindings"]:
        row: dict[str, Term] = {}
        for name, value in binding.items():
            if value["type"] == "uri":
                row[name] = ("uri", value["value"])
            elif value["type"] == "bnode":
                row[name] = ("bnode", value["value"])
            else:
                row[name] = literal(value["value"], value.get("xml:lang"), value.get("datatype"))
        rows.append(row)
    return Solutions(variables, rows)


def _tsv(data: bytes) -> Solutions:
    """TSV cells are Turtle terms: the file becomes one Turtle document (so blank node labels
    keep their identity across rows), one triple per bound cell."""
    lines = data.decode("utf-8").rstrip("\n").split("\n")
    variables = tuple(v.strip().removeprefix("?") for v in lines[0].split("\t"))
    if variables == ("true",) or variables == ("false",):
        return Solutions((), boolean=variables == ("true",))
    triples = [
        f"<urn:row:{r}> <urn:var:{variables[c]}> {cell} ."
        for r, line in enumerate(lines[1:])
        for c, cell in enumerate(line.split("\t"))
        if cell.strip()
    ]
    graph = Graph().parse(data="\n".join(triples), format="turtle")
    rows: list[dict[str, Term]] = [{} for _ in lines[1:]]
    for subject, predicate, value in graph:
        rows[int(str(subject).rsplit(":", 1)[1])][str(predicate).rsplit(":", 1)[1]] = term(value)
    return Solutions(variables, rows)


def _csv(data: bytes) -> Solutions:
    """CSV keeps no term types: cells compare as text, `_:x` as blank nodes."""
    records = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    variables = tuple(records[0]) if records else ()
    rows: list[dict[str, Term]] = [
        {v: (("bnode", c[2:]) if c.startswith("_:") else ("csv", c)) for v, c in zip(variables, r, strict=False) if c}
        for r in records[1:]
    ]
    return Solutions(variables, rows)


_RESULT_PARSERS = {
    "application/sparql-results+xml": _xml,
    "application/sparql-results+json": _json,
    "text/tab-separated-values": _tsv,
    "text/csv": _csv,
    "xml": _xml,
    "json": _json,
    "tsv": _tsv,
    "csv": _csv,
}


def _from_result_set(graph: Graph, result_set: Node) -> Solutions:
    variables = tuple(str(v) for v in graph.objects(result_set, RS.resultVariable))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return Solutions(variables, boolean=isinstance(boolean, Literal) and boolean.toPython() is True)
    indexed = []
    for solution in graph.objects(result_set, RS.solution):
        row: dict[str, Term] = {
            str(graph.value(b, RS.variable)): term(graph.value(b, RS.value))
            for b in graph.objects(solution, RS.binding)
        }
        index = graph.value(solution, RS["index"])  # RS.index would be str.index
        indexed.append((int(str(index)) if index is not None else 0, row))
    ordered = any(graph.value(s, RS["index"]) is not None for s in graph.objects(result_set, RS.solution))
    return Solutions(variables, [row for _, row in sorted(indexed, key=lambda pair: pair[0])], ordered=ordered)


# ---- terms -----------------------------------------------------------------------------------


def term(node: Node | None) -> Term:
    if isinstance(node, URIRef):
        return ("uri", str(node))
    if isinstance(node, BNode):
        return ("bnode", str(node))
    if isinstance(node, Literal):
        return literal(str(node), node.language, str(node.datatype) if node.datatype else None)
    raise HarnessError(f"not an RDF term: {node!r}")


def literal(lexical: str, language: str | None, datatype: str | None) -> Term:
    """A literal, canonical within its datatype."""
    if language:
        return ("literal", lexical, language.lower(), "")
    if not datatype or datatype == XSD + "string":
        return ("literal", lexical, "", "")
    return ("literal", _canonical(lexical, datatype), "", datatype)


def _canonical(lexical: str, datatype: str) -> str:
    text = lexical.strip()
    try:
        if datatype in _INTEGERS:
            return str(int(text))
        if datatype == XSD + "decimal":
            return format(Decimal(text).normalize(), "f")
        if datatype in (XSD + "double", XSD + "float"):
            return repr(float(text))
        if datatype == XSD + "boolean":
            return {"1": "true", "0": "false"}.get(text, text)
    except (ValueError, InvalidOperation):
        pass
    return lexical


def _canonical_graph(graph: Graph) -> Graph:
    out = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal):
            _, lexical, language, datatype = literal(str(o), o.language, str(o.datatype) if o.datatype else None)
            o = Literal(lexical, lang=language or None, datatype=URIRef(datatype) if datatype else None)
        out.add((s, p, o))
    return out


# ---- comparing -------------------------------------------------------------------------------


def compare_graphs(expected: Graph, actual: Solutions | Graph) -> str | None:
    """None when `actual` is a graph isomorphic to `expected`, else what differs."""
    if not isinstance(actual, Graph):
        return "expected a graph, got query results"
    left, right = _canonical_graph(expected), _canonical_graph(actual)
    if isomorphic(left, right):
        return None
    missing = [t for t in left if not any(isinstance(x, BNode) for x in t) and t not in right]
    extra = [t for t in right if not any(isinstance(x, BNode) for x in t) and t not in left]
    return (
        f"graphs differ ({len(right)} triples, expected {len(left)}); "
        f"missing {_show(missing)}; unexpected {_show(extra)}"
    )


def compare_solutions(expected: Solutions | Graph, actual: Solutions | Graph, *, ordered: bool) -> str | None:
    """None when the answers are the same, else what differs."""
    if not isinstance(expected, Solutions) or not isinstance(actual, Solutions):
        return "expected query results, got a graph"
    if expected.boolean is not None or actual.boolean is not None:
        same = expected.boolean == actual.boolean
        return None if same else f"expected boolean {expected.boolean}, got {actual.boolean}"
    if set(expected.variables) != set(actual.variables):
        return f"variables {sorted(actual.variables)}, expected {sorted(expected.variables)}"
    names = sorted(expected.variables)
    left = [tuple(row.get(v) for v in names) for row in expected.rows]
    right = [tuple(row.get(v) for v in names) for row in actual.rows]
    if len(left) != len(right):
        return f"{len(right)} rows, expected {len(left)}; missing {_show(_minus(left, right))}; unexpected {_show(_minus(right, left))}"
    if not _same_multiset(left, right):
        missing, unexpected = _minus(left, right), _minus(right, left)
        if not missing and not unexpected:
            return "solutions differ in their blank nodes: no one blank node mapping makes them equal"
        return f"solutions differ; missing {_show(missing)}; unexpected {_show(unexpected)}"
    if ordered and _extend_all(zip(left, right, strict=True), {}, {}) is None:
        return "same rows, different order (the query has ORDER BY)"
    return None


def has_top_level_order_by(query: str) -> bool:
    """Whether ORDER BY appears outside every group (not in a subquery), ignoring strings and comments."""
    depth = 0
    for match in _TOKENS.finditer(query):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token[0] not in "<\"'#" and depth == 0:
            return True
    return False


def _same_multiset(left: list[Row], right: list[Row]) -> bool:
    """Same rows under one blank node bijection for the whole result set (backtracking)."""
    if Counter(map(_shape, left)) != Counter(map(_shape, right)):
        return False
    pending = [row for row in left if _shape(row) != row]
    candidates = [row for row in right if _shape(row) != row]
    budget = [200_000]

    def search(i: int, used: frozenset[int], forward: dict[Term, Term], backward: dict[Term, Term]) -> bool:
        if i == len(pending):
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        for j, candidate in enumerate(candidates):
            if j in used or _shape(candidate) != _shape(pending[i]):
                continue
            maps = _extend_all([(pending[i], candidate)], forward, backward)
            if maps is not None and search(i + 1, used | {j}, *maps):
                return True
        return False

    return search(0, frozenset(), {}, {})


def _extend_all(
    pairs: Iterable[tuple[Row, Row]], forward: dict[Term, Term], backward: dict[Term, Term]
) -> tuple[dict[Term, Term], dict[Term, Term]] | None:
    """The bijection extended to map each left row onto its right row, or None."""
    forward, backward = dict(forward), dict(backward)
    for left, right in pairs:
        for a, b in zip(left, right, strict=True):
            if a is None or b is None or a[0] != "bnode" or b[0] != "bnode":
                if a != b:
                    return None
                continue
            if forward.setdefault(a, b) != b or backward.setdefault(b, a) != a:
                return None
    return forward, backward


def _shape(row: Row) -> Row:
    return tuple(("bnode",) if t is not None and t[0] == "bnode" else t for t in row)


def _minus(left: list[Row], right: list[Row]) -> list[Row]:
    remaining = Counter(map(_shape, right))
    out = []
    for row in left:
        if remaining[_shape(row)] > 0:
            remaining[_shape(row)] -= 1
        else:
            out.append(row)
    return out


def _show(items: Sequence[object], limit: int = 3) -> str:
    shown = "; ".join(str(i) for i in items[:limit])
    return f"[{shown}{' ...' if len(items) > limit else ''}] ({len(items)})"
