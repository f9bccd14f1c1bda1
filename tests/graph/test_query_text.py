"""The SPARQL text the project runs: lists go into a query's marker line escaped, never spliced raw."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import queries


def test_in_filter_escapes_each_value_as_a_literal() -> None:
    condition = queries.in_filter("language", ["en", 'x") || true || ("'])
    assert condition == 'FILTER(STR(?language) IN ("en", "x\\") || true || (\\""))'


def test_filled_puts_the_condition_on_the_marker_line_and_the_query_still_runs() -> None:
    text = queries.filled("gaps_obligations", FILTER=queries.in_filter("language", ["fr"]), VALUES="")
    assert "#FILTER" not in text and 'IN ("fr")' in text
    assert isinstance(ox.Store().query(text), ox.QuerySolutions)  # parses and runs (empty store: no rows)


def test_a_query_without_the_marker_is_refused() -> None:
    with pytest.raises(ValueError, match=r"gaps_submitted\.rq has no #FILTER line"):
        queries.filled("gaps_submitted", FILTER="FILTER(true)")
