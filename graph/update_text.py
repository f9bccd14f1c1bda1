"""What an update request does, read from its text with the lexer (graph.sparql_lexer): its
operations, the dataset the protocol's `using-graph-uri` and `using-named-graph-uri` give them
(SPARQL 1.1 Protocol, 2.2.3), and the named graphs it writes, so that the catalog can follow."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph.errors import QuerySyntaxError
from graph.protocol import ProtocolError
from graph.sparql_lexer import Token, position, tokenize

_ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


@dataclass(frozen=True)
class Operation:
    """One operation of an update request (what lies between top-level `;`), its prologue apart."""

    prologue: tuple[Token, ...]
    body: tuple[Token, ...]  # from the operation's first keyword

    @property
    def kind(self) -> str:
        """modify (DELETE/INSERT ... WHERE, with or without WITH), insert-data, delete-data,
        delete-where, load, clear, drop, create, add, move or copy; "" when there is no operation
        (a prologue alone); the first word, lower-cased, for anything else."""
        if not self.body:
            return ""
        first = self.body[0].text.upper() if self.body[0].kind == "word" else ""
        second = self.body[1] if len(self.body) > 1 else None
        if first in ("INSERT", "DELETE") and second is not None and second.keyword("DATA"):
            return f"{first.lower()}-data"
        if first == "DELETE" and second is not None and second.keyword("WHERE"):
            return "delete-where"
        if first in ("INSERT", "DELETE", "WITH"):
            return "modify"
        return first.lower()

    def top(self) -> list[Token]:
        """The operation's tokens outside any bracket: keywords, graph names, the braces."""
        return [t for t in self.body if t.depth == 0]

    def where(self) -> Token | None:
        """The WHERE keyword of a DELETE/INSERT operation (its templates come before it)."""
        return next((t for t in self.top() if t.keyword("WHERE")), None)

    def template(self) -> tuple[Token, ...]:
        """The tokens of a DELETE/INSERT operation before its USING clauses and WHERE."""
        end = next((t for t in self.top() if t.keyword("USING", "WHERE")), None)
        return self.body if end is None else self.body[: self.body.index(end)]


@dataclass(frozen=True)
class Writes:
    """The named graphs an update writes, as far as its text tells."""

    graphs: frozenset[str]
    #: It may write graphs it does not name: `GRAPH ?g` in a template, CLEAR or DROP of NAMED or
    #: ALL, a relative IRI or an unknown prefix, or text the lexer cannot read.
    unnamed: bool
    #: The text ends cleanly (lexed, brackets closed, no trailing `;`): `; more` may follow it.
    closed: bool


def operations(tokens: Sequence[Token]) -> list[Operation]:
    """The operations of an update, cut at its top-level `;`."""
    found: list[Operation] = []
    start = 0
    for index, token in enumerate([*tokens, None]):
        if token is None or (token.depth == 0 and token.kind == "punct" and token.text == ";"):
            part = tuple(tokens[start:index])
            skip = 0
            while skip < len(part) and part[skip].keyword("PREFIX", "BASE"):
                skip += 3 if part[skip].keyword("PREFIX") else 2
            found.append(Operation(part[:skip], part[skip:]))
            start = index + 1
    return found


def with_dataset(update: str, graphs: Sequence[str], named: Sequence[str]) -> str:
    """The update with `USING <g>` for each of `graphs` and `USING NAMED <g>` for each of `named`
    put before the WHERE of each of its DELETE/INSERT operations: what the protocol's
    using-graph-uri and using-named-graph-uri mean. Other operations are left as they are: INSERT
    DATA, DELETE DATA and DELETE WHERE take no dataset (as in Apache Jena), nor does graph
    management.

    Raises ProtocolError (400) when an operation has its own USING, USING NAMED or WITH, which
    the protocol forbids beside the parameters, and QuerySyntaxError for a string left open.
    """
    if not graphs and not named:
        return update
    clause = " ".join(
        [*(f"USING {ox.NamedNode(g)}" for g in graphs), *(f"USING NAMED {ox.NamedNode(g)}" for g in named)]
    )
    places = []
    for operation in operations(tokenize(update)):
        if operation.kind != "modify":
            continue
        own = next((t for t in operation.top() if t.keyword("WITH", "USING")), None)
        if own is not None:
            raise ProtocolError(
                400,
                f"the update has its own {own.text.upper()} (at {position(update, own.start)}): it cannot also "
                "take using-graph-uri or using-named-graph-uri; give the dataset one way only",
            )
        where = operation.where()
        if where is not None:  # none: the engine will report the syntax error
            places.append(where.start)
    pieces, last = [], 0
    for place in places:
        pieces += [update[last:place], clause, " "]
        last = place
    return "".join([*pieces, update[last:]])


