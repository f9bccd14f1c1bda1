"""Text normalisation applied to every extracted text, and a stronger form for matching labels.

`normalise` only unifies what varies between word processors and extractors without changing the
words: Unicode NFC, every dash variant to "-" (the corpus writes "RC‑1/14" and "capacity‑building"
with the non-breaking hyphen U+2011), every space separator to " ", soft hyphens and zero-width
characters removed, control characters removed, line breaks to "\n", trailing spaces stripped.
Tabs (table cells) and newlines (paragraphs) are kept; letters, digits, quotes and punctuation
other than dashes are left alone.
"""

from __future__ import annotations

import re
import unicodedata

#: Hyphens and dashes (U+2010-U+2015), minus sign, small and fullwidth hyphen-minus.
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
#: Every Unicode space separator (category Zs) other than U+0020, the ideographic space included.
SPACES = "\u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
#: Invisible characters that only break words apart: soft hyphen, zero-width space/joiners, BOM.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
#: Characters that `str.splitlines` treats as line boundaries, other than "\n" and "\r".
LINE_BREAKS = "\v\f\x1c\x1d\x1e\x85\u2028\u2029"
#: C0 and C1 control characters other than tab, line feed, carriage return and the line breaks.
CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r" + LINE_BREAKS)
#: Bidirectional marks and embeddings, invisible, removed before matching.
BIDI_MARKS = "\u061c\u200e\u200f" + "".join(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))

_TABLE = str.maketrans(
    {
        **dict.fromkeys(map(ord, DASHES), "-"),
        **dict.fromkeys(map(ord, SPACES), " "),
        **dict.fromkeys(map(ord, LINE_BREAKS), "\n"),
        **dict.fromkeys(map(ord, INVISIBLE + CONTROLS), None),
    }
)
_MATCHING_TABLE = str.maketrans(dict.fromkeys(map(ord, BIDI_MARKS), None))
_TRAILING_SPACES = re.compile(r" +$", re.MULTILINE)


def normalise(text: str) -> str:
    """Return `text` in NFC with dashes, spaces, invisible characters and line ends unified."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_TABLE)
    return _TRAILING_SPACES.sub("", text)


def normalise_for_matching(text: str) -> str:
    """Return `normalise(text)` casefolded, without bidi marks, with whitespace runs as one space.

    Used to compare labels with mentions: "Stockholm\u00a0Convention" and "stockholm  convention"
    give the same string. Leading and trailing whitespace is removed.
    """
    text = normalise(text).translate(_MATCHING_TABLE).casefold()
    return " ".join(unicodedata.normalize("NFC", text).split())
