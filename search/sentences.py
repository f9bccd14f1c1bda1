"""Sentences of a paragraph, cut so that each is an exact substring of the paragraph's text: an
extractive summary quotes them as they are, and a reader (or a test) can find each one in the
paragraph it cites."""

from __future__ import annotations

import re

#: A sentence ends at . ! ? (or their CJK and Arabic forms) followed by space and a new sentence's
#: start (a capital, digit, quote or bracket; any letter after CJK punctuation, which takes no
#: space). "Washington, D.C. and Manama" stays whole: the next word is lower-case; so does "para. 12":
#: the usual abbreviations of UN documents never end a sentence.
_ABBREVIATIONS = [
    "para",
    "paras",
    "No",
    "Nos",
    "art",
    "Art",
    "arts",
    "e.g",
    "i.e",
    "cf",
    "vol",
    "pp",
    "p",
    "Mr",
    "Ms",
    "Dr",
]
_NOT_AFTER = "".join(rf"(?<!\b{re.escape(a)}\.)" for a in _ABBREVIATIONS)
_END = re.compile(
    _NOT_AFTER + r"(?<=[.!?])\s+(?=[\"'“‘«(\[0-9A-ZÀ-ÖØ-ÞА-ЯЁ\u0600-\u06FF\u4e00-\u9fff])"
    r"|(?<=[。！？؟])\s*"
)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, each a substring of it; the whole text when it is one."""
    sentences = []
    start = 0
    for match in _END.finditer(text):
        piece = text[start : match.start()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
