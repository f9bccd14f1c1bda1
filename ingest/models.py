"""The dataclasses passed between ingestion stages: document → paragraphs → mentions → facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

#: Kinds of paragraph the segmenters produce.
PARAGRAPH_KINDS = ("title", "heading", "paragraph", "subparagraph", "item", "text", "table-row", "footnote")


@dataclass
class Paragraph:
    """A unit of text a fact can be traced to: a numbered paragraph, a sub-paragraph, a heading,
    a table row, a footnote."""

    position: int
    text: str
    kind: str
    #: Unique within the document; the last part of the paragraph's IRI ("5", "6-a", "annex-ii-4").
    key: str
    #: The number as printed ("12", "12 (a)"), when there is one.
    number: str | None = None
    heading_path: tuple[str, ...] = ()
    parent: int | None = None
    cells: tuple[str, ...] = ()
    #: For convention texts: ("article", "9") or ("annex", "A").
    provision: tuple[str, str] | None = None
    language: str | None = None


@dataclass
class DocumentMetadata:
    """What the caller knows about a document beyond its text (CLI options or a sidecar JSON)."""

    title: str | None = None
    kind: str | None = None
    party: str | None = None
    language: str | None = None
    date: str | None = None
    symbol: str | None = None
    convention: str | None = None
    #: Information requirements the document fulfils: notations of its convention ("7.1; 15.2 (a)")
    #: or requirement IRIs, separated by ";" (resolved to IRIs before the document is built).
    fulfils: str | None = None

    def as_key(self) -> str:
        """A stable text form, part of the document's fingerprint (changed metadata → re-ingest)."""
        return "|".join(f"{k}={v}" for k, v in sorted(vars(self).items()) if v)


@dataclass
class Document:
    key: str
    source: Path
    format: str
    sha256: str
    title: str
    language: str
    paragraphs: list[Paragraph]
    languages: tuple[str, ...] = ()
    kind: str | None = None
    party: str | None = None
    date: str | None = None
    symbol: str | None = None
    #: The convention the document is about or is the text of (a key such as "stockholm").
    convention: str | None = None
    is_convention_text: bool = False
    #: IRIs of the information requirements the document fulfils (from its metadata).
    fulfils: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    """A literal value of a fact: a string with an optional language or datatype (an XSD IRI)."""

    value: str
    language: str | None = None
    datatype: str | None = None


@dataclass(frozen=True)
class Mention:
    """A span of a paragraph that refers to an entity."""

    paragraph: int
    start: int
    end: int
    text: str
    label: str  # the entity's class local name (Country, Chemical...) or a pattern label (DECISION...)
    iri: str | None
    source: str  # "gazetteer", "pattern" or "ner"
    confidence: float


@dataclass
class Entity:
    """An entity a document introduces (one the vocabularies do not already hold)."""

    iri: str
    types: tuple[str, ...]
    labels: dict[str, str]
    paragraph: int
    #: Further (predicate local name or IRI, object) pairs describing it.
    facts: list[tuple[str, str | Text]] = field(default_factory=list)


@dataclass(frozen=True)
class Statement:
    """A fact a document states, with the paragraph it came from and how sure the extractor is."""

    subject: str
    predicate: str
    object: str | Text  # an IRI, or a literal
    paragraph: int
    extractor: str
    confidence: float
