"""The SPARQL 1.1 Protocol without a web framework: what a request asks (query or update, and its
dataset), which result format answers it (content negotiation), and what is wrong with it.

Raises ProtocolError with the HTTP status the caller should answer: 400 (bad request), 406 (no
acceptable format, naming those available) or 415 (a body type the operation does not take).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote_plus

import pyoxigraph as ox

from graph.errors import GraphError
from graph.formats import RDF_SYNTAXES

SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
SOLUTION_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
}
GRAPH_TYPES = {s.media_type: s.name for s in RDF_SYNTAXES.values()} | {
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
GRAPH_MEDIA = {s.name: s.media_type for s in RDF_SYNTAXES.values()}
_FORM = "application/x-www-form-urlencoded"
_COMMENT = re.compile(r"#[^\n]*")
_IRI = re.compile(r"<[^<>\s]*>")
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", re.IGNORECASE)
_FORM_WORD = re.compile(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


class ProtocolError(GraphError):
    """A request the protocol refuses; `status` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class QueryRequest:
    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] | None = None
    #: `format`/`output` parameters (names or media types) some clients send besides Accept.
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class UpdateRequest:
    update: str
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Negotiated:
    result_format: str  # for SELECT/ASK
    graph_format: str  # for CONSTRUCT/DESCRIBE
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE (best guess from the text)

    @property
    def media_type(self) -> str:
        if self.form in ("CONSTRUCT", "DESCRIBE"):
            return GRAPH_MEDIA[self.graph_format]
        return SOLUTION_MEDIA[self.result_format]


@dataclass
class _Params:
    values: dict[str, list[str]] = field(default_factory=dict)

    def one(self, name: str) -> str | None:
        found = self.values.get(name, [])
        if len(found) > 1:
            raise ProtocolError(400, f"the {name!r} parameter is given {len(found)} times; give it once")
        return found[0] if found else None

    def many(self, name: str) -> tuple[str, ...]:
        return tuple(self.values.get(name, []))


def query_request(method: str, content_type: str | None, query_string: str, body: bytes) -> QueryRequest:
    """The query and dataset of a SPARQL Protocol query request (GET, POST form, POST direct)."""
    text, params = _operation("query", method, content_type, query_string, body)
    named = _graphs(params, "named-graph-uri")
    formats = params.many("format") + params.many("output")
    return QueryRequest(text, _graphs(params, "default-graph-uri"), named or None, formats)


def has_parameter(query_string: str, name: str) -> bool:
    """Whether a URL query string has the parameter `name` (as parse_qs would find it, blank or
    not), without decoding the values: a query's text is most of the string."""
    return any(unquote_plus(part.partition("=")[0]) == name for part in query_string.split("&") if part)


def update_request(content_type: str | None, query_string: str, body: bytes) -> UpdateRequest:
    """The update of a SPARQL Protocol update request (POST form or POST direct)."""
    text, params = _operation("update", "POST", content_type, query_string, body)
    return UpdateRequest(text, _graphs(params, "using-graph-uri"), _graphs(params, "using-named-graph-uri"))


def _graphs(params: _Params, name: str) -> tuple[str, ...]:
    """The graph IRIs of a dataset parameter; raises ProtocolError (400) for one that is not absolute."""
    return tuple(absolute_iri(value, name) for value in params.many(name))


def _operation(kind: str, method: str, content_type: str | None, query_string: str, body: bytes) -> tuple[str, _Params]:
    """The text of a query or an update (`kind`) and all the request's parameters: by GET (queries
    only), a POST form, or a POST whose body is the operation itself."""
    other, endpoint = ("update", "/update") if kind == "query" else ("query", "/sparql")
    direct = f"application/sparql-{kind}"
    params = _Params(parse_qs(query_string, keep_blank_values=True))
    media = _media(content_type)
    if method == "GET" and kind == "query":
        text = params.one(kind)
    elif media == _FORM:
        params = _Params({**params.values, **parse_qs(_decode(body), keep_blank_values=True)})
        text = params.one(kind)
    elif media == direct:
        if params.one(kind) is not None:
            raise ProtocolError(400, f"a {kind} sent as the body must not also be a '{kind}' parameter")
        text = _decode(body)
    else:
        raise ProtocolError(415, f"{kind} is sent as {_FORM} or {direct}, not {content_type or 'no content type'}")
    if params.many(other):
        raise ProtocolError(400, f"a {kind} request must not carry an '{other}' parameter; send it to {endpoint}")
    if text is None or not text.strip():
        raise ProtocolError(400, f"no {kind}: give it in the '{kind}' parameter or as an {direct} body")
    return text, params


