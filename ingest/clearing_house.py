"""The clearing-house plan's annexes: Annex I's table of information requirements (article,
status, from, to, what) and Annex II's information needs of Parties."""

from __future__ import annotations

import re

from ingest import iri
from ingest.facts import CHM, SKOS, Extraction, Vocabulary, numbers
from ingest.models import Document, Entity, Paragraph, Text
from ingest.nlp import DECISION
from ontology import PREFIXES

_STATUS = re.compile(r"^(?P<status>mandatory|optional)\b(?P<art15>.*\(Art\.?\s*15\))?", re.IGNORECASE)
_ROLE_RULES: tuple[tuple[str, str], ...] = (
    (r"\bpart(?:y|ies)\b", "parties"),
    (r"\bsecretariat\b", "secretariat"),
    (r"\bCOP\b|conference of the parties", "conference-of-the-parties"),
    (r"review committee", "persistent-organic-pollutants-review-committee"),
    (r"\bobservers?\b", "observers"),
    (r"\bintergovernmental\b|\bWHO\b", "intergovernmental-organizations"),
    (r"non-governmental", "non-governmental-organizations"),
    (r"\bpublic\b|stakeholders", "public"),
    (r"\bindustry\b", "industry"),
)

#: The kinds of document that fulfil an Annex I row, by the words of its information cell. A row
#: reported under Article 15 (a shaded cell) is fulfilled by the national report as well.
_KIND_RULES: tuple[tuple[str, str], ...] = (
    (r"^national implementation plans?$", "national-implementation-plan"),
    (r"\bfocal point\b", "focal-point-designation"),
    (r"\binventor(?:y|ies)\b", "inventory"),
    (r"\bmonitoring data\b|\bresults of monitoring\b", "monitoring-report"),
    (r"^notification\b", "notification"),
)
#: A sender cell naming every Party ("Parties", "All Parties", "Parties & existing monitoring
#: programmes"); any other cell that starts with Party ("Parties having a specific exemption",
#: "Exporting Party") binds only some Parties and becomes the requirement's sender condition.
_EVERY_PARTY = re.compile(r"^(?:all\s+)?part(?:y|ies)\s*(?:$|[,&]|and\b)", re.IGNORECASE)


def requirements(vocabulary: Vocabulary, document: Document, out: Extraction) -> None:
    """Annex I: one InformationRequirement per table row that has a status."""
    convention = document.convention
    if convention is None:
        return
    row_number = 0
    rows_article: list[str | None] = [None]  # the article of the rows above
    for paragraph in document.paragraphs:
        if paragraph.kind != "table-row" or not _in_annex(paragraph, "Annex I") or len(paragraph.cells) < 5:
            continue
        status = _STATUS.match(paragraph.cells[1])
        if not status:
            continue
        row_number += 1
        _requirement(vocabulary, document, paragraph, row_number, status, convention, out, rows_article)


