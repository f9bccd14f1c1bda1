"""Content negotiation without a web framework: languages, HTML or RDF, q-values."""

from __future__ import annotations

import pytest

from api.negotiation import page_language, parse_accept, preferred_languages, rdf_media_type, wants_html

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, []),
        ("", []),
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", ["fr", "en", "de"]),
        ("en;q=0.2, ar", ["ar", "en"]),
        ("zh-Hans-CN,ru;q=0.9", ["zh", "ru"]),
        ("es;q=0, fr", ["fr"]),
        ("de, es;q=0.5, es-MX", ["de", "es"]),
        ("en;q=abc, fr", ["fr"]),
        ("EN-gb", ["en"]),
    ],
)
def test_preferred_languages(header: str | None, expected: list[str]) -> None:
    assert preferred_languages(header) == expected


def test_page_language_is_the_first_un_language_else_english() -> None:
    assert page_language(["de", "ru", "fr"]) == "ru"
    assert page_language(["de", "it"]) == "en"
    assert page_language([]) == "en"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("application/xhtml+xml", True),
        ("text/turtle", False),
        ("text/turtle, text/html;q=0.5", False),
        ("text/html;q=0.9, application/ld+json", False),
        ("*/*", False),
        (None, False),
        ("", False),
        ("text/html;q=0", False),
    ],
)
def test_wants_html(accept: str | None, html: bool) -> None:
    assert wants_html(accept) is html


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "text/turtle"),
        ("", "text/turtle"),
        ("*/*", "text/turtle"),
        (BROWSER, "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/n-triples, text/turtle;q=0.5", "application/n-triples"),
        ("text/turtle;q=0.5, application/rdf+xml;q=0.8", "application/rdf+xml"),
        ("text/turtle;q=0, */*", "application/ld+json"),
        ("text/*", "text/turtle"),
        ("application/*;q=0.9, text/turtle;q=0.1", "application/ld+json"),
        ("image/png", None),
        ("text/html", None),
        ("text/turtle;q=0", None),
    ],
)
def test_rdf_media_type(accept: str | None, media_type: str | None) -> None:
    assert rdf_media_type(accept) == media_type


def test_the_most_specific_range_sets_the_q_value() -> None:
    ranges = parse_accept("text/*;q=0.3, text/turtle;q=0.9, */*;q=0.1")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "*", 0.3), ("text", "turtle", 0.9), ("*", "*", 0.1)]
    assert rdf_media_type("text/*;q=0.3, text/turtle;q=0.1, application/rdf+xml;q=0.2") == "application/rdf+xml"
