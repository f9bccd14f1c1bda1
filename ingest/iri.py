"""Every IRI ingestion mints, made in one place and deterministically from what it names, so
re-ingesting a document replaces its graph instead of duplicating it."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ontology import CHMID, GRAPHS


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("UNEP/POPS/COP.1/27" → "unep-pops-cop-1-27")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def document(key: str) -> str:
    return str(CHMID[f"document/{key}"])


def document_graph(key: str) -> str:
    return str(GRAPHS[f"document/{key}"])


def paragraph(document_key: str, paragraph_key: str) -> str:
    return f"{document(document_key)}/para/{paragraph_key}"


def convention(key: str) -> str:
    return str(CHMID[f"convention/{key}"])


def article(convention_key: str, number: str) -> str:
    return f"{convention(convention_key)}/article/{number}"


def annex(convention_key: str, notation: str) -> str:
    return f"{convention(convention_key)}/annex/{notation}"


def country(alpha3: str) -> str:
    return str(CHMID[f"country/{alpha3.upper()}"])


def party(alpha3: str) -> str:
    """A State as a Party to the conventions, keyed like its country (ISO 3166 alpha-3)."""
    return str(CHMID[f"party/{alpha3.upper()}"])


def role(key: str) -> str:
    return str(CHMID[f"role/{key}"])


def document_kind(key: str) -> str:
    return str(CHMID[f"document-kind/{key}"])


def decision(notation: str) -> str:
    """A COP or committee decision by its notation ("SC-4/23" → …/decision/sc-4-23)."""
    return str(CHMID[f"decision/{slug(notation)}"])


def cited_document(symbol: str) -> str:
    """A document known by its UN symbol ("UNEP/POPS/COP.1/27")."""
    return str(CHMID[f"document/{slug(symbol)}"])


def centre(convention_key: str, alpha3: str) -> str:
    return str(CHMID[f"centre/{convention_key}/{alpha3.upper()}"])


def expert(name: str) -> str:
    return str(CHMID[f"expert/{slug(name)}"])


def organization(name: str) -> str:
    return str(CHMID[f"organization/{slug(name)}"])


def requirement(document_key: str, row: int | str) -> str:
    """An information requirement: a row of a requirements table, or a paragraph key of a treaty."""
    return str(CHMID[f"requirement/{document_key}/{row}"])


def need(document_key: str, paragraph_key: str) -> str:
    return str(CHMID[f"need/{document_key}/{paragraph_key}"])


def assertion(document_key: str, subject: str, predicate: str, obj: object) -> str:
    digest = hashlib.sha1(f"{subject} {predicate} {obj}".encode()).hexdigest()[:16]
    return str(CHMID[f"assertion/{document_key}/{digest}"])


def extraction(document_key: str) -> str:
    return str(CHMID[f"extraction/{document_key}"])


def extractor(name: str, version: str) -> str:
    return str(CHMID[f"extractor/{slug(name)}-{slug(version)}"])
