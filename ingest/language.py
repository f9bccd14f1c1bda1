"""Language of a paragraph (lingua, behind a fast path on the script) and of a whole document.

The detector knows the six UN languages and the other languages these documents are likely to
hold (the convention files are English then Dutch; national reports may quote German, Polish...),
so a paragraph in one of those is not forced into a UN language. It is built once, on first use.
Text that is mostly Han, kana, Hangul or Arabic script is decided by its script alone.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

from ontology import UN_LANGUAGES

__all__ = ["DETECTED_LANGUAGES", "UN_LANGUAGES", "detect_document_language", "detect_language", "language_shares"]

#: The languages lingua chooses from: the UN six and those likely beside them in these documents.
_LINGUA_LANGUAGES = (
    *(Language.ARABIC, Language.CHINESE, Language.ENGLISH, Language.FRENCH, Language.RUSSIAN, Language.SPANISH),
    *(Language.DUTCH, Language.GERMAN, Language.INDONESIAN, Language.ITALIAN, Language.JAPANESE, Language.KOREAN),
    *(Language.POLISH, Language.PORTUGUESE, Language.TURKISH, Language.UKRAINIAN),
)
#: ISO 639-1 codes of every language `detect_language` can return.
DETECTED_LANGUAGES = tuple(sorted(language.iso_code_639_1.name.lower() for language in _LINGUA_LANGUAGES))
#: Lingua answers None when its two best languages are closer than this (0 to 1).
MIN_RELATIVE_DISTANCE = 0.1
MIN_WORDS = 3  # words of two or more letters, for alphabetic scripts
MIN_CJK_CHARACTERS = 15
MAX_CHARACTERS = 2000  # the start of a long paragraph is enough, and lingua's time grows with length

_WORD = re.compile(r"[^\W\d_]{2,}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@functools.cache
def _detector() -> LanguageDetector:
    """The lingua detector, built on first use (its models load lazily as languages are met)."""
    builder = LanguageDetectorBuilder.from_languages(*_LINGUA_LANGUAGES)
    return builder.with_minimum_relative_distance(MIN_RELATIVE_DISTANCE).build()


def detect_language(text: str) -> str | None:
    """Return the ISO 639-1 code of the language of `text`, or None when it cannot be told.

    None for text too short to tell (fewer than three words, or fewer than fifteen characters of
    Chinese, Japanese or Korean) and for text on which lingua is unsure. Raises nothing.
    """
    text = text[:MAX_CHARACTERS]
    letters = sum(c.isalpha() for c in text)
    han, kana, hangul = (len(pattern.findall(text)) for pattern in (_HAN, _KANA, _HANGUL))
    cjk = han + kana + hangul
    if cjk and 3 * cjk >= letters - cjk:  # a CJK character carries about as much as a short word
        if cjk < MIN_CJK_CHARACTERS:
            return None
        if hangul > cjk / 2:
            return "ko"
        return "ja" if kana > cjk / 10 else "zh"
    if len(_WORD.findall(text)) < MIN_WORDS:
        return None
    if len(_ARABIC.findall(text)) > letters / 2:
        return "ar"
    language = _detector().detect_language_of(text)
    return language.iso_code_639_1.name.lower() if language is not None else None


def language_shares(votes: Iterable[tuple[str | None, int]]) -> dict[str, float]:
    """Share of each language in `votes`, largest first, from (language, weight) pairs.

    A vote is typically a paragraph's detected language and its length in characters; votes with
    no language or no weight are left out. Raises nothing; empty votes give an empty dict.
    """
    weights: Counter[str] = Counter()
    for language, weight in votes:
        if language is not None and weight > 0:
            weights[language] += weight
    total = sum(weights.values())
    return {language: weight / total for language, weight in weights.most_common()}


def detect_document_language(votes: Iterable[tuple[str | None, int]]) -> str | None:
    """The language with the largest weight in (language, weight) votes, or None if none has any.

    Ties go to the language voted first. Raises nothing.
    """
    shares = language_shares(votes)
    return next(iter(shares), None)
