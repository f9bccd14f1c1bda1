"""Index terms for the lexical (BM25) side of search, in the six UN languages and a few more.

Each word is analysed by its script, so mixed text (a Chinese sentence naming "PCB" or "2030",
an English one quoting Russian) keeps every part: Han runs are segmented by jieba, Arabic words
are normalised and stemmed, Cyrillic words are stemmed as Russian, and other words are stemmed
in the paragraph's language when it has a Snowball stemmer (otherwise only lowercased).
Numbers and codes (CAS numbers, UN document symbols, decimals) stay whole.

The same function tokenises paragraphs and queries, so a change here needs the index rebuilt:
TOKENISER_VERSION is saved beside the index for that reason.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from typing import TYPE_CHECKING

import Stemmer
from bm25s import stopwords as bm25s_stopwords

if TYPE_CHECKING:
    import jieba

#: Bump when the terms produced for the same text change: saved indexes record it.
TOKENISER_VERSION = 1

# Snowball algorithms and stop words for languages written in Latin script.
_LATIN_STEMMERS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "nl": "dutch",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
}
_LATIN_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(bm25s_stopwords.STOPWORDS_EN_PLUS),
    "fr": frozenset(bm25s_stopwords.STOPWORDS_FRENCH),
    "es": frozenset(bm25s_stopwords.STOPWORDS_SPANISH),
    "nl": frozenset(bm25s_stopwords.STOPWORDS_DUTCH),
    "de": frozenset(bm25s_stopwords.STOPWORDS_GERMAN),
    "it": frozenset(bm25s_stopwords.STOPWORDS_ITALIAN),
    "pt": frozenset(bm25s_stopwords.STOPWORDS_PORTUGUESE),
}
_RUSSIAN_STOPWORDS = frozenset(bm25s_stopwords.STOPWORDS_RUSSIAN)
# Short lists of function words: bm25s's Chinese list also drops content words ("上升", "一致").
_CHINESE_STOPWORDS_RAW = (
    "的 了 和 与 及 以及 或 或者 在 是 为 对 对于 由 于 以 其 之 等 将 并 被 把 也 而 但 这 那 该 此 各 有 个 "
    "着 就 都 又 从 向 至 则 所 如 关于 上述 其中"
)
_CHINESE_STOPWORDS = frozenset(_CHINESE_STOPWORDS_RAW.split())
_ARABIC_STOPWORDS_RAW = (
    "في من على إلى عن مع أن إن أو و ف ب ل ثم هذا هذه ذلك تلك التي الذي الذين اللتان اللذان ما ماذا لا لم لن "
    "قد كان كانت يكون تكون هو هي هم هن نحن كما بين عند حتى كل أي غير بعض أيضا وفي ومن وعلى وإلى بما له لها "
    "لهم فيه فيها منه منها عليه عليها أنه أنها إذا"
)

# Arabic: harakat and Quranic marks are dropped (they split words for \w), tatweel too; alef
# forms and alef maqsura are unified, as writers use them interchangeably (teh marbuta is
# unified after stemming: Snowball needs it to tell "الاتفاقية" from a pronoun suffix).
# Arabic-Indic digits become ASCII so "٢٠٣٠" matches "2030"; ё is written е as often as not.
_NORMALISE = str.maketrans(
    {
        **dict.fromkeys(range(0x064B, 0x0660)),
        **dict.fromkeys(range(0x0610, 0x061B)),
        **dict.fromkeys(range(0x06D6, 0x06EE)),
        0x0670: None,
        0x0640: None,
        **dict.fromkeys((0x0622, 0x0623, 0x0625, 0x0671), "ا"),
        0x0649: "ي",
        **{0x0660 + d: str(d) for d in range(10)},
        **{0x06F0 + d: str(d) for d in range(10)},
        ord("ё"): "е",
    }
)
_ARABIC_STOPWORDS = frozenset(_ARABIC_STOPWORDS_RAW.translate(_NORMALISE).split())
# Snowball's Arabic stemmer keeps the conjunction in "والاتفاقية": drop و/ف before an article.
_ARABIC_CONJUNCTION = re.compile(r"^[وف](?=(?:ال|لل|بال|كال)..)")
# After an article a final ه is a teh marbuta written plainly (a pronoun cannot follow "ال").
_ARABIC_ARTICLE_PLAIN_TEH = re.compile(r"^((?:ال|لل|بال|كال).+)ه$")

_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"([{_HAN}]+)")
# A word, or words joined by - . / (and , between digits): "1336-36-3", "unep/pops/cop.1/27", "1.25".
_TERM = re.compile(r"[^\W_]+(?:(?:[-./]|(?<=\d),(?=\d))[^\W_]+)*")
_WORD = re.compile(r"[^\W_]+")

_local = threading.local()  # Snowball stemmers keep state: one per thread and algorithm


def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    stemmers: dict[str, Stemmer.Stemmer] = _local.__dict__.setdefault("stemmers", {})
    if algorithm not in stemmers:
        stemmers[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmers[algorithm]


@functools.cache
def _jieba() -> jieba.Tokenizer:
    """jieba's tokenizer, loaded on first Chinese text (about a second; the dictionary cache goes
    to the temporary folder). A private instance: words another module adds to jieba's global
    dictionary would change the terms and no longer match the index."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def _language(language: str | None) -> str | None:
    # "en-GB", "zh-Hans", "FR" → "en", "zh", "fr"
    return language.split("-")[0].split("_")[0].lower() if language else None


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\u08a0" <= char <= "\u08ff"


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u052f"


