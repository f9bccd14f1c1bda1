"""The SPARQL results writers: the JSON writer, written by hand for speed, says what the plain
json.dumps of each term says."""

from __future__ import annotations

import json

import pyoxigraph as ox

from graph.results import _json_term, write_solutions

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_json_results_match_the_reference_form_of_every_kind_of_term() -> None:
    iri = ox.NamedNode("https://example.org/a?b=c#d")
    terms: list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None] = [
        iri,
        ox.BlankNode("b0"),
        ox.Literal('quote " backslash \\ newline \n tab \t control \x01 \x7f é 中文 \u2028'),
        ox.Literal("hello", language="en-GB"),
        ox.Literal("مرحبا", language="ar"),
        ox.Literal("42", datatype=ox.NamedNode(XSD + "integer")),
        ox.Literal("x", datatype=ox.NamedNode(XSD + "string")),
        ox.Triple(iri, iri, ox.Literal("nested")),
        None,
    ]
    variables = [f"v{i}" for i in range(len(terms))]
    rows = [terms, [iri] + [None] * (len(terms) - 1), terms]  # a term met twice is written the same
    written = json.loads(write_solutions("json", variables, rows))
    reference = {
        "head": {"vars": variables},
        "results": {
            "bindings": [
                {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
            ]
        },
    }
    assert written == reference
    assert json.loads(write_solutions("json", ["x"], [])) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}