_DATASET_CLAUSE = re.compile(r"\bFROM\s+(?:NAMED\s+)?(?:<|[\w-]*:)", re.IGNORECASE)


def absolute_iri(value: str, what: str = "graph") -> str:
    """`value` when it is an absolute IRI; raises ProtocolError (400) otherwise."""
    try:
        ox.NamedNode(value)
    except ValueError:
        raise ProtocolError(400, f"{what} {value!r} is not an absolute IRI") from None
    return value


def names_dataset(query: str) -> bool:
    """Whether the query states its own dataset (FROM / FROM NAMED), which then takes precedence."""
    return bool(_DATASET_CLAUSE.search(_without_comments(query)))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, read from the text after its prologue (SELECT if unsure:
    the engine's own parser has the last word)."""
    text = _PROLOGUE.sub("", _without_comments(query), count=1)
    match = _FORM_WORD.match(text)
    return match.group(1).upper() if match else "SELECT"


_FORMAT_ALIASES = {
    "rdf+xml": "rdfxml",
    "rdf/xml": "rdfxml",
    "json-ld": "jsonld",
    "n3": "turtle",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "nq": "nquads",
    "n-quads": "nquads",
}


def negotiate(accept: str | None, form: str, formats: tuple[str, ...] = ()) -> Negotiated:
    """The result format for a query of `form`: the first `format`/`output` value that can answer
    it (a name such as `json` or `turtle`, or a media type), else the Accept header."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    for value in formats:
        choice = _format_value(value.strip().lower(), graph)
        if choice:
            return Negotiated(choice if not graph else "json", choice if graph else "turtle", form)
    table = GRAPH_TYPES if graph else SOLUTION_TYPES
    for media in accepted_types(accept):
        if media in ("*/*", "application/*", "text/*") or media in table:
            choice = table.get(media) or ("turtle" if graph else "json")
            return Negotiated(choice if not graph else "json", choice if graph else "turtle", form)
    available = sorted({m.split(";")[0] for m in (GRAPH_MEDIA.values() if graph else SOLUTION_MEDIA.values())})
    raise ProtocolError(
        406, f"none of the accepted types ({accept}) can answer a {form}; available: {', '.join(available)}"
    )


def _format_value(value: str, graph: bool) -> str | None:
    """A `format` value as a result format for this kind of query, or None when it cannot answer it."""
    if graph:
        name = (
            _FORMAT_ALIASES.get(value)
            or GRAPH_TYPES.get(value)
            or {"xml": "rdfxml", "json": "jsonld"}.get(value)
            or value
        )
        return name if name in GRAPH_MEDIA else None
    name = SOLUTION_TYPES.get(value) or value
    return name if name in SOLUTION_MEDIA else None


def accepted_types(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values; the order given breaks ties)."""
    if not accept:
        return ["*/*"]
    ranked = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        q = 1.0
        for piece in pieces[1:]:
            if piece.startswith("q="):
                try:
                    q = float(piece[2:])
                except ValueError:
                    q = 0.0
        if pieces[0] and q > 0:
            ranked.append((-q, position, pieces[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def _without_comments(query: str) -> str:
    """The query without comments; a `#` inside an IRI is not one (IRIs are blanked first)."""
    return _COMMENT.sub("", _IRI.sub("<>", query))


def _media(content_type: str | None) -> str | None:
    return content_type.split(";")[0].strip().lower() if content_type else None


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request body is not UTF-8 ({error})") from None