def _requirement(
    vocabulary: Vocabulary,
    document: Document,
    paragraph: Paragraph,
    row: int,
    status: re.Match[str],
    convention: str,
    out: Extraction,
    rows_article: list[str | None],
) -> None:
    """One row of Annex I; `rows_article` carries the article of the rows above to one without."""
    first, _, sender, receiver, information = paragraph.cells[:5]
    node = iri.requirement(document.key, row)
    pos = paragraph.position
    lines = [line.strip() for line in first.split("\n") if line.strip()]
    reference = lines[0] if lines and re.match(r"^\d", lines[0]) else ""
    topic = " ".join(line for line in lines if line != reference and not DECISION.search(line))
    facts: list[tuple[str, str | Text]] = [
        (CHM + "informationContent", Text(information.replace("\n", " "), "en")),
        (CHM + "forConvention", iri.convention(convention)),
        (CHM + "obligationStatus", CHM + status["status"].capitalize()),
        (PREFIXES["dcterms"] + "description", Text(f"{sender} → {receiver}".replace("\n", " "), "en")),
    ]
    if reference:
        facts.append((SKOS + "notation", Text(reference.replace("\n", " "))))
    if status["art15"] and (article15 := vocabulary.provisions.get((convention, "article", "15"))):
        facts.append((CHM + "reportedThrough", article15))
    annexes = [m["x"] for m in re.finditer(r"Annex\s+(?P<x>[A-G])\b", first)] if first.startswith("Annex") else []
    for letter in annexes:
        if provision := vocabulary.provisions.get((convention, "annex", letter)):
            facts.append((CHM + "concernsAnnex", provision))
    if not annexes:
        number = re.match(r"(\d+)", reference)
        # A row without a reference continues the article of the rows above it.
        article = number.group(1) if number else _article_by_title(vocabulary, convention, topic) or rows_article[0]
        if article and (provision := vocabulary.provisions.get((convention, "article", article))):
            facts.append((CHM + "concernsArticle", provision))
            rows_article[0] = article
    for decision in DECISION.finditer(first):
        facts.append((PREFIXES["dcterms"] + "references", iri.decision(decision["notation"] or decision["older"])))
    senders = roles(sender)
    for role_key in senders or ["not-yet-defined"]:
        facts.append((CHM + "informationFrom", iri.role(role_key)))
    if "parties" in senders and not _EVERY_PARTY.match(sender.strip()):
        facts.append((CHM + "senderCondition", Text(" ".join(sender.split()), "en")))
    for kind in fulfilling_kinds(information, reported_under_article_15=bool(status["art15"])):
        facts.append((CHM + "fulfilledByKind", iri.document_kind(kind)))
    for role_key in roles(receiver) or ["not-yet-defined"]:
        facts.append((CHM + "informationTo", iri.role(role_key)))
    label = information.replace("\n", " ")
    out.entity(Entity(node, ("InformationRequirement",), {"en": label[:200]}, pos))
    for predicate, obj in facts:
        out.state(node, predicate, obj, pos, "annex-table", 0.9)


def fulfilling_kinds(information: str, *, reported_under_article_15: bool) -> list[str]:
    """The kinds of document a Party submits to fulfil a requirement with this information."""
    text = " ".join(information.split())
    kinds = [kind for pattern, kind in _KIND_RULES if re.search(pattern, text, re.IGNORECASE)]
    return [*kinds, "national-report"] if reported_under_article_15 else kinds


def _article_by_title(vocabulary: Vocabulary, convention: str, topic: str) -> str | None:
    """The article whose title holds the topic's words ("Stockpiles & wastes" → 6)."""
    words = set(re.findall(r"[a-z]+", topic.lower())) - {"and", "of", "the"}
    best, score = None, 0.0
    for number, title in vocabulary.article_titles.get(convention, {}).items():
        other = set(re.findall(r"[a-z]+", title.lower())) - {"and", "of", "the"}
        contained = len(words & other) / max(1, len(words))
        if contained > score:
            best, score = number, contained
    return best if score >= 0.75 else None


def needs(vocabulary: Vocabulary, document: Document, out: Extraction) -> None:
    """Annex II: each numbered paragraph under a section of the needs annex is a need."""
    convention = document.convention
    for paragraph in document.paragraphs:
        path = paragraph.heading_path
        if paragraph.kind != "paragraph" or len(path) < 2 or "need" not in path[0].lower():
            continue
        if not path[0].startswith("Annex") or not re.match(r"^[IVX]+\.", path[1]):
            continue
        node = iri.need(document.key, paragraph.key)
        pos = paragraph.position
        first_sentence = re.split(r"(?<=[.;])\s", paragraph.text, maxsplit=1)[0]
        out.entity(Entity(node, ("InformationNeed",), {"en": first_sentence[:200]}, pos))
        out.state(node, SKOS + "definition", Text(paragraph.text, "en"), pos, "annex-needs", 0.9)
        if convention:
            out.state(node, CHM + "forConvention", iri.convention(convention), pos, "annex-needs", 0.9)
            section = re.search(r"\(Articles?\s+([^)]*)\)", path[1])
            for number in numbers(section.group(1) if section else ""):
                if provision := vocabulary.provisions.get((convention, "article", number)):
                    out.state(node, CHM + "concernsArticle", provision, pos, "annex-needs", 0.9)


def _in_annex(paragraph: Paragraph, annex: str) -> bool:
    head = paragraph.heading_path[0] if paragraph.heading_path else ""
    return head == annex or head.startswith(annex + ":")


def roles(cell: str) -> list[str]:
    """The actor roles a table cell or a clause names (Parties, Secretariat, COP...)."""
    text = cell.replace("\n", " ")
    return [key for pattern, key in _ROLE_RULES if re.search(pattern, text, re.IGNORECASE)]
