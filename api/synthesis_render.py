"""A synthesis (search/synthesis.py) rendered for a reader: CSV (the comparison table) and Markdown
(table, summary and sources), with the words around it in the question's language. JSON is the
data itself; the HTML page (templates/synthesis.html) uses `citations` and `words` from here."""

from __future__ import annotations

import csv
import io

from api.i18n import ui
from search.synthesis import Synthesis

#: Extracts shown in a row's evidence cell (the row cites all its paragraphs).
SHOWN_EXTRACTS = 3
CSV_COLUMNS = ("entity", "label", "kind", "score", "evidence", "paragraphs")

#: The synthesis's words → their keys in the one table of interface strings (api/i18n.py).
_WORDS = {
    "group": "group",
    "kind": "kind",
    "evidence": "evidence",
    "paragraphs": "paragraphs",
    "summary": "summary",
    "sources": "sources",
    "comparison": "comparison",
    "paragraph": "paragraph_abbreviation",
}


def words(language: str | None) -> dict[str, str]:
    """The words around a synthesis in `language` (English for a language not among the six)."""
    strings = ui(language or "en")
    return {word: strings[key] for word, key in _WORDS.items()}


def citations(synthesis: Synthesis) -> dict[str, int]:
    """A number for each paragraph cited, in the order the table then the summary cite them."""
    numbers: dict[str, int] = {}
    cited = [iri for row in synthesis.rows for iri in row.citations] + [s.paragraph for s in synthesis.summary]
    for iri in cited:
        numbers.setdefault(iri, len(numbers) + 1)
    return numbers


def to_csv(synthesis: Synthesis) -> str:
    """One line per row of the table: its entity, label, kind, score, its evidence (each extract
    followed by the IRI it cites) and every paragraph IRI it cites. When the corpus holds no
    evidence, one line whose evidence column says so."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    if not synthesis.answered:
        writer.writerow(["", "", "", "", synthesis.message or "", ""])
    for row in synthesis.rows:
        evidence = "\n".join(f"{e.extract} <{e.paragraph}>" for e in row.evidence[:SHOWN_EXTRACTS])
        writer.writerow([row.entity, row.label, row.kind_label, f"{row.score:.4f}", evidence, " ".join(row.citations)])
    return out.getvalue()


def to_markdown(synthesis: Synthesis) -> str:
    """The question, the comparison table (each cell citing its paragraphs by number, each number a
    link to the paragraph's IRI), the summary with its citations, and the numbered sources."""
    w = words(synthesis.language)
    lines = [f"# {_inline(synthesis.question)}", ""]
    if not synthesis.answered:
        return "\n".join([*lines, synthesis.message or "", ""])
    numbers = citations(synthesis)

    def cite(iri: str) -> str:
        return f"[[{numbers[iri]}]]({iri})"

    lines += [f"## {w['comparison']}", ""]
    lines += [f"| {w['group']} | {w['kind']} | {w['evidence']} | {w['paragraphs']} |", "|---|---|---|---|"]
    for row in synthesis.rows:
        evidence = "<br>".join(f"{_inline(e.extract)} {cite(e.paragraph)}" for e in row.evidence[:SHOWN_EXTRACTS])
        cited = " ".join(cite(iri) for iri in row.citations)
        lines.append(f"| {_inline(row.label)} | {_inline(row.kind_label)} | {evidence} | {cited} |")
    lines += ["", f"## {w['summary']}", ""]
    lines += [f"- {' '.join(s.text.split())} {cite(s.paragraph)}" for s in synthesis.summary]
    lines += ["", f"## {w['sources']}", ""]
    sources = {e.paragraph: e for row in synthesis.rows for e in row.evidence}
    for iri, number in numbers.items():
        found = sources.get(iri)
        where = f" — {_inline(found.title or found.document)}" if found else ""
        if found and found.number:
            where += f", {w['paragraph']} {found.number}"
        lines.append(f"{number}. <{iri}>{where}")
    return "\n".join([*lines, ""])


def _inline(text: str) -> str:
    """Text safe inside one Markdown table cell or line: no line breaks, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
