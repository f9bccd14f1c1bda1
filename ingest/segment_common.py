"""What the segmenters share: the line patterns of UN documents and convention texts, and the
builder that numbers paragraphs and keeps their keys unique."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Paragraph

ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"}
ROMAN_HEADING = re.compile(r"^(?P<num>[IVX]{1,5})\.\s*(?P<title>.*)$")
LETTER_HEADING = re.compile(r"^(?P<num>[A-H])\.\s*(?P<title>.*)$")
ANNEX = re.compile(r"^(?P<word>Annex|Appendix)(?:\s+(?P<num>[IVX]+|[A-Z]))?\s*$", re.IGNORECASE)
NUMBERED = re.compile(r"^(?P<num>\d{1,3})\.(?!\d)\s*(?P<text>.*)$")
LETTERED = re.compile(r"^\((?P<num>[a-z]{1,5})\)\s*(?P<text>.*)$|^(?P<bare>[a-z]{1,5})\)\s+(?P<btext>.*)$")
BULLET = re.compile(r"^[·•▪◦*–-]\s+(?P<text>.+)$")
RULE = re.compile(r"^_{5,}\s*$")
FOOTNOTE_MARK = re.compile(r"^(?:\*+|\d{1,3}\.?|\ufffd|[a-z]/)\s*")
TERMINAL = (".", ";", ":", "!", "?", ",")

MD_ARTICLE = re.compile(r"^#{2,4}\s*(?:Article|Artikel|Artículo|Статья)\s+(?P<num>\d+[A-Z]?)\b", re.IGNORECASE)
MD_ANNEX = re.compile(
    r"^#{2,4}\s*(?:Annex|Annexe|Anexo|Bijlage|Приложение)\s+(?P<num>[IVX]+(?:\s*[AB])?|[A-Z])\b", re.I
)
MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s*(?P<text>.*?)\s*$")
MD_TAG = re.compile(r"<[^>]+>")


@dataclass
class Builder:
    """Collects paragraphs and keeps their keys unique."""

    paragraphs: list[Paragraph] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)

    def add(self, text: str, kind: str, key: str | None = None, **attrs: object) -> Paragraph:
        text = text.strip()
        base = key or f"b{len(self.paragraphs)}"
        unique, n = base, 2
        while unique in self.keys:
            unique, n = f"{base}-{n}", n + 1
        self.keys.add(unique)
        paragraph = Paragraph(position=len(self.paragraphs), text=text, kind=kind, key=unique, **attrs)  # type: ignore[arg-type]
        self.paragraphs.append(paragraph)
        return paragraph


class Headings:
    """The stack of headings above the current line."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, str]] = []

    def push(self, level: int, label: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, label))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.stack)
