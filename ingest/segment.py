"""Cut a document's text into paragraphs, keeping the structure readers cite.

Two layouts are recognised:
- UN documents: numbered paragraphs ("12."), lettered sub-paragraphs ("(a)", on the same line or
  alone on theirs), roman and lettered section headings ("I." / "A." with the title on the next
  line), annexes that restart the numbering, tab-separated table rows (a row is a block whose
  cells start with a tab; untabbed lines continue the cell above) and footnotes after a rule.
- Convention texts in Markdown (`segment_convention`): `### Article N` / `####Title` with
  numbered paragraphs and "a)" items, `### Annex X` with its parts; a translation that follows
  (the Dutch half of the corpus files) is a second version of the same articles.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.iri import slug
from ingest.models import Paragraph
from ingest.segment_common import (
    ANNEX,
    BULLET,
    FOOTNOTE_MARK,
    LETTER_HEADING,
    LETTERED,
    MD_ARTICLE,
    NUMBERED,
    ROMAN,
    ROMAN_HEADING,
    RULE,
    TERMINAL,
    Builder,
    Headings,
)
from ingest.segment_convention import ConventionSegmenter


def looks_like_convention_text(text: str) -> bool:
    """True for a convention's text in Markdown: several `### Article N` headings."""
    return len(re.findall(MD_ARTICLE.pattern, text, re.MULTILINE | re.IGNORECASE)) >= 3


def segment(text: str) -> list[Paragraph]:
    """The paragraphs of `text`, in order, by the layout it has."""
    if looks_like_convention_text(text):
        return ConventionSegmenter().run(text)
    return UnDocumentSegmenter().run(text)


