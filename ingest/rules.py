"""Relation rules over a paragraph: regional centres and where they are, experts and their
fields, and which secretariat "the Secretariat" is."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from ingest import iri
from ingest.facts import CHM, Extraction, Vocabulary
from ingest.models import Document, Entity, Mention, Paragraph, Text
from ontology import PREFIXES

_CENTRE = re.compile(r"\bcent(?:re|er)s?\b", re.IGNORECASE)
_CENTRE_IN = re.compile(r"\bcent(?:re|er)s?\b(?:\s+[\w-]+){0,6}?\s+in\s+(?:the\s+)?$", re.IGNORECASE)
_REGIONAL = re.compile(r"\b(?:regional|subregional|sub-regional|coordinating)\b", re.IGNORECASE)
_ESTABLISHED = re.compile(r"\b(?:established|endors\w+|hosted|located|designated|set up|operat\w+)\b", re.IGNORECASE)
_SECRETARIATS_OF = re.compile(
    r"\b[Ss]ecretariats?\s+of\s+the\s+(?:(?:Basel|Rotterdam|Stockholm|Minamata)(?:\s*,\s*|\s+and\s+)?)+\s*[Cc]onventions?"
)
_THE_SECRETARIAT = re.compile(r"\bthe Secretariat\b|^Secretariat\b")
_EXPERTISE = re.compile(
    r"^\s*,?\s*(?:who is\s+)?(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:expert|specialist|consultant|adviser|advisor|scientist)s?\s+(?:in|on|of)\s+(?P<field>[^,.;()]{3,100})",
    re.IGNORECASE,
)


def secretariats(
    vocabulary: Vocabulary, document: Document, paragraph: Paragraph, context: str | None, out: Extraction
) -> None:
    """ "The Secretariat" is the secretariat of the convention the paragraph is about; "the
    secretariats of the Rotterdam and Stockholm conventions" names theirs."""
    named: set[str] = set()
    for match in _SECRETARIATS_OF.finditer(paragraph.text):
        named |= {n.lower() for n in re.findall(r"Basel|Rotterdam|Stockholm|Minamata", match.group(0))}
    if context and _THE_SECRETARIAT.search(paragraph.text):
        named.add(context)
    par = iri.paragraph(document.key, paragraph.key)
    for secretariat in sorted({vocabulary.secretariats[k] for k in named if k in vocabulary.secretariats}):
        out.state(par, CHM + "mentions", secretariat, paragraph.position, "secretariat-rule", 0.8)


def centres(
    vocabulary: Vocabulary, document: Document, paragraph: Paragraph, doc: Doc, mentions: list[Mention], out: Extraction
) -> None:
    if not _CENTRE.search(paragraph.text) or not _REGIONAL.search(paragraph.text):
        return
    for sent in doc.sents:
        text = sent.text
        cue = _CENTRE.search(text)
        if not cue or not _REGIONAL.search(text):
            continue
        inside = [m for m in mentions if sent.start_char <= m.start < sent.end_char]
        conventions = [m for m in inside if m.label in ("Convention", "Protocol") and m.iri]
        countries = [m for m in inside if m.label == "Country" and m.start - sent.start_char > cue.start()]
        if not conventions or not countries:
            continue
        # "established/endorsed/hosted ... in X", or plainly "the ... centre in X".
        before_country = text[: countries[0].start - sent.start_char]
        if not _ESTABLISHED.search(text) and not _CENTRE_IN.search(before_country):
            continue
        centre_at = sent.start_char + cue.start()
        convention = min(conventions, key=lambda m: abs(m.start - centre_at)).iri
        assert convention is not None
        key = convention.rsplit("/", 1)[-1]
        decisions = (
            [m.iri for m in inside if m.label == "Decision" and m.iri] if re.search(r"endors", text, re.I) else []
        )
        for country in countries:
            assert country.iri is not None
            alpha3 = country.iri.rsplit("/", 1)[-1]
            centre = iri.centre(key, alpha3)
            labels = centre_labels(vocabulary, convention, country.iri, key, alpha3)
            out.entity(Entity(centre, ("RegionalCentre",), labels, paragraph.position))
            pos = paragraph.position
            out.state(centre, CHM + "establishedUnder", convention, pos, "centre-rule", 0.85)
            out.state(centre, CHM + "locatedIn", country.iri, pos, "centre-rule", 0.85)
            for decision in decisions:
                out.state(centre, CHM + "endorsedBy", decision, pos, "centre-rule", 0.85)
            out.state(iri.paragraph(document.key, paragraph.key), CHM + "mentions", centre, pos, "centre-rule", 0.85)


def experts(document: Document, paragraph: Paragraph, doc: Doc, mentions: list[Mention], out: Extraction) -> None:
    """A person the trained pipeline recognises, named with a field of expertise ("Dr. Ana
    Ruiz, an expert in polychlorinated biphenyls")."""
    people = [ent for ent in doc.ents if ent.label_ in ("PERSON", "PER")]
    if not people:
        return
    for person in people:
        after = paragraph.text[person.end_char : person.end_char + 160]
        field = _EXPERTISE.match(after)
        if not field:
            continue
        name = re.sub(r"^(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+", "", person.text.strip())
        if len(name.split()) < 2:
            continue
        node = iri.expert(name)
        start = person.end_char + field.start("field")
        end = person.end_char + field.end("field")
        pos = paragraph.position
        out.entity(Entity(node, ("Expert",), {"en": name}, pos))
        out.state(
            node,
            PREFIXES["schema"] + "knowsAbout",
            Text(field["field"].strip(), document.language),
            pos,
            "expert-rule",
            0.7,
        )
        for mention in mentions:
            if mention.iri and start <= mention.start < end and mention.label != "ARTICLE_REF":
                out.state(node, CHM + "expertIn", mention.iri, pos, "expert-rule", 0.7)
        out.state(iri.paragraph(document.key, paragraph.key), CHM + "mentions", node, pos, "expert-rule", 0.7)


#: How a regional centre is named in each UN language, from its convention's and country's names.
CENTRE_NAMES = {
    "ar": "مركز إقليمي – {convention} ({country})",
    "en": "{convention} regional centre in {country}",
    "es": "Centro regional – {convention} ({country})",
    "fr": "Centre régional – {convention} ({country})",
    "ru": "Региональный центр – {convention} ({country})",
    "zh": "区域中心 – {convention}（{country}）",
}


def centre_labels(vocabulary: Vocabulary, convention: str, country: str, key: str, alpha3: str) -> dict[str, str]:
    """The centre's name in every UN language both its convention and its country are named in."""
    conventions, countries = vocabulary.names.get(convention, {}), vocabulary.names.get(country, {})
    labels = {
        lang: template.format(convention=conventions[lang], country=countries[lang])
        for lang, template in CENTRE_NAMES.items()
        if lang in conventions and lang in countries
    }
    labels.setdefault("en", CENTRE_NAMES["en"].format(convention=f"{key.title()} Convention", country=alpha3))
    return labels
