"""Entities and relations from a segmented document: mentions linked to the graph's entities,
citations of documents and decisions, article references, regional centres, and the
clearing-house plan's Annex I requirements and Annex II needs. Every fact keeps its paragraph.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from graph import queries
from graph.store import GraphStore, term_text
from ingest import iri
from ingest.models import Document, Entity, Mention, Paragraph, Statement, Text
from ingest.nlp import ARTICLE, DECISION, PATTERN_SPANS_KEY, SPANS_KEY, Gazetteer, Pipelines, case_fits
from ontology import CHM_NS, PREFIXES

VERSION = "0.1.0"
CHM = CHM_NS
SKOS = PREFIXES["skos"]
RDFS = PREFIXES["rdfs"]

_CONVENTION_NAMES = {
    "basel": "basel",
    "rotterdam": "rotterdam",
    "stockholm": "stockholm",
    "minamata": "minamata",
    "montreal": "montreal",
    "vienna": "vienna",
}
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
_STATUS = re.compile(r"^(?P<status>mandatory|optional)\b(?P<art15>.*\(Art\.?\s*15\))?", re.IGNORECASE)
_ORG_WORDS = re.compile(
    r"\b(?:Organi[sz]ation|Programme|Institute|Fund|Network|Agency|Bank|Union|Foundation|Association|Federation)\b"
)
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


@dataclass
class Extraction:
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    statements: list[Statement] = field(default_factory=list)

    def state(self, subject: str, predicate: str, obj: str | Text, paragraph: int, extractor: str, conf: float) -> None:
        self.statements.append(Statement(subject, predicate, obj, paragraph, extractor, conf))

    def entity(self, entity: Entity) -> Entity:
        return self.entities.setdefault(entity.iri, entity)


@dataclass(frozen=True)
class Vocabulary:
    """What the extractor needs to know of the graph beyond labels."""

    provisions: dict[tuple[str, str, str], str]  # (convention key, "article"|"annex", notation) → IRI
    article_titles: dict[str, dict[str, str]]  # convention key → article number → English title
    english: dict[str, str]  # IRI → English label
    secretariats: dict[str, str]  # convention key → its secretariat's IRI

    @classmethod
    def from_store(cls, store: GraphStore) -> Vocabulary:
        provisions: dict[tuple[str, str, str], str] = {}
        titles: dict[str, dict[str, str]] = defaultdict(dict)
        for row in store.select(queries.load("convention_provisions")):
            key = term_text(row["convention"]).rsplit("/", 1)[-1]
            kind = "article" if term_text(row["kind"]).endswith("Article") else "annex"
            notation = term_text(row["notation"]).replace(" ", "")
            provisions[(key, kind, notation)] = term_text(row["provision"])
            if kind == "article" and "title" in row:
                titles[key][notation] = term_text(row["title"])
        english = {term_text(r["entity"]): term_text(r["label"]) for r in store.select(queries.load("english_labels"))}
        secretariats = {
            term_text(r["convention"]).rsplit("/", 1)[-1]: term_text(r["secretariat"])
            for r in store.select(queries.load("secretariats"))
        }
        return cls(provisions, dict(titles), english, secretariats)


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
            document.convention = _main_convention(out.mentions)
        heading_conventions = _heading_conventions(document, by_paragraph)
        for paragraph in document.paragraphs:
            context = self._context_convention(document, paragraph, heading_conventions)
            self._paragraph_facts(document, paragraph, by_paragraph[paragraph.position], context, out)
            self._secretariats(document, paragraph, context, out)
            self._centres(document, paragraph, docs[paragraph.position], by_paragraph[paragraph.position], out)
            self._experts(document, paragraph, docs[paragraph.position], by_paragraph[paragraph.position], out)
        self._requirements(document, out)
        self._needs(document, out)
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
        numbers = match["arts"] or match["arts_fres"] or match["arts_ru"] or match["arts_zh"] or match["arts_ar"] or ""
        convention = context
        if match["conv"] and (word := match["conv"].split()[0].lower()) in _CONVENTION_NAMES:
            convention = _CONVENTION_NAMES[word]
        if convention is None:
            return []
        found = []
        for number in _numbers(numbers):
            provision = self.vocabulary.provisions.get((convention, "article", number))
            if provision:
                found.append(provision)
        return found

    def _secretariats(self, document: Document, paragraph: Paragraph, context: str | None, out: Extraction) -> None:
        """ "The Secretariat" is the secretariat of the convention the paragraph is about; "the
        secretariats of the Rotterdam and Stockholm conventions" names theirs."""
        named: set[str] = set()
        for match in _SECRETARIATS_OF.finditer(paragraph.text):
            named |= {n.lower() for n in re.findall(r"Basel|Rotterdam|Stockholm|Minamata", match.group(0))}
        if context and _THE_SECRETARIAT.search(paragraph.text):
            named.add(context)
        par = iri.paragraph(document.key, paragraph.key)
        for secretariat in sorted(
            {self.vocabulary.secretariats[k] for k in named if k in self.vocabulary.secretariats}
        ):
            out.state(par, CHM + "mentions", secretariat, paragraph.position, "secretariat-rule", 0.8)

    # ---- regional centres -------------------------------------------------------------------

    def _centres(
        self, document: Document, paragraph: Paragraph, doc: Doc, mentions: list[Mention], out: Extraction
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
                name = (
                    f"{self.vocabulary.english.get(convention, key.title())} regional centre in "
                    f"{self.vocabulary.english.get(country.iri, alpha3)}"
                )
                out.entity(Entity(centre, ("RegionalCentre",), {"en": name}, paragraph.position))
                pos = paragraph.position
                out.state(centre, CHM + "establishedUnder", convention, pos, "centre-rule", 0.85)
                out.state(centre, CHM + "locatedIn", country.iri, pos, "centre-rule", 0.85)
                for decision in decisions:
                    out.state(centre, CHM + "endorsedBy", decision, pos, "centre-rule", 0.85)
                out.state(
                    iri.paragraph(document.key, paragraph.key), CHM + "mentions", centre, pos, "centre-rule", 0.85
                )

    # ---- experts -----------------------------------------------------------------------------

    def _experts(
        self, document: Document, paragraph: Paragraph, doc: Doc, mentions: list[Mention], out: Extraction
    ) -> None:
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

    # ---- the clearing-house plan's annexes --------------------------------------------------

    def _requirements(self, document: Document, out: Extraction) -> None:
        """Annex I: one InformationRequirement per table row that has a status."""
        convention = document.convention
        if convention is None:
            return
        row_number = 0
        self._last_article: str | None = None
        for paragraph in document.paragraphs:
            if paragraph.kind != "table-row" or not _in_annex(paragraph, "Annex I") or len(paragraph.cells) < 5:
                continue
            status = _STATUS.match(paragraph.cells[1])
            if not status:
                continue
            row_number += 1
            self._requirement(document, paragraph, row_number, status, convention, out)

    def _requirement(
        self,
        document: Document,
        paragraph: Paragraph,
        row: int,
        status: re.Match[str],
        convention: str,
        out: Extraction,
    ) -> None:
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
        if status["art15"] and (article15 := self.vocabulary.provisions.get((convention, "article", "15"))):
            facts.append((CHM + "reportedThrough", article15))
        annexes = [m["x"] for m in re.finditer(r"Annex\s+(?P<x>[A-G])\b", first)] if first.startswith("Annex") else []
        for letter in annexes:
            if provision := self.vocabulary.provisions.get((convention, "annex", letter)):
                facts.append((CHM + "concernsAnnex", provision))
        if not annexes:
            number = re.match(r"(\d+)", reference)
            # A row without a reference continues the article of the rows above it.
            article = number.group(1) if number else self._article_by_title(convention, topic) or self._last_article
            if article and (provision := self.vocabulary.provisions.get((convention, "article", article))):
                facts.append((CHM + "concernsArticle", provision))
                self._last_article = article
        for decision in DECISION.finditer(first):
            facts.append((PREFIXES["dcterms"] + "references", iri.decision(decision["notation"] or decision["older"])))
        for role_key in _roles(sender) or ["not-yet-defined"]:
            facts.append((CHM + "informationFrom", iri.role(role_key)))
        for role_key in _roles(receiver) or ["not-yet-defined"]:
            facts.append((CHM + "informationTo", iri.role(role_key)))
        label = information.replace("\n", " ")
        out.entity(Entity(node, ("InformationRequirement",), {"en": label[:200]}, pos))
        for predicate, obj in facts:
            out.state(node, predicate, obj, pos, "annex-table", 0.9)

    def _article_by_title(self, convention: str, topic: str) -> str | None:
        """The article whose title holds the topic's words ("Stockpiles & wastes" → 6)."""
        words = set(re.findall(r"[a-z]+", topic.lower())) - {"and", "of", "the"}
        best, score = None, 0.0
        for number, title in self.vocabulary.article_titles.get(convention, {}).items():
            other = set(re.findall(r"[a-z]+", title.lower())) - {"and", "of", "the"}
            contained = len(words & other) / max(1, len(words))
            if contained > score:
                best, score = number, contained
        return best if score >= 0.75 else None

    def _needs(self, document: Document, out: Extraction) -> None:
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
                for number in _numbers(section.group(1) if section else ""):
                    if provision := self.vocabulary.provisions.get((convention, "article", number)):
                        out.state(node, CHM + "concernsArticle", provision, pos, "annex-needs", 0.9)


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


def _in_annex(paragraph: Paragraph, annex: str) -> bool:
    head = paragraph.heading_path[0] if paragraph.heading_path else ""
    return head == annex or head.startswith(annex + ":")


def _roles(cell: str) -> list[str]:
    text = cell.replace("\n", " ")
    return [key for pattern, key in _ROLE_RULES if re.search(pattern, text, re.IGNORECASE)]


def _numbers(text: str) -> list[str]:
    """Article numbers in "3 and 4", "3–6", "9, 10": ranges expanded."""
    found: list[str] = []
    for match in re.finditer(r"(\d+[A-J]?)(?:\s*[-–]\s*(\d+))?", text):
        first, last = match.group(1), match.group(2)
        if last and first.isdigit() and int(last) > int(first) and int(last) - int(first) < 30:
            found.extend(str(n) for n in range(int(first), int(last) + 1))
        else:
            found.append(first)
    return found


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