class UnDocumentSegmenter:
    """The layout of UN meeting documents (see the module docstring)."""

    def __init__(self) -> None:
        self.out = Builder()
        self.headings = Headings()
        self.current: Paragraph | None = None  # the numbered paragraph being read
        self.sub: Paragraph | None = None  # its lettered sub-paragraph being read
        self.last_number = 0
        self.last_letter = ""
        self.prefix = ""  # "annex-ii-" inside an annex, so keys stay unique
        self.pending_heading: tuple[int, str] | None = None
        self.pending_number: str | None = None
        self.pending_letter: str | None = None
        self.annex_just_opened = False
        self.in_footnotes = False
        self.table: list[list[str]] = []  # rows of the table being read, emitted when it ends

    def run(self, text: str) -> list[Paragraph]:
        for block in re.split(r"\n[ ]*\n", text):
            # A line holding only a tab is an empty table cell, not a blank line.
            lines = [line for line in block.split("\n") if line.strip() or "\t" in line]
            if not lines:
                continue
            if lines[0].startswith("\t") and not self.in_footnotes and not RULE.match(lines[0].strip()):
                self.table.append(_cells(lines))
                continue
            if self.table and lines[0].strip()[:1].islower():
                # A cell's text that goes on after a blank line.
                self.table[-1][-1] = " ".join([self.table[-1][-1], *(line.strip() for line in lines)]).strip()
                continue
            self._flush_table()
            for line in lines:
                self._line(line)
        self._flush_table()
        return self.out.paragraphs

    def _flush_table(self) -> None:
        """Emit the buffered rows of a table, first joining rows a stray blank line split in two."""
        rows, self.table = self.table, []
        if not rows:
            return
        counts = Counter(len(r) for r in rows if len(r) > 1)
        # The commonest row length, the longer one on a tie.
        width = max(counts, key=lambda n: (counts[n], n)) if counts else 1
        merged: list[list[str]] = []
        for row in rows:
            if merged and len(merged[-1]) < width and len(merged[-1]) + len(row) <= width:
                merged[-1].extend(row)
            else:
                merged.append(list(row))
        for cells in merged:
            self._emit_row(cells)

    # ---- lines ---------------------------------------------------------------------------

    def _line(self, raw: str) -> None:
        line = raw.strip()
        if RULE.match(line):
            self.in_footnotes = True
            return
        if self.in_footnotes:
            body = FOOTNOTE_MARK.sub("", line).strip()
            if body:
                self.out.add(body, "footnote", key=f"fn{len(self.out.paragraphs)}", heading_path=("Footnotes",))
            return
        if "\t" in line:
            self._emit_row([c.strip() for c in line.split("\t")])
            return
        if self.pending_heading is not None:
            level, number = self.pending_heading
            self.pending_heading = None
            self._heading(level, f"{number}. {line}")
            return
        if match := ANNEX.match(line):
            self._annex(match)
            return
        if match := ROMAN_HEADING.match(line):
            self._numbered_heading(1, match["num"], match["title"])
            return
        if match := LETTER_HEADING.match(line):
            self._numbered_heading(2, match["num"], match["title"])
            return
        if match := NUMBERED.match(line):
            self._numbered(match["num"], match["text"].strip())
            return
        if match := LETTERED.match(line):
            letter = match["num"] or match["bare"]
            body = (match["text"] if match["num"] else match["btext"]) or ""
            if body.strip():
                self._lettered(letter, body.strip())
            else:
                self.pending_letter = letter
            return
        if match := BULLET.match(line):
            self._item(match["text"])
            return
        self._plain(line)

    def _annex(self, match: re.Match[str]) -> None:
        label = f"{match['word'].capitalize()} {match['num'] or ''}".strip()
        self.headings.stack.clear()
        self.headings.push(0, label)
        self.prefix = slug(label) + "-"
        self.last_number, self.current, self.sub = 0, None, None
        self.out.add(label, "heading", key=slug(label), heading_path=self.headings.path)
        self.annex_just_opened = True

    def _numbered_heading(self, level: int, number: str, title: str) -> None:
        if title.strip():
            self._heading(level, f"{number}. {title.strip()}")
        else:
            self.pending_heading = (level, number)

    def _heading(self, level: int, label: str) -> None:
        self.headings.push(level, label)
        self.current, self.sub = None, None
        self.annex_just_opened = False
        self.out.add(label, "heading", heading_path=self.headings.path)

    def _numbered(self, number: str, body: str) -> None:
        n = int(number)
        if not body:
            self.pending_number = number
            return
        if n == self.last_number + 1:
            self.last_number = n
            self.last_letter = ""
            self.sub = None
            self.current = self.out.add(
                body, "paragraph", key=f"{self.prefix}{n}", number=number, heading_path=self.headings.path
            )
            self.annex_just_opened = False
        elif _short_title(body):
            self._heading(3, f"{number}. {body}")
        else:
            self._quoted(number, body)

    def _quoted(self, number: str, body: str) -> None:
        """A numbered item inside a paragraph: a quoted article paragraph, a numbered list."""
        parent = self.current
        key = f"{parent.key}-{number}" if parent else f"{self.prefix}q{number}"
        shown = f"{parent.number} ({number})" if parent and parent.number else number
        self.out.add(
            body,
            "item",
            key=key,
            number=shown,
            heading_path=self.headings.path,
            parent=parent.position if parent else None,
        )

    def _lettered(self, letter: str, body: str) -> None:
        parent = self.current
        is_roman = letter in ROMAN and not (letter == "i" and self.last_letter == "h") and self.sub is not None
        if is_roman and self.sub is not None:
            owner = self.sub
            key, shown = f"{owner.key}-{letter}", f"{owner.number} ({letter})"
            self.out.add(body, "item", key=key, number=shown, heading_path=self.headings.path, parent=owner.position)
            return
        self.last_letter = letter
        base = parent.key if parent else f"{self.prefix}x"
        shown = f"{parent.number} ({letter})" if parent and parent.number else f"({letter})"
        self.sub = self.out.add(
            body,
            "subparagraph",
            key=f"{base}-{letter}",
            number=shown,
            heading_path=self.headings.path,
            parent=parent.position if parent else None,
        )

    def _item(self, body: str) -> None:
        owner = self.sub or self.current
        self.out.add(body, "item", heading_path=self.headings.path, parent=owner.position if owner else None)

    def _plain(self, line: str) -> None:
        if self.pending_number is not None:
            number, self.pending_number = self.pending_number, None
            self._quoted(number, line)
            return
        if self.pending_letter is not None:
            letter, self.pending_letter = self.pending_letter, None
            self._lettered(letter, line)
            return
        last = self.out.paragraphs[-1] if self.out.paragraphs else None
        if last is not None and last.kind not in ("heading", "title", "table-row") and _continues(last.text, line):
            last.text = f"{last.text} {line}"
            return
        if _short_title(line):
            if self.annex_just_opened and self.headings.stack:
                level, label = self.headings.stack[-1]
                self.headings.stack[-1] = (level, f"{label}: {line}")
                self.annex_just_opened = False
            self.out.add(line, "title" if not self.out.paragraphs else "heading", heading_path=self.headings.path)
            return
        owner = self.sub or self.current
        self.out.add(line, "text", heading_path=self.headings.path, parent=owner.position if owner else None)

    def _emit_row(self, cells: list[str]) -> None:
        if not any(cells):
            return
        self.out.add(
            " | ".join(c.replace("\n", " ") for c in cells if c),
            "table-row",
            heading_path=self.headings.path,
            cells=tuple(cells),
        )


def _cells(lines: list[str]) -> list[str]:
    """The cells of a table row: each tab starts a cell (empty ones too); an untabbed line
    continues the cell above it."""
    cells: list[str] = []
    for line in lines:
        if line.startswith("\t") or not cells:
            cells.extend(c.strip() for c in line.lstrip("\t").split("\t") if line.startswith("\t") or c.strip())
        else:
            head, *rest = line.split("\t")
            cells[-1] = f"{cells[-1]}\n{head.strip()}".strip()
            cells.extend(c.strip() for c in rest)
    return cells


def _short_title(text: str) -> bool:
    """A heading-like line: a few words, no sentence-ending punctuation."""
    words = text.split()
    return 0 < len(words) <= 12 and not text.rstrip().endswith(TERMINAL) and not text[0].islower()


def _continues(previous: str, line: str) -> bool:
    """A line that goes on with the previous paragraph (a sentence broken by a footnote mark)."""
    return line[:1].islower() and not previous.rstrip().endswith((".", ":", ";"))
