"""Reading updates without parsing them: the lexer, the protocol's update dataset put in as USING
clauses, and the graphs an update writes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import QuerySyntaxError
from graph.protocol import ProtocolError
from graph.sparql_lexer import tokenize
from graph.update_text import with_dataset, writes
from ontology import PREFIXES

TRICKY = '''PREFIX ex: <http://ex.org/> # a comment: WHERE { ; }
DELETE { ?s ex:p "WHERE ; {", 'it\\'s WHERE' } INSERT { GRAPH ex:out { ?s ex:q """x "" WHERE
{ ;""", ex:a\\#WHERE, ex:b\\;c } }
where { ?s ex:p ?o FILTER(?o<?x && ?x>2 || ?s=<http://a/#WHERE>) } ;
INSERT DATA { GRAPH <http://g/x#a> { <http://a> <http://b> 'WHERE' } }'''


def test_the_lexer_skips_strings_iris_comments_and_escapes() -> None:
    words = [t.text.upper() for t in tokenize(TRICKY) if t.kind == "word" and t.depth == 0]
    assert words == ["PREFIX", "EX:", "DELETE", "INSERT", "WHERE", "INSERT", "DATA"]
    strings = [t.text for t in tokenize(TRICKY) if t.kind == "string"]
    assert strings == ['"WHERE ; {"', "'it\\'s WHERE'", '"""x "" WHERE\n{ ;"""', "'WHERE'"]
    names = [t.text for t in tokenize(TRICKY) if t.text.startswith("ex:")]
    assert names == ["ex:", "ex:p", "ex:out", "ex:q", "ex:a\\#WHERE", "ex:b\\;c", "ex:p"]
    assert [t.text for t in tokenize("?a<?b && ?c>?d") if t.kind == "iri"] == []
    with pytest.raises(QuerySyntaxError, match="error at 2:8: this string is not closed"):
        tokenize('INSERT\nDATA { "open }')


def test_using_clauses_go_before_the_where_of_each_delete_insert() -> None:
    rewritten = with_dataset(TRICKY, ["http://d/1"], ["http://n/1", "http://n/2"])
    clause = "USING <http://d/1> USING NAMED <http://n/1> USING NAMED <http://n/2> "
    assert rewritten == TRICKY.replace("\nwhere {", f"\n{clause}where {{", 1)
    store = ox.Store()
    store.update(rewritten)  # it still parses, and runs
    assert with_dataset(TRICKY, [], []) is TRICKY


@pytest.mark.parametrize(
    "update",
    [
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } using <http://g> WHERE { ?s ?p ?o }",
        "INSERT DATA { <http://a> <http://b> 'WITH' } ; INSERT { ?s ?p ?o } USING NAMED <http://g> WHERE { }",
    ],
)
def test_using_parameters_beside_using_or_with_are_refused(update: str) -> None:
    with pytest.raises(ProtocolError, match="cannot also take using-graph-uri") as refused:
        with_dataset(update, ["http://d/1"], [])
    assert refused.value.status == 400


def test_other_operations_take_no_dataset() -> None:
    update = "INSERT DATA { <http://a> <http://b> 1 } ; DELETE WHERE { ?s ?p 1 } ; DROP SILENT GRAPH <http://g>"
    assert with_dataset(update, ["http://d/1"], []) == update


@pytest.mark.parametrize(
    ("update", "graphs", "unnamed"),
    [
        (TRICKY, {"http://ex.org/out", "http://g/x#a"}, False),
        ("INSERT DATA { GRAPH chm:x { <http://a> <http://b> 1 } }", {PREFIXES["chm"] + "x"}, False),
        ("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", set(), True),
        ("WITH <http://w> DELETE { ?s ?p ?o } WHERE { GRAPH <http://r> { ?s ?p ?o } }", {"http://w"}, False),
        ("DELETE WHERE { GRAPH <http://d> { ?s ?p ?o } }", {"http://d"}, False),
        ("DELETE WHERE { GRAPH <relative> { ?s ?p ?o } }", set(), True),
        ("LOAD SILENT <http://x> INTO GRAPH <http://l>", {"http://l"}, False),
        ("CLEAR GRAPH <http://c> ; DROP DEFAULT ; CREATE GRAPH <http://new>", {"http://c"}, False),
        ("DROP ALL", set(), True),
        ("clear named", set(), True),
        (
            "MOVE <http://a> TO GRAPH <http://b> ; COPY DEFAULT TO <http://c> ; ADD <http://d> TO DEFAULT",
            {
                "http://a",
                "http://b",
                "http://c",
            },
            False,
        ),
        ("INSERT DATA { GRAPH nope:x { <http://a> <http://b> 1 } }", set(), True),
    ],
)
def test_the_graphs_an_update_writes(update: str, graphs: set[str], unnamed: bool) -> None:
    found = writes(update, PREFIXES)
    assert (set(found.graphs), found.unnamed, found.closed) == (graphs, unnamed, True)


@pytest.mark.parametrize("update", ["", "PREFIX x: <http://x/>", "DROP ALL ;", "INSERT DATA { <a> <b> <c> ", "'open"])
def test_an_update_that_does_not_end_cleanly_takes_nothing_after_it(update: str) -> None:
    assert not writes(update, PREFIXES).closed
