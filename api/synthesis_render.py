"""A synthesis (search/synthesis.py) rendered for a reader: CSV (the comparison table) and Markdown
(table, summary and sources), with the words around it in the question's language. JSON is the
data itself; the HTML page (templates/synthesis.html) uses `citations` and `words` from here."""

from __future__ import annotations

import csv
import io

from ontology import UN_LANGUAGES
from search.synthesis import Synthesis

#: Extracts shown in a row's evidence cell (the row cites all its paragraphs).
SHOWN_EXTRACTS = 3
CSV_COLUMNS = ("entity", "label", "kind", "score", "evidence", "paragraphs")

_WORDS: dict[str, dict[str, str]] = {
    "group": {"ar": "الجهة", "en": "Group", "es": "Grupo", "fr": "Groupe", "ru": "Группа", "zh": "类别"},
    "kind": {"ar": "النوع", "en": "Kind", "es": "Tipo", "fr": "Type", "ru": "Тип", "zh": "种类"},
    "evidence": {"ar": "الأدلة", "en": "Evidence", "es": "Pruebas", "fr": "Éléments", "ru": "Сведения", "zh": "依据"},
    "paragraphs": {
        "ar": "الفقرات",
        "en": "Paragraphs",
        "es": "Párrafos",
        "fr": "Paragraphes",
        "ru": "Абзацы",
        "zh": "段落",
    },
    "summary": {"ar": "الخلاصة", "en": "Summary", "es": "Resumen", "fr": "Résumé", "ru": "Резюме", "zh": "摘要"},
    "sources": {"ar": "المصادر", "en": "Sources", "es": "Fuentes", "fr": "Sources", "ru": "Источники", "zh": "来源"},
    "comparison": {
        "ar": "المقارنة",
        "en": "Comparison",
        "es": "Comparación",
        "fr": "Comparaison",
        "ru": "Сравнение",
        "zh": "比较",
    },
    "paragraph": {"ar": "الفقرة", "en": "para.", "es": "párr.", "fr": "par.", "ru": "п.", "zh": "段"},
}


def words(language: str | None) -> dict[str, str]:
    """The words around a synthesis in `language` (English for a language not among the six)."""
    chosen = language if language in UN_LANGUAGES else "en"
    return {key: texts[chosen] for key, texts in _WORDS.items()}


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
