"""Cut a convention's Markdown text into paragraphs: `### Article N` / `####Title` with their
numbered paragraphs and "a)" items, `### Annex X` with its parts. A translation that follows the
text (the Dutch half of the corpus files) is a second version of the same articles."""

from __future__ import annotations

import re

from ingest.iri import slug
from ingest.models import Paragraph
from ingest.segment_common import LETTERED, MD_ANNEX, MD_ARTICLE, MD_HEADING, MD_TAG, NUMBERED, Builder


class ConventionSegmenter:
    """A convention's Markdown text: articles, their paragraphs, annexes and their parts.

    The text may hold the convention twice (English, then a translation): the translation
    starts at the last title before the first article heading written with another word
    ("Artikel" after "Article"); its paragraphs get keys prefixed "v2-".
    """

    def __init__(self) -> None:
        self.out = Builder()

    def run(self, text: str) -> list[Paragraph]:
        lines = [MD_TAG.sub("", raw).strip() for raw in text.split("\n")]
        lines = [line for line in lines if line]
        for version, part in enumerate(_versions(lines), start=1):
            _ConventionVersion(self.out, "" if version == 1 else f"v{version}-").run(part)
        return self.out.paragraphs


def _versions(lines: list[str]) -> list[list[str]]:
    """Split the lines where a translation of the text begins (see ConventionSegmenter)."""
    words = [
        (i, m.group(0).lstrip("#").split()[0].lower()) for i, line in enumerate(lines) if (m := MD_ARTICLE.match(line))
    ]
    if not words:
        return [lines]
    first_word = words[0][1]
    switch = next((i for i, word in words if word != first_word), None)
    if switch is None:
        return [lines]
    start = switch
    for j in range(switch - 1, -1, -1):
        if MD_HEADING.match(lines[j]):
            start = j
            break
    return [lines[:start], *_versions(lines[start:])] if start else [lines]


class _ConventionVersion:
    """One version (language) of a convention text."""

    def __init__(self, out: Builder, prefix: str) -> None:
        self.out = out
        self.prefix = prefix
        self.provision: tuple[str, str] | None = None
        self.in_annex = False
        self.current: Paragraph | None = None
        self.heading: list[str] = []
        self.pending_title = False

    def run(self, lines: list[str]) -> None:
        for line in lines:
            self._line(line)

    def _line(self, line: str) -> None:
        if (match := MD_ARTICLE.match(line)) and not self.in_annex:
            self._provision("article", match["num"].upper(), f"Article {match['num'].upper()}")
            return
        if match := MD_ANNEX.match(line):
            self.in_annex = True
            notation = re.sub(r"\s+", "", match["num"].upper())
            self._provision("annex", notation, f"Annex {notation}")
            return
        if match := MD_HEADING.match(line):
            self._md_heading(len(match["hashes"]), match["text"].strip(" *"))
            return
        self._text(line)

    def _provision(self, kind: str, notation: str, label: str) -> None:
        self.provision = (kind, notation)
        self.heading = [label]
        self.current = None
        self.pending_title = True
        self.out.add(
            label,
            "heading",
            key=f"{self.prefix}{kind}-{slug(notation)}",
            heading_path=(label,),
            provision=self.provision,
        )

    def _md_heading(self, level: int, text: str) -> None:
        if not text:
            return
        if self.provision is None:
            self.out.add(text, "title", key=f"{self.prefix}title", heading_path=())
            return
        if self.pending_title and level == 4:
            self.pending_title = False
            title = f"{self.heading[0]}: {text}"
            self.heading = [title]
            self.out.paragraphs[-1].text = title
            self.out.paragraphs[-1].heading_path = (title,)
            return
        # A part of an annex, or an article inside an annex (Annex G's procedures).
        self.pending_title = False
        self.heading = [*self.heading[:1], text]
        self.current = None
        self.out.add(text, "heading", heading_path=tuple(self.heading), provision=self.provision)

    def _text(self, line: str) -> None:
        section = "preamble" if self.provision is None else f"{self.provision[0]}-{slug(self.provision[1])}"
        path = tuple(self.heading) if self.heading else ("Preamble",)
        if match := NUMBERED.match(line):
            number, body = match["num"], match["text"].strip()
            self.current = self.out.add(
                body or line,
                "paragraph",
                key=f"{self.prefix}{section}-{number}",
                number=number,
                heading_path=path,
                provision=self.provision,
            )
            return
        if match := LETTERED.match(line):
            letter = match["num"] or match["bare"]
            body = (match["text"] if match["num"] else match["btext"]) or line
            parent = self.current
            base = parent.key if parent else f"{self.prefix}{section}"
            shown = f"{parent.number} ({letter})" if parent and parent.number else f"({letter})"
            self.out.add(
                body.strip(),
                "subparagraph",
                key=f"{base}-{letter}",
                number=shown,
                heading_path=path,
                parent=parent.position if parent else None,
                provision=self.provision,
            )
            return
        owner = self.current
        self.out.add(
            line,
            "text",
            key=f"{self.prefix}{section}-t{len(self.out.paragraphs)}",
            heading_path=path,
            parent=owner.position if owner else None,
            provision=self.provision,
        )