# Words repeat (Zipf): memoising skips the script tests and the stemmer call for most of them.
@functools.lru_cache(maxsize=1 << 17)
def _word(word: str, language: str | None) -> str | None:
    """The index term of one word (no digits, no Han), or None for a stop word."""
    first = word[0]
    if _is_arabic(first):
        if word in _ARABIC_STOPWORDS:
            return None
        word = _ARABIC_ARTICLE_PLAIN_TEH.sub(r"\1ة", _ARABIC_CONJUNCTION.sub("", word))
        return _stemmer("arabic").stemWord(word).replace("ة", "ه")
    if _is_cyrillic(first):
        return None if word in _RUSSIAN_STOPWORDS else _stemmer("russian").stemWord(word)
    algorithm = _LATIN_STEMMERS.get(language or "")
    if algorithm is None:
        return word
    return None if word in _LATIN_STOPWORDS[language or ""] else _stemmer(algorithm).stemWord(word)


def _words(text: str, language: str | None, out: list[str]) -> None:
    """Append the terms of a text without Han characters to `out`."""
    for term in _TERM.findall(text):
        if term.isalnum():
            parts = [term]
        elif any(char.isdigit() for char in term):
            # A code is kept whole, and its words too, so "dioxin" finds "2,3,7,8-...-p-dioxin".
            out.append(term)
            parts = [part for part in _WORD.findall(term) if part.isalpha() and len(part) > 1]
        else:
            parts = _WORD.findall(term)  # a hyphenated word: "mercury-added" is two words
        for part in parts:
            if not part.isalpha():
                out.append(part)  # numbers and words with digits ("2030", "c10") are not stemmed
            elif (analysed := _word(part, language)) is not None:
                out.append(analysed)


def tokens(text: str, language: str | None) -> list[str]:
    """The BM25 index terms of `text`, in text order, written in `language` (an ISO 639-1 code,
    possibly with a region, or None when unknown). Never raises on any string."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_NORMALISE)
    language = _language(language)
    out: list[str] = []
    # re.split with a group alternates: text without Han, a Han run, text without Han...
    for position, segment in enumerate(_HAN_RUN.split(text)):
        if position % 2 == 0:
            _words(segment, language, out)
        elif segment:
            out.extend(word for word in _jieba().cut_for_search(segment) if word not in _CHINESE_STOPWORDS)
    return out
