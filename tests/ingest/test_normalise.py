"""normalise and normalise_for_matching."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from ingest.normalise import DASHES, SPACES, normalise, normalise_for_matching


def test_non_breaking_hyphens_of_the_corpus() -> None:
    assert normalise("decision RC\u20111/14 on capacity\u2011building") == "decision RC-1/14 on capacity-building"


@pytest.mark.parametrize("dash", list(DASHES))
def test_every_dash_becomes_a_hyphen_minus(dash: str) -> None:
    assert normalise(f"a{dash}b") == "a-b"


def test_every_space_separator_becomes_a_space() -> None:
    zs = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Zs"} - {" "}
    assert set(SPACES) == zs
    assert normalise("".join(f"x{space}" for space in sorted(zs)) + "x") == " ".join("x" * (len(zs) + 1))


def test_invisible_characters_are_removed() -> None:
    assert normalise("ca\u00adpa\u200bci\u200cty\u200d-\u2060buil\ufeffding") == "capacity-building"


def test_line_ends_and_trailing_spaces() -> None:
    assert normalise("one  \r\ntwo\u00a0\rthree\u2028four\f\n") == "one\ntwo\nthree\nfour\n\n"


def test_tabs_and_leading_spaces_are_kept() -> None:
    assert normalise(" Article 9\tExisting\t\n\tParties") == " Article 9\tExisting\t\n\tParties"


def test_control_characters_are_removed() -> None:
    assert normalise("PCB\x00s\x07 and\x1b DDT\x85end") == "PCBs and DDT\nend"


def test_nfc() -> None:
    assert normalise("de\u0301chets") == "d\u00e9chets"


def test_letters_quotes_and_scripts_are_unchanged() -> None:
    text = "«Convention» “Basel” ‘Stockholm’ 1,2-dichloroethane\nاتفاقية بازل\n斯德哥尔摩公约\nКонвенция\nÉtats"
    assert normalise(text) == text


def test_ideographic_space_becomes_a_space() -> None:
    assert normalise("缔约方\u3000大会") == "缔约方 大会"


def test_normalise_is_idempotent() -> None:
    text = "RC\u20111/14\u00a0\u00a0and \u2014 the\u200b end \r\n"
    assert normalise(normalise(text)) == normalise(text)


def test_matching_form() -> None:
    assert normalise_for_matching("  Stockholm\u00a0CONVENTION\n\ton  POPs ") == "stockholm convention on pops"
    assert normalise_for_matching("RC\u20111/14") == normalise_for_matching("rc-1/14")
    assert normalise_for_matching("Straße") == "strasse"
    assert normalise_for_matching("\u200fاتفاقية\u00a0بازل\u200e") == "اتفاقية بازل"