def writes(update: str, prefixes: Mapping[str, str]) -> Writes:
    """The named graphs `update` writes (`prefixes`: those the engine is given besides the text's)."""
    try:
        tokens = tokenize(update)
    except QuerySyntaxError:
        return Writes(frozenset(), unnamed=True, closed=False)
    known: dict[str, str | None] = dict(prefixes)
    graphs: set[str] = set()
    unnamed = False
    found = operations(tokens)
    for operation in found:
        _declare(operation.prologue, known)
        terms, everything = _targets(operation)
        unnamed |= everything
        for term in terms:
            graph = _resolve(term, known)
            if graph is None:
                unnamed = True
            else:
                graphs.add(graph)
    last = tokens[-1] if tokens else None
    closed = (
        last is not None and last.depth == 0 and last.text != ";" and all(o.body for o in found) and _balanced(tokens)
    )
    return Writes(frozenset(graphs), unnamed, closed)


def _declare(prologue: Sequence[Token], prefixes: dict[str, str | None]) -> None:
    """Record the PREFIX declarations of a prologue (None for a namespace that is not absolute)."""
    index = 0
    while index < len(prologue):
        if prologue[index].keyword("PREFIX") and index + 2 < len(prologue):
            prefixes[prologue[index + 1].text.removesuffix(":")] = _iri(prologue[index + 2])
            index += 3
        else:
            index += 2  # BASE <iri>: relative graph IRIs are not resolved (they count as unnamed)


def _targets(operation: Operation) -> tuple[list[Token], bool]:
    """The graph terms an operation writes, and whether it may write others it does not name."""
    kind, body = operation.kind, operation.body
    if kind in ("insert-data", "delete-data", "delete-where", "modify"):
        tokens = operation.template() if kind == "modify" else body
        terms = [tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t.keyword("GRAPH")]
        if kind == "modify" and body[0].keyword("WITH") and len(body) > 1:
            terms.append(body[1])
        return terms, False
    words = [t for t in body[1:] if not t.keyword("SILENT")]
    if kind == "load":
        into = next((i for i, t in enumerate(words) if t.keyword("INTO")), None)
        return ([] if into is None else _graph_ref(words[into + 1 :])), False
    if kind in ("clear", "drop"):
        if any(t.keyword("NAMED", "ALL") for t in words):
            return [], True
        return _graph_ref(words), False
    if kind in ("add", "copy", "move"):
        to = next((i for i, t in enumerate(words) if t.keyword("TO")), len(words))
        terms = _graph_ref(words[to + 1 :])
        return (terms + _graph_ref(words[:to]) if kind == "move" else terms), False
    if kind in ("", "create"):
        return [], False
    return [], True  # not an operation the lexer knows: the engine will say what is wrong


def _graph_ref(words: Sequence[Token]) -> list[Token]:
    """The graph a `GRAPH? term` or `DEFAULT` reference names (none for the default graph)."""
    if words and words[0].keyword("GRAPH"):
        words = words[1:]
    if not words or words[0].keyword("DEFAULT"):
        return []
    return [words[0]]


def _resolve(term: Token, prefixes: Mapping[str, str | None]) -> str | None:
    """The absolute IRI a graph term names, or None (a variable, a relative IRI, an unknown prefix)."""
    if term.kind == "iri":
        return _iri(term)
    if term.kind != "word" or term.text[:1] in "?$" or ":" not in term.text:
        return None
    prefix, local = term.text.split(":", 1)
    namespace = prefixes.get(prefix)
    return None if namespace is None else namespace + _LOCAL_ESCAPE.sub(r"\1", local)


def _iri(token: Token) -> str | None:
    value = token.text[1:-1] if token.kind == "iri" else ""
    return value if _ABSOLUTE.match(value) and "\\" not in value else None


def _balanced(tokens: Sequence[Token]) -> bool:
    depth = 0
    for token in tokens:
        if token.kind == "punct" and token.text in "{([":
            depth += 1
        elif token.kind == "punct" and token.text in "})]":
            depth -= 1
    return depth == 0
