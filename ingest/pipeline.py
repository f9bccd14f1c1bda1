"""The ingestion pipeline: files → documents → paragraphs, entities, relations → one named graph
per document, replaced atomically and only when the document (or its metadata) changed.

A failing file is reported with its reason and leaves the store as it was; the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path

from graph.errors import GraphError
from graph.formats import rdf_syntax
from graph.store import GraphLoad, GraphStore
from graph.validate import require_conformance
from ingest import iri
from ingest.errors import IngestError, UnreadableDocumentError, UnsupportedLanguageError
from ingest.extract import VERSION, Extraction, Extractor, Vocabulary
from ingest.language import detect_language, language_shares
from ingest.metadata import InvalidMetadataError, MetadataTerms, split_references
from ingest.models import Document, DocumentMetadata, Paragraph
from ingest.nlp import Gazetteer, Pipelines
from ingest.readers import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, RawDocument, read_document
from ingest.segment import looks_like_convention_text, segment
from ingest.to_rdf import document_triples, serialise
from ontology import UN_LANGUAGES

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
#: Files a folder holds about itself rather than as documents: skipped when a folder is walked.
_NOT_DOCUMENTS = re.compile(r"^(README|SOURCE|LICEN[CS]E|CHANGELOG)(\.|$)", re.IGNORECASE)
_MIN_LANGUAGE_TEXT = 40
_TITLES_TO_DETECT = 5
#: Share of a document's text a UN language needs to be the document's language.
UN_LANGUAGE_SHARE = 0.25
#: The share of a document's text a language must hold for the document to count as written in it.
DOCUMENT_LANGUAGE_SHARE = 0.1
#: What the opening of a document calls itself, in the six languages, → its kind.
_KIND_CUES = (
    (
        re.compile(r"\bnote by the secretariat\b|\bnote du secrétariat\b|\bnota de la secretaría\b", re.I),
        "note-by-the-secretariat",
    ),
    (re.compile(r"\bstrategic plan\b|\bplan stratégique\b|\bplan estratégico\b", re.I), "strategic-plan"),
    (
        re.compile(
            r"\bnational implementation plan\b|\bplan national de mise en œuvre\b|\bplan nacional de aplicación\b"
            r"|национальный план выполнения|国家实施计划|خطة التنفيذ الوطنية",
            re.I,
        ),
        "national-implementation-plan",
    ),
    (
        re.compile(
            r"\bnational report\b|\brapport national\b|\binforme nacional\b|национальный доклад|国家报告"
            r"|التقرير الوطني",
            re.I,
        ),
        "national-report",
    ),
    (
        re.compile(r"\bdesignation of the national focal point\b|\bdésignation du correspondant national\b", re.I),
        "focal-point-designation",
    ),
    (re.compile(r"\binventory of\b|\binventaire\b|\binventario\b|\bкадастр\b", re.I), "inventory"),
)


class DocumentNotFoundError(IngestError):
    """`chm remove` was given a document the store does not hold."""


@dataclass
class IngestOutcome:
    path: Path
    status: str  # "ingested", "unchanged" or "failed"
    key: str | None = None
    paragraphs: int = 0
    entities: int = 0
    statements: int = 0
    reason: str | None = None


@dataclass
class IngestReport:
    outcomes: list[IngestOutcome] = field(default_factory=list)
    #: Files a walked folder holds about itself (README, SOURCE...), left out.
    passed_over: list[Path] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def total(self, what: str) -> int:
        return sum(getattr(o, what) for o in self.outcomes if o.status == "ingested")

    @property
    def failed(self) -> list[IngestOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files to ingest under `paths` (files as given; folders walked recursively, keeping
    supported suffixes), and the files passed over as a folder's notes about itself."""
    files: list[Path] = []
    passed_over: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.name.endswith(SIDECAR_SUFFIX) or child.suffix.lower() not in SUPPORTED_SUFFIXES:
                    continue
                (passed_over if _NOT_DOCUMENTS.match(child.name) else files).append(child)
        else:
            files.append(path)
    return files, passed_over


def document_key(path: Path) -> str:
    """The key of a file's document: its name without extension, as a slug (stable across moves)."""
    return iri.slug(path.name[: -len(path.suffix)] if path.suffix else path.name)


