"""Names, media types and pyoxigraph formats of the RDF and SPARQL results syntaxes.

One table serves the CLI (`--format turtle`) and the HTTP layer (`Accept: text/turtle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from graph.errors import UnsupportedFormatError


@dataclass(frozen=True)
class RdfSyntax:
    name: str
    media_type: str
    extension: str
    oxigraph: RdfFormat
    #: True when the syntax can hold several named graphs.
    datasets: bool


RDF_SYNTAXES: dict[str, RdfSyntax] = {
    s.name: s
    for s in (
        RdfSyntax("turtle", "text/turtle", "ttl", RdfFormat.TURTLE, False),
        RdfSyntax("ntriples", "application/n-triples", "nt", RdfFormat.N_TRIPLES, False),
        RdfSyntax("rdfxml", "application/rdf+xml", "rdf", RdfFormat.RDF_XML, False),
        RdfSyntax("jsonld", "application/ld+json", "jsonld", RdfFormat.JSON_LD, True),
        RdfSyntax("trig", "application/trig", "trig", RdfFormat.TRIG, True),
        RdfSyntax("nquads", "application/n-quads", "nq", RdfFormat.N_QUADS, True),
    )
}

RESULTS_FORMATS: dict[str, QueryResultsFormat] = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}

_EXTENSIONS = {s.extension: s for s in RDF_SYNTAXES.values()} | {
    "nt": RDF_SYNTAXES["ntriples"],
    "owl": RDF_SYNTAXES["rdfxml"],
    "xml": RDF_SYNTAXES["rdfxml"],
    "json": RDF_SYNTAXES["jsonld"],
    "n3": RDF_SYNTAXES["turtle"],
}


def rdf_syntax(name: str) -> RdfSyntax:
    """The RDF syntax called `name`; raises UnsupportedFormatError naming the known ones."""
    try:
        return RDF_SYNTAXES[name.lower()]
    except KeyError:
        known = ", ".join(RDF_SYNTAXES)
        raise UnsupportedFormatError(f"unknown RDF format {name!r}; known: {known}") from None


def rdf_syntax_for_path(path: Path) -> RdfSyntax:
    """The RDF syntax a file's extension names; raises UnsupportedFormatError otherwise."""
    extension = path.suffix.lstrip(".").lower()
    try:
        return _EXTENSIONS[extension]
    except KeyError:
        known = ", ".join(sorted(_EXTENSIONS))
        raise UnsupportedFormatError(
            f"{path}: cannot tell the RDF format from the extension {path.suffix!r}; "
            f"known extensions: {known} (or give --format)"
        ) from None


def results_format(name: str) -> QueryResultsFormat:
    """The SPARQL results format called `name` (json, xml, csv, tsv)."""
    try:
        return RESULTS_FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(RESULTS_FORMATS)
        raise UnsupportedFormatError(f"unknown results format {name!r}; known: {known}") from None
