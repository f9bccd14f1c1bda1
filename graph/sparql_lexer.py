"""A small SPARQL lexer: enough of the grammar's terminals to find keywords, braces and operation
separators in a query or update without being fooled by strings, IRIs or comments.

It does not parse SPARQL (the engine does that); it cuts the text into IRIs (`<...>`), strings
(the four quoting forms, with escapes), punctuation (brackets, `;`, `,`) and words (keywords,
prefixed names with their `\\` escapes, variables, numbers, operators), skipping whitespace and
`#` comments, and keeps each token's place in the text so that callers can rewrite it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.errors import QuerySyntaxError

_STRINGS = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
    r'"(?:[^"\\\n\r]|\\.)*"',
    r"'(?:[^'\\\n\r]|\\.)*'",
)
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>\s+)",
            r"(?P<comment>#[^\n]*)",
            f"(?P<string>{'|'.join(_STRINGS)})",
            r'(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)',  # IRIREF; otherwise `<` is an operator
            r"(?P<punct>[{}()\[\];,])",
            r"""(?P<word>(?:[^\s{}()\[\];,"'<>#\\]|\\.)+|[<>\\])""",  # `\` escapes: ex:a\#b
        )
    ),
    re.DOTALL,
)
_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "iri", "string", "punct" or "word"
    text: str
    start: int  # offset in the text
    depth: int  # brackets ({, (, [) open around the token; a bracket has the depth of what surrounds it

    def keyword(self, *words: str) -> bool:
        """Whether the token is one of these keywords (case-insensitive)."""
        return self.kind == "word" and self.text.upper() in words


def tokenize(text: str) -> list[Token]:
    """The tokens of a SPARQL text. Raises QuerySyntaxError (with line and column) for a string
    that is not closed."""
    tokens: list[Token] = []
    depth = 0
    position_, end = 0, len(text)
    match = _TOKEN.match
    while position_ < end:
        found = match(text, position_)
        if found is None:  # only an opening quote can fail every alternative
            raise QuerySyntaxError(f"error at {position(text, position_)}: this string is not closed")
        kind = found.lastgroup
        assert kind is not None
        if kind not in ("space", "comment"):
            value = found.group()
            if kind == "punct" and value in _CLOSE:
                depth = max(0, depth - 1)
            tokens.append(Token(kind, value, position_, depth))
            if kind == "punct" and value in _OPEN:
                depth += 1
        position_ = found.end()
    return tokens


def position(text: str, offset: int) -> str:
    """`line:column` (both from 1) of an offset, as the engine's own messages give it."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}"