class Ingestor:
    """Ingests files into a store. The gazetteer and pipelines are built once, on first use."""

    def __init__(
        self, store: GraphStore, *, validate: bool = True, force: bool = False, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None:
        self.store = store
        self.validate = validate
        self.force = force
        self.max_bytes = max_bytes

    @cached_property
    def terms(self) -> MetadataTerms:
        return MetadataTerms.from_store(self.store)

    @cached_property
    def extractor(self) -> Extractor:
        gazetteer = Gazetteer.from_store(self.store)
        return Extractor(gazetteer, Pipelines(gazetteer), Vocabulary.from_store(self.store))

    def ingest(
        self,
        paths: Iterable[Path],
        metadata: DocumentMetadata | None = None,
        progress: Callable[[Path], None] | None = None,
        finished: Callable[[Path], None] | None = None,
    ) -> IngestReport:
        """Ingest every file under `paths`; `progress` is called before each file, `finished` after."""
        files, passed_over = discover(paths)
        report = IngestReport(passed_over=passed_over)
        for path in files:
            if progress:
                progress(path)
            report.outcomes.append(self.ingest_file(path, metadata))
            if finished:
                finished(path)
        return report

    def ingest_file(self, path: Path, metadata: DocumentMetadata | None = None) -> IngestOutcome:
        """Ingest one file; failures become an outcome with a reason, never a partial graph."""
        try:
            return self._ingest_file(path, metadata or DocumentMetadata())
        except (IngestError, GraphError) as error:
            log.info("%s", error)
            reason = (
                error.reason if isinstance(error, UnreadableDocumentError | UnsupportedLanguageError) else str(error)
            )
            return IngestOutcome(path, "failed", reason=reason)

    def _ingest_file(self, path: Path, given: DocumentMetadata) -> IngestOutcome:
        raw = read_document(path, max_bytes=self.max_bytes)
        metadata = merge_metadata(given, read_sidecar(path))
        try:
            resolved = self.terms.resolve(metadata)
        except InvalidMetadataError as error:
            raise UnreadableDocumentError(path, f"metadata {error}") from None
        key = document_key(path)
        graph = iri.document_graph(key)
        fingerprint = hashlib.sha256(f"{raw.sha256}|{metadata.as_key()}|{VERSION}".encode()).hexdigest()
        if not self.force and self.store.graph_sha256(graph) == fingerprint:
            return IngestOutcome(path, "unchanged", key=key)
        document, extraction = self.analyse(raw, key, resolved)
        if document.party and not document.convention:
            raise UnreadableDocumentError(
                path, "metadata party: name the convention it is submitted under too (--convention, or the sidecar's)"
            )
        data = serialise(document_triples(document, extraction))
        load = GraphLoad(graph, data, rdf_syntax("ntriples"), str(path), sha256=fingerprint)
        self.store.replace_graphs([load], check=require_conformance if self.validate else None)
        self.__dict__.pop("terms", None)  # the document may hold requirements the next one fulfils
        return IngestOutcome(
            path,
            "ingested",
            key=key,
            paragraphs=len(document.paragraphs),
            entities=len(extraction.entities),
            statements=len(extraction.statements),
        )

    def analyse(self, raw: RawDocument, key: str, metadata: DocumentMetadata) -> tuple[Document, Extraction]:
        """Segment, detect languages and extract: everything short of writing the graph."""
        paragraphs = segment(raw.text)
        if not paragraphs:
            raise UnreadableDocumentError(raw.path, "no paragraphs of text")
        for paragraph in paragraphs:
            if len(paragraph.text) >= _MIN_LANGUAGE_TEXT:
                paragraph.language = detect_language(paragraph.text)
        language = metadata.language or _document_language(paragraphs) or detect_language(raw.text[:5000])
        if language not in UN_LANGUAGES:
            raise UnsupportedLanguageError(
                raw.path,
                f"written in {language or 'an undetermined language'}; the pipelines cover {', '.join(UN_LANGUAGES)}",
            )
        # A paragraph too short to detect is in the language of the text around it (the Dutch half
        # of a treaty file: "Dit Verdrag geldt voor:"), else in the document's.
        around = None
        for paragraph in paragraphs:
            if paragraph.language and len(paragraph.text) >= _MIN_LANGUAGE_TEXT:
                around = paragraph.language
            paragraph.language = paragraph.language or around or language
        is_convention = looks_like_convention_text(raw.text)
        document = Document(
            key=key,
            source=raw.path,
            format=raw.format,
            sha256=raw.sha256,
            title=metadata.title or raw.title or _first_title(paragraphs, language) or raw.path.stem,
            language=language,
            paragraphs=paragraphs,
            languages=_document_languages(paragraphs, language),
            kind=metadata.kind or ("convention-text" if is_convention else _guess_kind(raw.text)),
            party=metadata.party,
            date=metadata.date or raw.metadata.get("created"),
            symbol=metadata.symbol,
            convention=metadata.convention,
            is_convention_text=is_convention,
            fulfils=tuple(split_references(metadata.fulfils)),
        )
        return document, self.extractor.extract(document)


def remove_document(store: GraphStore, reference: str) -> str:
    """Drop a document's graph, given its key, its IRI or its file's path. Returns the graph IRI.

    Raises DocumentNotFoundError when the store holds no such document.
    """
    key = reference.rsplit("/document/", 1)[-1] if "/document/" in reference else document_key(Path(reference))
    graph = iri.document_graph(key)
    if not store.drop_graph(graph):
        raise DocumentNotFoundError(f"no document {key!r} in the store (see `chm stats` for the graphs)")
    return graph


def read_sidecar(path: Path) -> DocumentMetadata:
    """Metadata from `<file>.meta.json` beside the file, when there is one."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return DocumentMetadata()
    try:
        values = json.loads(sidecar.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise UnreadableDocumentError(sidecar, f"sidecar metadata is not valid JSON: {error}") from None
    known = {f.name for f in fields(DocumentMetadata)}
    if not isinstance(values, dict) or set(values) - known:
        unknown = sorted(set(values) - known) if isinstance(values, dict) else values
        raise UnreadableDocumentError(sidecar, f"unknown metadata {unknown}; known: {', '.join(sorted(known))}")
    return DocumentMetadata(**{k: _metadata_text(v) for k, v in values.items()})


def _metadata_text(value: object) -> str:
    """A sidecar value as text; a list (of fulfilled requirements) is joined by ";"."""
    return ";".join(str(v) for v in value) if isinstance(value, list) else str(value)


def merge_metadata(given: DocumentMetadata, sidecar: DocumentMetadata) -> DocumentMetadata:
    """Command-line values win over the sidecar's."""
    return DocumentMetadata(**{f.name: getattr(given, f.name) or getattr(sidecar, f.name) for f in fields(given)})


def _document_language(paragraphs: list[Paragraph]) -> str | None:
    """The UN language with the largest share of the text when it holds a fair part of it (a
    convention text followed by its Dutch translation is English), else the largest language."""
    shares = language_shares((p.language, len(p.text)) for p in paragraphs)
    un = [lang for lang in shares if lang in UN_LANGUAGES and shares[lang] >= UN_LANGUAGE_SHARE]
    return un[0] if un else next(iter(shares), None)


def _document_languages(paragraphs: list[Paragraph], language: str) -> tuple[str, ...]:
    """The languages the document is written in: its own and any holding a real share of its text
    (the Dutch half of a treaty file), not those a few short paragraphs were misdetected in (a
    treaty in English is not "available in Polish" because of two lines of names)."""
    shares = language_shares((p.language, len(p.text)) for p in paragraphs)
    return tuple(sorted({language, *(lang for lang, share in shares.items() if share >= DOCUMENT_LANGUAGE_SHARE)}))


def _first_title(paragraphs: list[Paragraph], language: str) -> str | None:
    """The first title or heading in the document's language (a bilingual file may open with the
    other language's title), else the first one."""
    headings = [p for p in paragraphs if p.kind in ("title", "heading")]
    # Titles are too short for the per-paragraph detection, so the first few are detected here;
    # one too short to tell is taken as it is, one in another language is passed over.
    in_language = (p.text for p in headings[:_TITLES_TO_DETECT] if detect_language(p.text) in (language, None))
    return next(in_language, headings[0].text if headings else None)


def _guess_kind(text: str) -> str | None:
    head = text[:3000]
    return next((kind for pattern, kind in _KIND_CUES if pattern.search(head)), None)
