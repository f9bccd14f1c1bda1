"""Entities and relations from a segmented document: mentions linked to the graph's entities,
citations of documents and decisions, article references resolved through their section; then
the relation rules (`rules`) and the clearing-house annexes (`clearing_house`). Every fact keeps
the paragraph it came from."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc

from ingest import clearing_house, iri, reporting, rules
from ingest.facts import CHM, SKOS, VERSION, Extraction, Vocabulary, numbers
from ingest.models import Document, Entity, Mention, Paragraph, Text
from ingest.nlp import ARTICLE, DECISION, PATTERN_SPANS_KEY, SPANS_KEY, Gazetteer, Pipelines, case_fits
from ontology import PREFIXES

_CONVENTION_NAMES = {
    "basel": "basel",
    "rotterdam": "rotterdam",
    "stockholm": "stockholm",
    "minamata": "minamata",
    "montreal": "montreal",
    "vienna": "vienna",
}
_ORG_WORDS = re.compile(
    r"\b(?:Organi[sz]ation|Programme|Institute|Fund|Network|Agency|Bank|Union|Foundation|Association|Federation)\b"
)


#: Kinds of document a Party submits: their title names the Party when no metadata does.
NATIONAL_KINDS = frozenset(
    {"national-report", "national-implementation-plan", "focal-point-designation", "inventory", "notification"}
)


class Extractor:
    """Turns a segmented document into mentions, entities and statements."""

    def __init__(self, gazetteer: Gazetteer, pipelines: Pipelines, vocabulary: Vocabulary) -> None:
        self.gazetteer = gazetteer
        self.pipelines = pipelines
        self.vocabulary = vocabulary

    def extract(self, document: Document) -> Extraction:
        out = Extraction()
        docs = self._analyse(document)
        by_paragraph: dict[int, list[Mention]] = defaultdict(list)
        for paragraph in document.paragraphs:
            mentions = self._mentions(paragraph, docs[paragraph.position])
            by_paragraph[paragraph.position] = mentions
            out.mentions.extend(mentions)
        if document.convention is None:
            # A title that names a convention says whose text this is; the other conventions a
            # treaty mentions (Minamata's preamble names Basel and Rotterdam) must not outvote it.
            titles = [m for p in document.paragraphs if p.kind == "title" for m in by_paragraph[p.position]]
            document.convention = _main_convention(titles) or _main_convention(out.mentions)
        if document.party is None and document.kind in NATIONAL_KINDS:
            # A national report titled with one country ("Kenya: national report...") is that Party's.
            countries = {
                m.iri
                for p in document.paragraphs
                if p.kind == "title"
                for m in by_paragraph[p.position]
                if m.label == "Country" and m.iri
            }
            if len(countries) == 1 and document.convention:
                document.party = countries.pop().rsplit("/", 1)[-1]
        heading_conventions = _heading_conventions(document, by_paragraph)
        for paragraph in document.paragraphs:
            context = self._context_convention(document, paragraph, heading_conventions)
            self._paragraph_facts(document, paragraph, by_paragraph[paragraph.position], context, out)
            rules.secretariats(self.vocabulary, document, paragraph, context, out)
            rules.centres(
                self.vocabulary, document, paragraph, docs[paragraph.position], by_paragraph[paragraph.position], out
            )
            rules.experts(document, paragraph, docs[paragraph.position], by_paragraph[paragraph.position], out)
        clearing_house.requirements(self.vocabulary, document, out)
        clearing_house.needs(self.vocabulary, document, out)
        reporting.reporting_obligations(self.vocabulary, document, out)
        return out

    # ---- analysis and mentions ---------------------------------------------------------------

    def _analyse(self, document: Document) -> dict[int, Doc]:
        groups: dict[str | None, list[Paragraph]] = defaultdict(list)
        for paragraph in document.paragraphs:
            groups[paragraph.language or document.language].append(paragraph)
        docs: dict[int, Doc] = {}
        for lang, paragraphs in groups.items():
            for paragraph, doc in zip(
                paragraphs, self.pipelines.analyse([p.text for p in paragraphs], lang), strict=True
            ):
                docs[paragraph.position] = doc
        return docs

    def _mentions(self, paragraph: Paragraph, doc: Doc) -> list[Mention]:
        found: list[Mention] = []
        patterns = list(doc.spans.get(PATTERN_SPANS_KEY, []))
        symbols = [(s.start_char, s.end_char) for s in patterns if s.label_ == "DOC_SYMBOL"]
        for span in patterns:
            found.extend(self._pattern_mentions(paragraph, span.label_, span.text, span.start_char, span.end_char))
        candidates = []
        for span in doc.spans.get(SPANS_KEY, []):
            cls, entity = span.label_, span.id_
            if any(s <= span.start_char and span.end_char <= e for s, e in symbols):
                continue  # "UNEP" inside "UNEP/POPS/COP.1/27"
            if case_fits(span.text, self.gazetteer.forms_of.get(entity, ()), cls):
                candidates.append(span)
        kept: list[tuple[int, int]] = []
        for span in sorted(candidates, key=lambda s: (s.start_char - s.end_char, s.start_char)):
            if any(span.start_char < e and s < span.end_char for s, e in kept):
                continue
            kept.append((span.start_char, span.end_char))
            found.append(
                Mention(
                    paragraph.position,
                    span.start_char,
                    span.end_char,
                    span.text,
                    self.gazetteer.classes.get(span.id_, span.label_),
                    span.id_,
                    "gazetteer",
                    0.95,
                )
            )
        for ent in doc.ents:
            if (
                ent.label_ == "ORG"
                and _plausible_organization(ent.text)
                and not any(ent.start_char < e and s < ent.end_char for s, e in kept + symbols)
            ):
                name = re.sub(r"^the\s+", "", ent.text.strip(), flags=re.IGNORECASE)
                found.append(
                    Mention(
                        paragraph.position,
                        ent.start_char,
                        ent.end_char,
                        name,
                        "Organization",
                        iri.organization(name),
                        "ner",
                        0.6,
                    )
                )
        return found

    def _pattern_mentions(self, paragraph: Paragraph, label: str, text: str, start: int, end: int) -> list[Mention]:
        pos = paragraph.position
        if label == "DOC_SYMBOL":
            return [Mention(pos, start, end, text, "Document", iri.cited_document(text), "pattern", 0.99)]
        if label == "DECISION":
            match = DECISION.match(text)
            notation = (match["notation"] or match["older"]) if match else text
            return [Mention(pos, start, end, notation, "Decision", iri.decision(notation), "pattern", 0.97)]
        if label == "CONVENTION_LIST":
            names = re.findall(r"Basel|Rotterdam|Stockholm|Minamata", text)
            return [
                Mention(pos, start, end, n, "Convention", iri.convention(n.lower()), "pattern", 0.95) for n in names
            ]
        if label == "ARTICLE_REF":
            return [Mention(pos, start, end, text, "ARTICLE_REF", None, "pattern", 0.9)]
        return []

    # ---- facts per paragraph ----------------------------------------------------------------

    def _context_convention(self, document: Document, paragraph: Paragraph, headings: dict[str, str]) -> str | None:
        if document.is_convention_text:
            return document.convention
        for label in reversed(paragraph.heading_path):
            if label in headings:
                return headings[label]
        return document.convention

    def _paragraph_facts(
        self, document: Document, paragraph: Paragraph, mentions: list[Mention], context: str | None, out: Extraction
    ) -> None:
        par = iri.paragraph(document.key, paragraph.key)
        doc = iri.document(document.key)
        pos = paragraph.position
        if document.is_convention_text and paragraph.provision and document.convention:
            kind, notation = paragraph.provision
            provision = self.vocabulary.provisions.get((document.convention, kind, notation))
            if provision:
                out.state(par, CHM + "partOfProvision", provision, pos, "structure", 1.0)
        seen: set[tuple[str, str]] = set()
        for mention in mentions:
            if mention.label == "ARTICLE_REF":
                for article in self._articles(mention.text, context):
                    if ("about", article) not in seen:
                        seen.add(("about", article))
                        out.state(par, CHM + "about", article, pos, "article-reference", mention.confidence)
                continue
            if mention.iri is None or ("mentions", mention.iri) in seen:
                continue
            seen.add(("mentions", mention.iri))
            out.state(par, CHM + "mentions", mention.iri, pos, mention.source, mention.confidence)
            if mention.label in ("Chemical", "Country", "Convention", "Protocol"):
                out.state(par, CHM + "about", mention.iri, pos, mention.source, mention.confidence)
            if mention.label in ("Document", "Decision"):
                out.state(par, CHM + "cites", mention.iri, pos, mention.source, mention.confidence)
                out.state(doc, CHM + "cites", mention.iri, pos, mention.source, mention.confidence)
                self._cited(mention, out)
            if mention.source == "ner":
                out.entity(Entity(mention.iri, ("Organization",), {"en": mention.text}, pos))

    def _cited(self, mention: Mention, out: Extraction) -> None:
        """A cited document or decision the vocabularies do not know becomes an entity."""
        assert mention.iri is not None
        if mention.iri in self.vocabulary.english:
            return
        if mention.label == "Document":
            out.entity(
                Entity(
                    mention.iri,
                    ("Document",),
                    {"en": mention.text},
                    mention.paragraph,
                    [
                        (CHM + "documentSymbol", Text(mention.text)),
                        (PREFIXES["dcterms"] + "title", Text(mention.text)),
                    ],
                )
            )
        else:
            out.entity(
                Entity(
                    mention.iri,
                    ("Decision",),
                    {"en": f"Decision {mention.text}"},
                    mention.paragraph,
                    [
                        (SKOS + "notation", Text(mention.text)),
                    ],
                )
            )

    def _articles(self, reference: str, context: str | None) -> list[str]:
        match = ARTICLE.match(reference)
        if not match:
            return []
        written = match["arts"] or match["arts_fres"] or match["arts_ru"] or match["arts_zh"] or match["arts_ar"] or ""
        convention = context
        if match["conv"] and (word := match["conv"].split()[0].lower()) in _CONVENTION_NAMES:
            convention = _CONVENTION_NAMES[word]
        if convention is None:
            return []
        found = []
        for number in numbers(written):
            provision = self.vocabulary.provisions.get((convention, "article", number))
            if provision:
                found.append(provision)
        return found


def _plausible_organization(name: str) -> bool:
    """A named organization, not a fragment: an organization word, two capitalised words, and no
    dangling function word at the end ("Information Exchange Network on")."""
    words = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).split()
    capitals = sum(1 for w in words if w[:1].isupper())
    return (
        bool(_ORG_WORDS.search(name))
        and capitals >= 2
        and words[-1].lower() not in {"on", "of", "for", "and", "the", "in"}
    )


def _main_convention(mentions: list[Mention]) -> str | None:
    counts = Counter(m.iri for m in mentions if m.label in ("Convention", "Protocol") and m.iri)
    if not counts:
        return None
    return counts.most_common(1)[0][0].rsplit("/", 1)[-1]


def _heading_conventions(document: Document, mentions: dict[int, list[Mention]]) -> dict[str, str]:
    """Headings that name a convention ("D. Stockholm Convention") → that convention's key."""
    found: dict[str, str] = {}
    for paragraph in document.paragraphs:
        if paragraph.kind != "heading":
            continue
        named = [m.iri for m in mentions[paragraph.position] if m.label in ("Convention", "Protocol") and m.iri]
        if named:
            found[paragraph.text] = named[0].rsplit("/", 1)[-1]
    return found


__all__ = ["VERSION", "Extraction", "Extractor", "Vocabulary"]
