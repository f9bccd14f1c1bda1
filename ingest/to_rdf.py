"""A document's graph: the document, its paragraphs, the entities it introduces, the facts it
states, and for each fact an Assertion recording the paragraph it came from, the extractor and
its version, and a confidence (PROV-O)."""

from __future__ import annotations

import pyoxigraph as ox

from ingest import iri
from ingest.extract import VERSION, Extraction
from ingest.models import Document, Text
from ontology import CHM_NS, PREFIXES

RDF = PREFIXES["rdf"]
XSD = PREFIXES["xsd"]
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]


class _Triples:
    def __init__(self) -> None:
        self.items: list[ox.Triple] = []

    def add(self, subject: str, predicate: str, obj: str | Text) -> None:
        self.items.append(ox.Triple(ox.NamedNode(subject), ox.NamedNode(predicate), _term(obj)))


def _term(obj: str | Text) -> ox.NamedNode | ox.Literal:
    if isinstance(obj, Text):
        if obj.language:
            return ox.Literal(obj.value, language=obj.language)
        if obj.datatype:
            return ox.Literal(obj.value, datatype=ox.NamedNode(obj.datatype))
        return ox.Literal(obj.value)
    return ox.NamedNode(obj)


def document_triples(document: Document, extraction: Extraction) -> list[ox.Triple]:
    """Every triple of the document's named graph."""
    t = _Triples()
    doc = iri.document(document.key)
    t.add(doc, RDF + "type", CHM_NS + "Document")
    t.add(doc, DCTERMS + "title", Text(document.title, document.language))
    for language in document.languages or (document.language,):
        t.add(doc, DCTERMS + "language", Text(language))
    t.add(doc, DCTERMS + "source", Text(document.source.name))
    t.add(doc, CHM_NS + "sha256", Text(document.sha256))
    t.add(doc, DCTERMS + "format", Text(document.format))
    if document.kind:
        t.add(doc, CHM_NS + "documentKind", iri.document_kind(document.kind))
    if document.date:
        t.add(doc, DCTERMS + "date", Text(document.date))
    if document.symbol:
        t.add(doc, CHM_NS + "documentSymbol", Text(document.symbol))
    if document.convention:
        t.add(doc, CHM_NS + "forConvention", iri.convention(document.convention))
    if document.party:
        _party(t, document)
    for requirement in document.fulfils:
        t.add(doc, CHM_NS + "fulfils", requirement)
    _paragraphs(t, document)
    _entities(t, extraction)
    _statements(t, document, extraction)
    return t.items


def _party(t: _Triples, document: Document) -> None:
    """The submitting Party: a Party that represents the country and, by submitting under a
    convention, is a Party to it."""
    assert document.party is not None
    party = iri.party(document.party)
    t.add(iri.document(document.key), CHM_NS + "submittedBy", party)
    t.add(party, RDF + "type", CHM_NS + "Party")
    t.add(party, CHM_NS + "representsCountry", iri.country(document.party))
    if document.convention:
        t.add(party, CHM_NS + "partyTo", iri.convention(document.convention))


def _paragraphs(t: _Triples, document: Document) -> None:
    doc = iri.document(document.key)
    keys = {p.position: p.key for p in document.paragraphs}
    for paragraph in document.paragraphs:
        node = iri.paragraph(document.key, paragraph.key)
        language = paragraph.language or document.language
        t.add(node, RDF + "type", CHM_NS + "Paragraph")
        t.add(doc, CHM_NS + "hasParagraph", node)
        t.add(node, CHM_NS + "paragraphOf", doc)
        t.add(node, CHM_NS + "position", Text(str(paragraph.position), datatype=XSD + "integer"))
        t.add(node, SCHEMA + "text", Text(paragraph.text, language))
        t.add(node, DCTERMS + "language", Text(language))
        t.add(node, DCTERMS + "type", Text(paragraph.kind))
        if paragraph.number:
            t.add(node, CHM_NS + "paragraphNumber", Text(paragraph.number))
        if paragraph.heading_path:
            t.add(node, CHM_NS + "headingPath", Text(" > ".join(paragraph.heading_path)))
        if paragraph.parent is not None:
            t.add(node, CHM_NS + "parentParagraph", iri.paragraph(document.key, keys[paragraph.parent]))


def _entities(t: _Triples, extraction: Extraction) -> None:
    for entity in extraction.entities.values():
        for cls in entity.types:
            t.add(entity.iri, RDF + "type", CHM_NS + cls)
        for language, label in entity.labels.items():
            t.add(entity.iri, PREFIXES["rdfs"] + "label", Text(label, language))
        for predicate, obj in entity.facts:
            t.add(entity.iri, predicate, obj)


def _statements(t: _Triples, document: Document, extraction: Extraction) -> None:
    activity = iri.extraction(document.key)
    t.add(activity, RDF + "type", CHM_NS + "Extraction")
    t.add(activity, PROV + "used", iri.document(document.key))
    extractors: set[str] = set()
    keys = {p.position: p.key for p in document.paragraphs}
    for s in extraction.statements:
        t.add(s.subject, s.predicate, s.object)
        paragraph = iri.paragraph(document.key, keys[s.paragraph])
        node = iri.assertion(document.key, s.subject, s.predicate, f"{s.object}|{s.paragraph}")
        agent = iri.extractor(s.extractor, VERSION)
        extractors.add(s.extractor)
        t.add(node, RDF + "type", CHM_NS + "Assertion")
        t.add(node, RDF + "subject", s.subject)
        t.add(node, RDF + "predicate", s.predicate)
        t.add(node, RDF + "object", s.object)
        t.add(node, CHM_NS + "derivedFromParagraph", paragraph)
        t.add(node, PROV + "wasGeneratedBy", activity)
        t.add(node, PROV + "wasAttributedTo", agent)
        t.add(node, CHM_NS + "confidence", Text(f"{s.confidence:.2f}", datatype=XSD + "decimal"))
    for name in sorted(extractors):
        agent = iri.extractor(name, VERSION)
        t.add(agent, RDF + "type", CHM_NS + "Extractor")
        t.add(agent, PREFIXES["rdfs"] + "label", Text(f"chm-kg {name} extractor", "en"))
        t.add(agent, PREFIXES["owl"] + "versionInfo", Text(VERSION))
        t.add(activity, PROV + "wasAssociatedWith", agent)


def serialise(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.N_TRIPLES) or b""
