"""Language identification with the real lingua detector."""

from __future__ import annotations

import pytest

from ingest.language import (
    DETECTED_LANGUAGES,
    UN_LANGUAGES,
    detect_document_language,
    detect_language,
    language_shares,
)

SENTENCES = {
    "ar": "اعتمد مؤتمر الأطراف في اتفاقية بازل مبادئ توجيهية تقنية بشأن الإدارة السليمة بيئياً للنفايات الخطرة.",
    "en": "The Conference of the Parties to the Stockholm Convention adopted a decision on the elimination of "
    "polychlorinated biphenyls.",
    "es": "La Conferencia de las Partes en el Convenio de Basilea aprobó directrices técnicas sobre el manejo "
    "ambientalmente racional de los desechos peligrosos.",
    "fr": "La Conférence des Parties à la Convention de Rotterdam a adopté une décision sur l’échange d’informations "
    "concernant les pesticides extrêmement dangereux.",
    "ru": "Конференция Сторон Стокгольмской конвенции приняла решение о ликвидации стойких органических загрязнителей "
    "и об оказании технической помощи.",
    "zh": "斯德哥尔摩公约缔约方大会通过了关于消除持久性有机污染物和提供技术援助的决定。",
}


def test_the_un_languages_come_from_the_ontology() -> None:
    assert UN_LANGUAGES == ("ar", "en", "es", "fr", "ru", "zh")
    assert set(UN_LANGUAGES) < set(DETECTED_LANGUAGES)


@pytest.mark.parametrize("code", UN_LANGUAGES)
def test_each_un_language(code: str) -> None:
    assert detect_language(SENTENCES[code]) == code


def test_dutch_is_not_forced_into_a_un_language() -> None:
    sentence = "De Conferentie van de Partijen bij het Verdrag van Bazel heeft technische richtlijnen aangenomen."
    assert detect_language(sentence) == "nl"


def test_japanese_is_told_from_chinese_by_its_kana() -> None:
    assert detect_language("ストックホルム条約の締約国会議は残留性有機汚染物質に関する決定を採択した。") == "ja"


@pytest.mark.parametrize("text", ["Basel Convention", "", "   ", "UNEP/POPS/COP.1/27", "12. (a)", "斯德哥尔摩公约"])
def test_too_short_to_tell(text: str) -> None:
    assert detect_language(text) is None


def test_a_symbol_inside_chinese_text_does_not_change_it() -> None:
    assert detect_language(SENTENCES["zh"] + " UNEP/POPS/COP.1/27 (Stockholm Convention)") == "zh"


def test_document_language_is_the_majority_by_weight() -> None:
    votes = [("en", 300), ("nl", 200), (None, 900), ("nl", 200), ("fr", 0)]
    assert detect_document_language(votes) == "nl"
    assert language_shares(votes) == {"nl": 400 / 700, "en": 300 / 700}


def test_document_language_of_nothing() -> None:
    assert detect_document_language([]) is None
    assert detect_document_language([(None, 10)]) is None


def test_ties_go_to_the_first_language() -> None:
    assert detect_document_language([("fr", 5), ("en", 5)]) == "fr"
