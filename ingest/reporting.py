"""The obligations to report that a convention's own text places on every Party ("Each Party shall
report to the Conference of the Parties...", "...shall designate a national focal point"): one
InformationRequirement per such paragraph, with the kind of document that fulfils it."""

from __future__ import annotations

import re

from ingest import iri
from ingest.clearing_house import roles
from ingest.facts import CHM, SKOS, Extraction, Vocabulary
from ingest.models import Document, Entity, Paragraph, Text

EXTRACTOR = "treaty-reporting"

#: The subject of a Party's duty, with the relative clause that limits it ("Each Party that has
#: adopted a final regulatory action") and an aside before the verb (", consistent with ...,").
_DUTY = re.compile(
    r"\b(?:Each Party|The Parties|Parties)(?P<condition>\s+that\s+[^,;]+?)?(?:\s*,[^;]+?,)?\s+shall\b(?P<rest>[^;]*)",
)
#: What the duty asks for, by the words after "shall", → the kind of document that fulfils it.
_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\breport to the Conference of the Parties\b|\btransmit\b.*\ba report\b"), "national-report"),
    (
        re.compile(r"\bdesignate\b.*\b(?:focal point|national authorit)|\bnotify the name and address\b"),
        "focal-point-designation",
    ),
    (re.compile(r"\bnotify\b.*\bfinal regulatory action"), "notification-of-final-regulatory-action"),
    (re.compile(r"\btransmit\b.*\bresponses?\b"), "import-response"),
)


def reporting_obligations(vocabulary: Vocabulary, document: Document, out: Extraction) -> None:
    """Each English paragraph of a treaty's article that states a Party's duty to send a document."""
    if not document.is_convention_text or document.convention is None:
        return
    for paragraph in document.paragraphs:
        if paragraph.language != "en" or not paragraph.provision or paragraph.provision[0] != "article":
            continue
        for sentence in re.split(r"(?<=\.)\s+", paragraph.text):
            duty = _DUTY.search(sentence)
            kind = _kind(duty) if duty else None
            if duty and kind:
                _requirement(vocabulary, document, paragraph, sentence, duty, kind, out)
                break


def _kind(duty: re.Match[str]) -> str | None:
    rest = duty["rest"] + " " + (duty["condition"] or "")
    return next((kind for pattern, kind in _KINDS if pattern.search(rest)), None)


def _requirement(
    vocabulary: Vocabulary,
    document: Document,
    paragraph: Paragraph,
    sentence: str,
    duty: re.Match[str],
    kind: str,
    out: Extraction,
) -> None:
    assert document.convention is not None and paragraph.provision is not None
    article = paragraph.provision[1]
    notation = f"{article}.{paragraph.number}" if paragraph.number else article
    node = iri.requirement(document.key, iri.slug(f"article {notation}"))
    pos = paragraph.position
    facts: list[tuple[str, str | Text]] = [
        (CHM + "informationContent", Text(sentence.strip(), "en")),
        (CHM + "forConvention", iri.convention(document.convention)),
        (CHM + "obligationStatus", CHM + "Mandatory"),
        (SKOS + "notation", Text(notation)),
        (CHM + "informationFrom", iri.role("parties")),
        (CHM + "fulfilledByKind", iri.document_kind(kind)),
    ]
    if provision := vocabulary.provisions.get((document.convention, "article", article)):
        facts.append((CHM + "concernsArticle", provision))
    for role_key in [r for r in roles(duty["rest"]) if r != "parties"] or ["secretariat"]:
        facts.append((CHM + "informationTo", iri.role(role_key)))
    if duty["condition"]:
        facts.append((CHM + "senderCondition", Text(duty["condition"].strip(), "en")))
    out.entity(Entity(node, ("InformationRequirement",), {"en": sentence.strip()[:200]}, pos))
    for predicate, obj in facts:
        out.state(node, predicate, obj, pos, EXTRACTOR, 0.8)
