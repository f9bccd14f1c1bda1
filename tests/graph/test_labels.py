"""Choosing labels: the reader's languages, then untagged text, the other UN languages, any other;
rdfs:label and skos:prefLabel before dcterms:title before skos:notation before the IRI."""

from __future__ import annotations

from graph.labels import LabelCandidate, LanguageOrder, compact, fallback_label

ALDRIN = [LabelCandidate(text, lang, 0) for lang, text in [("ar", "ألدرين"), ("en", "Aldrin"), ("fr", "Aldrine")]]


def test_the_asked_language_wins_then_the_un_languages_in_order() -> None:
    assert LanguageOrder(["fr"]).best(ALDRIN) == ALDRIN[2]
    assert LanguageOrder(["de", "en"]).best(ALDRIN) == ALDRIN[1]
    assert LanguageOrder(["de"]).best(ALDRIN) == ALDRIN[0]  # ar is the first UN language
    assert LanguageOrder(["fr-CH"]).best(ALDRIN) == ALDRIN[2]
    assert LanguageOrder(["ja"]).best([LabelCandidate("x", "ja", 0), *ALDRIN]).text == "x"


def test_a_label_in_another_language_beats_a_title_or_notation() -> None:
    candidates = [
        LabelCandidate("Article 9", "en", 2),
        LabelCandidate("9", None, 3),
        LabelCandidate("Статья 9", "ru", 0),
    ]
    assert LanguageOrder(["en"]).best(candidates).text == "Статья 9"
    assert LanguageOrder(["en"]).best(candidates[:2]).text == "Article 9"
    assert LanguageOrder(["en"]).best(candidates[1:2]).text == "9"
    assert LanguageOrder(["en"]).best([]) is None


def test_per_language_orders_un_languages_first() -> None:
    labels = LanguageOrder(["fr"]).per_language([LabelCandidate("x", "nl", 0), *ALDRIN, LabelCandidate("y", "fr", 1)])
    assert list(labels) == ["fr", "ar", "en", "nl"]
    assert labels["fr"] == "Aldrine"


def test_fallback_labels() -> None:
    assert compact("http://purl.org/dc/terms/title") == "dcterms:title"
    assert fallback_label("http://purl.org/dc/terms/title") == "dcterms:title"
    assert fallback_label("https://w3id.org/chm-kg/id/centre/basel/ARG") == "ARG"
    assert fallback_label("https://example.org/a%20b") == "a b"
