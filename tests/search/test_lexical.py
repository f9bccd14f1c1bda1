"""The lexical index on real tokenisers (jieba, Snowball): what a query in each UN language finds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.lexical import LexicalIndex
from search.tokenise import tokens

PARAGRAPHS: list[tuple[int, str, str | None]] = [
    (10, "《巴塞尔公约》缔约方大会第十四次会议通过了关于塑料废物的修正案。", "zh"),
    (11, "各国应当加强对汞的环境无害化管理，并在2030年前淘汰PCB。", "zh"),
    (20, "يَدْعُو مؤتمرُ الأطرافِ فِي الاتِّفَاقِيَّةِ إلى تعزيز التعاون الإقليمي.", "ar"),
    (21, "تقرير عن الموارد المالية والمساعدة التقنية للبلدان النامية.", "ar"),
    (30, "Parties shall prohibit the production of persistent organic pollutants listed in Annex A.", "en"),
    (31, "The secretariat prepared a report on technical assistance and financial resources.", "en"),
    (32, "Polychlorinated biphenyls (CAS No. 1336-36-3) are to be eliminated by 2028.", "en"),
    (40, "La Conférence des Parties encourage les Parties à éliminer les déchets dangereux.", "fr"),
    (50, "Las Partes adoptarán medidas para reducir las liberaciones de mercurio.", "es"),
    (60, "Конференция Сторон Конвенции рассмотрела доклад секретариата.", "ru"),
    (61, "Доклад о финансовых ресурсах и технической помощи.", "ru"),
    (70, "De Conferentie van de Partijen heeft de verdragen besproken.", "nl"),
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    ids, texts, languages = zip(*PARAGRAPHS, strict=True)
    return LexicalIndex.build(ids, texts, languages)


def found(index: LexicalIndex, query: str, language: str | None, k: int = 10) -> list[int]:
    return [paragraph for paragraph, _ in index.search(query, language, k)]


def test_a_chinese_word_is_found_inside_a_sentence(index: LexicalIndex) -> None:
    assert found(index, "巴塞尔公约", "zh") == [10]
    assert found(index, "汞", "zh") == [11]


def test_latin_words_and_numbers_in_chinese_text_are_kept(index: LexicalIndex) -> None:
    assert {"pcb", "2030"} <= set(tokens("在2030年前淘汰PCB。", "zh"))
    assert found(index, "PCB", "zh") == [11]


def test_arabic_diacritics_alef_forms_and_the_conjunction_do_not_matter(index: LexicalIndex) -> None:
    assert tokens("والاتفاقية", "ar") == tokens("اتفاقية", "ar") == tokens("الاتِّفَاقِيَّةِ", "ar")
    assert tokens("أطراف", "ar") == tokens("الاطراف", "ar")
    assert found(index, "والاتفاقية", "ar") == [20]
    assert found(index, "اتفاقية", "ar") == [20]
    assert found(index, "أطراف", "ar")[0] == 20


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("pollutant", "en", 30),
        ("prohibiting pollution production", "en", 30),
        ("éliminé déchet dangereuse", "fr", 40),
        ("liberación mercurios", "es", 50),
        ("конвенция", "ru", 60),
        ("partij", "nl", 70),
    ],
)
def test_inflections_match_through_stemming(index: LexicalIndex, query: str, language: str, expected: int) -> None:
    assert found(index, query, language)[:1] == [expected]


def test_a_query_without_language_is_analysed_by_its_script(index: LexicalIndex) -> None:
    assert found(index, "Конвенции", None) == [60]
    assert found(index, "巴塞尔公约", None) == [10]
    assert found(index, "الاتفاقية", None) == [20]


def test_a_cas_number_is_one_term(index: LexicalIndex) -> None:
    assert "1336-36-3" in tokens("CAS No. 1336-36-3.", "en")
    assert tokens("UNEP/POPS/COP.1/27 at 1.25 mg", "en")[0] == "unep/pops/cop.1/27"
    assert "1.25" in tokens("UNEP/POPS/COP.1/27 at 1.25 mg", "en")
    assert found(index, "1336-36-3", None) == [32]
    assert found(index, "1336", None) == []


def test_allowed_restricts_before_the_top_k(index: LexicalIndex) -> None:
    # 60 has both terms, 61 only "доклад": with 60 excluded, k=1 must still give 61.
    assert found(index, "секретариат доклад", "ru", k=1) == [60]
    restricted = index.search("секретариат доклад", "ru", 1, allowed=np.array([21, 61, 99], dtype=np.int64))
    assert [paragraph for paragraph, _ in restricted] == [61]
    assert restricted[0][1] > 0
    assert index.search("секретариат доклад", "ru", 5, allowed=np.array([21, 30], dtype=np.int64)) == []
    assert index.search("секретариат доклад", "ru", 5, allowed=np.array([], dtype=np.int64)) == []


def test_results_are_best_first_positive_and_at_most_k(index: LexicalIndex) -> None:
    hits = index.search("Parties Conférence Конференция", None, 100)
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)
    assert len(index.search("parties", "en", 1)) == 1


def test_queries_without_known_terms_find_nothing(index: LexicalIndex) -> None:
    assert index.search("", "en", 10) == []
    assert index.search("the of and", "en", 10) == []  # stop words only
    assert index.search("zzzyzx", "en", 10) == []
    assert index.search("parties", "en", 0) == []


def test_save_and_load_give_the_same_results(index: LexicalIndex, tmp_path: Path) -> None:
    index.save(tmp_path)
    assert all(path.name.startswith("lexical") for path in tmp_path.iterdir())
    loaded = LexicalIndex.load(tmp_path)
    assert len(loaded) == len(index) == len(PARAGRAPHS)
    for query, language in [("巴塞尔公约", "zh"), ("اتفاقية", "ar"), ("parties", None), ("1336-36-3", "en")]:
        assert loaded.search(query, language, 5) == index.search(query, language, 5)
    allowed = np.array([40, 70], dtype=np.int64)
    assert loaded.search("parties", "fr", 5, allowed) == index.search("parties", "fr", 5, allowed)


def test_an_empty_index_finds_nothing_and_round_trips(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], [], [])
    assert len(empty) == 0
    assert empty.search("parties", "en", 10) == []
    index = LexicalIndex.build([1], ["Parties"], ["en"])
    index.save(tmp_path)
    empty.save(tmp_path)  # replaces the saved one: no stale matrix survives
    assert LexicalIndex.load(tmp_path).search("parties", "en", 10) == []


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="lengths differ"):
        LexicalIndex.build([1, 2], ["a"], ["en"])
    with pytest.raises(ValueError, match="repeat"):
        LexicalIndex.build([1, 1], ["a", "b"], ["en", "en"])
    with pytest.raises(FileNotFoundError):
        LexicalIndex.load(tmp_path)
