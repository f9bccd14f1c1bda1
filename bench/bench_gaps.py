"""Gap detection at scale: the whole obligations matrix, the coverage gaps and the indicators on a
store of about a million triples, against the goal of issue 6 (the whole matrix under 1 s).

    .venv/bin/python bench/bench_gaps.py [--store DIR] [--parties 190] [--paragraphs 15] [--runs 10] [--naive-runs 1]
        [--party-triples per-document|once]

The store starts as a copy of `--store` (one holding the ontology, the vocabularies and the corpus;
without it one is built with `chm init` and `chm ingest ../shared/corpus --no-index`, about a minute
and a half), to which synthetic clearing-house submissions are added, shaped as ingestion writes a
submitted document (ingest/to_rdf.py): real countries as Parties (party/XXX representing
country/XXX) Party to several conventions, each submitting under some of them documents of assorted
kinds, languages (some outside the six UN languages) and years, a few linked to the requirements
they fulfil (chm:fulfils, as a sidecar's "fulfils" does), each with its paragraphs (text, number,
heading, language, mentions of chemicals, topics and countries, and an Assertion per mention), one
named graph per document with its catalog entry; Parties that submitted nothing under a convention
are declared in a graph of their own (as tests/data/submissions/parties.ttl does), and a roster of
experts. They are added through GraphStore.add_quads, one transaction.

`--party-triples once` declares each Party only in the Parties' graph instead: pyoxigraph 0.5's
union default graph returns a triple once per named graph holding it (oxigraph issue 1919), so the
repetition multiplies every pattern on a Party unless the queries take the Parties DISTINCT first.

Then, in the same process, with the heap frozen as the service freezes it after start-up
(api.app.freeze_startup_heap), each measure once cold and then `--runs` times (median, p95):
- `search.gaps.obligations(store, ObligationsQuery())`, end to end: every mandatory requirement
  from Parties x every Party to its convention, each cell fulfilled or with its reason (the goal);
  also with `status="all", conditional=True`, the largest matrix;
- its queries alone: graph/queries/gaps_obligations.rq (the MINUS anti-join), gaps_requirements,
  gaps_parties, gaps_party_countries, gaps_fulfilled, gaps_submitted; and the previous anti-join (OPTIONAL + !BOUND per
  cell), checked to give the same cells, with the ratio previous / MINUS;
- the baseline: the same gap query with its anti-join written naively as FILTER NOT EXISTS per cell
  (per_cell_text below makes it from the product's text), checked to give the same empty cells, timed
  alternately with the rest, `--naive-runs` times (it is slow: about 7 minutes a run at 1M triples
  here); the ratio naive / anti-join is printed;
- `search.gaps.coverage(store)` and `graph.indicators.indicators(store)`.

Prints a table and writes bench/results/gaps.json (sizes: triples, documents, paragraphs, Parties,
requirements, cells, gaps by reason; every timing).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyoxigraph as ox

from api.app import freeze_startup_heap
from graph import queries
from graph.catalog import CATALOG_GRAPH
from graph.indicators import indicators
from graph.store import GraphStore, term_text
from ingest import iri
from ontology import CHM_NS, GRAPHS, PREFIXES, UN_LANGUAGES
from search.gaps import ObligationsQuery, coverage, obligations

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench/results/gaps.json"
CORPUS = REPO.parent / "shared/corpus"
GOAL_MATRIX_S = 1.0  # the whole obligations matrix at 1M triples: under this, median
TARGET_TRIPLES = 1_000_000

#: The baseline: the gap query of graph/queries/gaps_obligations.rq with its anti-join (a MINUS of
#: the fulfilled cells) written naively, as one FILTER NOT EXISTS per cell over the fulfilling
#: documents, the formulation issue 6 rules out; the rest is the product's text. And the product's
#: previous anti-join, the same per-cell pattern as OPTIONAL + FILTER(!BOUND) (3x slower than the
#: MINUS at 1M triples): what the MINUS gained, measured in the same process.
PER_CELL = """{opening} {{
    ?fulfilling chm:submittedBy ?party ; chm:forConvention ?convention ; dcterms:language ?language .
    {{ ?fulfilling chm:fulfils ?requirement }}
    UNION {{ ?fulfilling chm:documentKind ?kind . ?requirement chm:fulfilledByKind ?kind }}
    {condition}
  }}{closing}
}}
"""
MINUS = re.compile(r"^  MINUS \{\n.*", re.DOTALL | re.MULTILINE)


def per_cell_text(anti_join: str, condition: str, *, naive: bool) -> str | None:
    """The gap query with its MINUS replaced by a per-cell anti-join: FILTER NOT EXISTS (`naive`)
    or OPTIONAL + FILTER(!BOUND); None when the query no longer has its MINUS."""
    opening, closing = ("FILTER NOT EXISTS", "") if naive else ("OPTIONAL", "\n  FILTER(!BOUND(?fulfilling))")
    block = PER_CELL.format(opening=opening, closing=closing, condition=condition)
    text, found = MINUS.subn(lambda _: "  " + block, anti_join, count=1)
    return text if found else None


# ---- the synthetic submissions ------------------------------------------------------------------

#: Share of Parties Party to each convention (most States are Party to all five).
MEMBERSHIP = {"basel": 0.95, "stockholm": 0.93, "rotterdam": 0.85, "minamata": 0.7, "montreal": 1.0}
#: Kinds of document a Party submits under each convention (those its requirements name first).
KINDS = {
    "stockholm": [
        "national-report",
        "national-implementation-plan",
        "inventory",
        "focal-point-designation",
        "monitoring-report",
        "notification",
    ],
    "basel": ["national-report", "focal-point-designation", "notification"],
    "rotterdam": [
        "import-response",
        "notification-of-final-regulatory-action",
        "focal-point-designation",
        "national-report",
    ],
    "minamata": ["national-report", "focal-point-designation", "inventory"],
    "montreal": ["national-report", "other"],
}
#: Kinds that fulfil no requirement: a Party with only these has its cells "not linked".
OTHER_KINDS = ["meeting-document", "guidance-document", "other"]
#: Languages of the documents, weighted; pt and de are outside the six, so "not in the languages".
LANGUAGES = {"en": 40, "fr": 15, "es": 15, "ar": 7, "ru": 7, "zh": 7, "pt": 5, "de": 4}
NO_DOCUMENT_SHARE = 0.12  # of (Party, convention) pairs with no document at all
FULFILS_SHARE = 0.15  # of documents linked to the requirements they fulfil
SENTENCES = {
    "en": [
        "The Party has taken measures to reduce releases of {chemical} from unintentional production.",
        "An inventory of stockpiles and wastes containing {chemical} was completed with the regional centre.",
        "Monitoring data on {chemical} in air and human milk were collected under the global monitoring plan.",
        "Alternatives to {chemical} were assessed and best available techniques applied in the sector.",
    ],
    "fr": [
        "La Partie a pris des mesures pour réduire les rejets de {chemical} de la production non intentionnelle.",
        "Un inventaire des stocks et des déchets contenant du {chemical} a été achevé avec l'appui du centre régional.",
        "Des données de surveillance du {chemical} dans l'air et le lait maternel ont été recueillies.",
    ],
    "es": [
        "La Parte ha adoptado medidas para reducir las liberaciones de {chemical} de la producción no intencional.",
        "Se completó un inventario de existencias y desechos que contienen {chemical} con el centro regional.",
        "Se recopilaron datos de vigilancia del {chemical} en el aire y la leche materna.",
    ],
    "ar": [
        "اتخذ الطرف تدابير للحد من إطلاقات {chemical} الناتجة عن الإنتاج غير المقصود.",
        "تم استكمال جرد للمخزونات والنفايات التي تحتوي على {chemical} بدعم من المركز الإقليمي.",
    ],
    "ru": [
        "Сторона приняла меры по сокращению выбросов {chemical} в результате непреднамеренного производства.",
        "Завершена инвентаризация запасов и отходов, содержащих {chemical}, при поддержке регионального центра.",
    ],
    "zh": [
        "缔约方已采取措施减少无意生产的{chemical}的排放。",
        "在区域中心的支持下完成了含{chemical}的库存和废物清单。",
    ],
    "pt": [
        "A Parte adotou medidas para reduzir as liberações de {chemical} da produção não intencional.",
        "Foi concluído um inventário de estoques e resíduos contendo {chemical}.",
    ],
    "de": [
        "Die Vertragspartei hat Maßnahmen zur Verringerung der Freisetzung von {chemical} ergriffen.",
        "Eine Bestandsaufnahme der Lagerbestände und Abfälle mit {chemical} wurde abgeschlossen.",
    ],
}
HEADINGS = ["I. Introduction", "II. Measures taken", "III. Inventories", "IV. Monitoring", "V. Technical assistance"]

RDF = PREFIXES["rdf"]
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
PROV = PREFIXES["prov"]
VOID = PREFIXES["void"]


class Quads:
    """Quads for one named graph, terms made once."""

    def __init__(self, graph: str, into: list[ox.Quad]) -> None:
        self.graph = ox.NamedNode(graph)
        self.into = into
        self.start = len(into)

    @staticmethod
    @functools.cache
    def node(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    def add(self, subject: str, predicate: str, obj: str | ox.Literal) -> None:
        term = obj if isinstance(obj, ox.Literal) else self.node(obj)
        self.into.append(ox.Quad(self.node(subject), self.node(predicate), term, self.graph))

    def __len__(self) -> int:
        return len(self.into) - self.start


def literal(value: str, *, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(value)


def catalog_entry(quads: list[ox.Quad], graph: str, source: str, triples: int, modified: str) -> None:
    c = Quads(CATALOG_GRAPH, quads)
    c.add(graph, RDF + "type", VOID + "Dataset")
    c.add(graph, DCTERMS + "source", literal(source))
    c.add(graph, CHM_NS + "sha256", literal(hashlib.sha256(source.encode()).hexdigest()))
    c.add(graph, DCTERMS + "modified", literal(modified, datatype=XSD + "dateTime"))
    c.add(graph, VOID + "triples", literal(str(triples), datatype=XSD + "integer"))


def synthetic(
    store: GraphStore, parties: int, paragraphs: int, seed: int, *, party_triples: bool = True
) -> tuple[list[ox.Quad], dict[str, int]]:
    """The quads of the synthetic submissions, and what they hold. With `party_triples`, each
    document's graph also declares its Party (type, country, partyTo), as ingestion writes it;
    without, the Parties are declared once, in their own graph."""
    rng = random.Random(seed)
    countries = sorted(
        (term_text(r["alpha3"]), term_text(r["country"]))
        for r in store.select(
            """SELECT DISTINCT ?country ?alpha3 WHERE {
                 ?country a chm:Country ; chm:iso3166Alpha3 ?alpha3 ; chm:inRegion ?group .
                 ?group skos:inScheme <https://w3id.org/chm-kg/id/scheme/un-regional-groups> }"""
        )
    )
    chosen = sorted(rng.sample(countries, min(parties, len(countries))))
    chemicals = sorted(
        (term_text(r["chemical"]), term_text(r["name"]))
        for r in store.select(
            'SELECT ?chemical ?name WHERE { ?chemical a chm:Chemical ; rdfs:label ?name FILTER(LANG(?name) = "en") }'
        )
    )
    topics = sorted(term_text(r["topic"]) for r in store.select("SELECT ?topic WHERE { ?topic a chm:Topic }"))
    requirements: dict[str, list[str]] = {}
    for r in store.select(
        "SELECT ?requirement ?convention WHERE { ?requirement a chm:InformationRequirement ; chm:forConvention ?convention }"  # noqa: E501
    ):
        requirements.setdefault(term_text(r["convention"]), []).append(term_text(r["requirement"]))
    for found in requirements.values():
        found.sort()
    modified = datetime.now(UTC).isoformat(timespec="seconds")
    languages, weights = list(LANGUAGES), list(LANGUAGES.values())
    quads: list[ox.Quad] = []
    counts: Counter[str] = Counter()
    declared = Quads(str(GRAPHS["bench/parties"]), quads)
    roster = Quads(str(GRAPHS["bench/roster"]), quads)
    for alpha3, country in chosen:
        party = iri.party(alpha3)
        conventions = [c for c, share in MEMBERSHIP.items() if rng.random() < share]
        declared.add(party, RDF + "type", CHM_NS + "Party")
        declared.add(party, CHM_NS + "representsCountry", country)
        for convention in conventions:
            declared.add(party, CHM_NS + "partyTo", iri.convention(convention))
        if rng.random() < 0.3:
            expert = iri.expert(f"bench expert {alpha3}")
            roster.add(expert, RDF + "type", CHM_NS + "Expert")
            roster.add(expert, PREFIXES["rdfs"] + "label", literal(f"Expert of {alpha3}", language="en"))
            roster.add(expert, CHM_NS + "nominatedBy", party)
            roster.add(expert, CHM_NS + "expertIn", rng.choice(topics))
            counts["experts"] += 1
        for convention in conventions:
            if rng.random() < NO_DOCUMENT_SHARE:
                continue
            for number in range(rng.randint(1, 4)):
                key = f"bench-{alpha3.lower()}-{convention}-{number}"
                kind = rng.choice(OTHER_KINDS) if rng.random() < 0.15 else rng.choice(KINDS[convention])
                language = rng.choices(languages, weights)[0]
                linked = requirements.get(iri.convention(convention), [])
                picked = rng.randint(1, 2) if rng.random() < FULFILS_SHARE else 0
                fulfils = rng.sample(linked, min(len(linked), picked))
                size = rng.randint(max(1, paragraphs // 2), max(1, paragraphs * 3 // 2))
                doc = Quads(iri.document_graph(key), quads)
                _document(
                    doc,
                    rng,
                    key,
                    party,
                    country,
                    convention,
                    kind,
                    language,
                    fulfils,
                    size,
                    chemicals,
                    topics,
                    party_triples,
                )
                catalog_entry(quads, doc.graph.value, f"bench/synthetic/{key}.txt", len(doc), modified)
                counts["documents"] += 1
                counts["paragraphs"] += size
                counts["linked documents"] += bool(fulfils)
                counts[f"documents in {language}"] += 1
    catalog_entry(quads, declared.graph.value, "bench/synthetic/parties.ttl", len(declared), modified)
    catalog_entry(quads, roster.graph.value, "bench/synthetic/roster.ttl", len(roster), modified)
    counts["parties"] = len(chosen)
    counts["quads"] = len(quads)
    return quads, dict(counts)


def _document(
    doc: Quads,
    rng: random.Random,
    key: str,
    party: str,
    country: str,
    convention: str,
    kind: str,
    language: str,
    fulfils: list[str],
    size: int,
    chemicals: list[tuple[str, str]],
    topics: list[str],
    party_triples: bool,
) -> None:
    """One submitted document's graph, as ingest/to_rdf.py writes it."""
    node = iri.document(key)
    year = rng.randint(2005, 2025)
    doc.add(node, RDF + "type", CHM_NS + "Document")
    doc.add(node, DCTERMS + "title", literal(f"{kind.replace('-', ' ')} {key}", language=language))
    doc.add(node, DCTERMS + "language", literal(language))
    doc.add(node, DCTERMS + "source", literal(f"{key}.txt"))
    doc.add(node, CHM_NS + "sha256", literal(f"{rng.getrandbits(256):064x}"))
    doc.add(node, DCTERMS + "format", literal("txt"))
    doc.add(node, CHM_NS + "documentKind", iri.document_kind(kind))
    doc.add(node, DCTERMS + "date", literal(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    doc.add(node, CHM_NS + "forConvention", iri.convention(convention))
    doc.add(node, CHM_NS + "submittedBy", party)
    if party_triples:  # as ingest/to_rdf.py `_party` does: the Party again in every document's graph
        doc.add(party, RDF + "type", CHM_NS + "Party")
        doc.add(party, CHM_NS + "representsCountry", country)
        doc.add(party, CHM_NS + "partyTo", iri.convention(convention))
    for requirement in fulfils:
        doc.add(node, CHM_NS + "fulfils", requirement)
    activity = iri.extraction(key)
    doc.add(activity, RDF + "type", CHM_NS + "Extraction")
    doc.add(activity, PROV + "used", node)
    agent = iri.extractor("gazetteer", "0.3.0")
    sentences = SENTENCES[language]
    for position in range(1, size + 1):
        paragraph = iri.paragraph(key, str(position))
        chemical, name = rng.choice(chemicals)
        text = " ".join(s.format(chemical=name) for s in rng.sample(sentences, min(2, len(sentences))))
        doc.add(paragraph, RDF + "type", CHM_NS + "Paragraph")
        doc.add(node, CHM_NS + "hasParagraph", paragraph)
        doc.add(paragraph, CHM_NS + "paragraphOf", node)
        doc.add(paragraph, CHM_NS + "position", literal(str(position), datatype=XSD + "integer"))
        doc.add(paragraph, PREFIXES["schema"] + "text", literal(f"{position}. {text}", language=language))
        doc.add(paragraph, DCTERMS + "language", literal(language))
        doc.add(paragraph, DCTERMS + "type", literal("paragraph"))
        doc.add(paragraph, CHM_NS + "paragraphNumber", literal(str(position)))
        doc.add(paragraph, CHM_NS + "headingPath", literal(HEADINGS[min(position * len(HEADINGS) // (size + 1), 4)]))
        mentioned = [chemical, country] + ([rng.choice(topics)] if rng.random() < 0.3 else [])
        for entity in mentioned:
            doc.add(paragraph, CHM_NS + "mentions", entity)
            assertion = iri.assertion(key, paragraph, CHM_NS + "mentions", f"{entity}|{position}")
            doc.add(assertion, RDF + "type", CHM_NS + "Assertion")
            doc.add(assertion, RDF + "subject", paragraph)
            doc.add(assertion, RDF + "predicate", CHM_NS + "mentions")
            doc.add(assertion, RDF + "object", entity)
            doc.add(assertion, CHM_NS + "derivedFromParagraph", paragraph)
            doc.add(assertion, PROV + "wasGeneratedBy", activity)
            doc.add(assertion, PROV + "wasAttributedTo", agent)
            doc.add(assertion, CHM_NS + "confidence", literal("0.95", datatype=XSD + "decimal"))


# ---- the store ----------------------------------------------------------------------------------


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    print(f"  chm {command[1]}: {time.monotonic() - started:.1f} s", flush=True)


def base_store(work: Path, store: Path | None, corpus: Path) -> Path:
    """A copy of `store`, or a store built from the corpus, in `work`."""
    target = work / "data"
    if store is not None:
        print(f"copying {store}", flush=True)
        shutil.copytree(store, target, ignore=shutil.ignore_patterns("LOCK"))
        return target
    print(f"building a store from {corpus} (chm init, chm ingest --no-index)", flush=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHM_")}
    env["CHM_DATA"] = str(target)
    run(BIN / "chm", "init", env=env)
    run(BIN / "chm", "ingest", corpus, "--no-index", env=env)
    return target


# ---- timing -------------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict[str, float | int]:
    values = np.asarray(seconds)
    return {
        "runs": len(seconds),
        "median_s": round(float(np.median(values)), 4),
        "p95_s": round(float(np.percentile(values, 95)), 4),
        "min_s": round(float(values.min()), 4),
        "max_s": round(float(values.max()), 4),
    }


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def cells(rows: Iterable[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]]) -> dict[tuple, tuple]:
    """(requirement, Party) → which of the row's other variables are bound (a SAMPLE may pick any
    value, so values are not compared)."""
    return {
        (term_text(r["requirement"]), term_text(r["party"])): tuple(sorted(set(r) - {"requirement", "party"}))
        for r in rows
    }


def measure(store: GraphStore, runs: int, naive_runs: int) -> tuple[dict[str, dict], dict[str, object]]:
    condition = queries.in_filter("language", UN_LANGUAGES)
    anti_join = queries.filled("gaps_obligations", FILTER=condition, VALUES="")
    naive = per_cell_text(anti_join, condition, naive=True)
    optional = per_cell_text(anti_join, condition, naive=False)
    if naive is None or optional is None:
        print("  no baseline: gaps_obligations.rq no longer has its anti-join as a MINUS")
        naive_runs = 0
    whole = ObligationsQuery()
    largest = ObligationsQuery(status="all", conditional=True)
    actions: dict[str, Callable[[], object]] = {
        "obligations matrix (mandatory)": lambda: obligations(store, whole),
        "obligations matrix (all, conditional)": lambda: obligations(store, largest),
        "gaps_obligations.rq (anti-join)": lambda: store.select(anti_join),
        **({"previous anti-join (OPTIONAL per cell)": lambda: store.select(optional)} if optional else {}),
        "gaps_requirements.rq": lambda: store.select(queries.load("gaps_requirements")),
        "gaps_parties.rq": lambda: store.select(queries.load("gaps_parties")),
        "gaps_party_countries.rq": lambda: store.select(queries.load("gaps_party_countries")),
        "gaps_fulfilled.rq": lambda: store.select(queries.load("gaps_fulfilled")),
        **{
            f"{name}.rq": functools.partial(store.select, queries.load(name))
            for name in ("gaps_submitted",)
            if name in queries.names()
        },
        "coverage": lambda: coverage(store),
        "indicators": lambda: indicators(store),
    }
    seconds: dict[str, list[float]] = {name: [] for name in [*actions, "naive FILTER NOT EXISTS"]}
    first: dict[str, float] = {}
    results: dict[str, object] = {}
    for name, action in actions.items():  # each once, cold: the first call after loading
        first[name], results[name] = timed(action)
        print(f"  first run  {name}: {first[name]:.3f} s", flush=True)
    naive_rows: list = []
    for turn in range(max(runs, naive_runs)):  # alternated, so the baseline and the anti-join see the same machine
        for name, action in actions.items() if turn < runs else ():
            seconds[name].append(timed(action)[0])
        if turn < naive_runs:  # it is slow: no cold run of its own; the first timed one gives its rows
            took, rows = timed(lambda: store.select(naive))
            seconds["naive FILTER NOT EXISTS"].append(took)
            naive_rows = naive_rows or rows  # type: ignore[assignment]
            print(f"  run {turn + 1}: naive FILTER NOT EXISTS {took:.3f} s", flush=True)
        if turn < runs:
            print(f"  run {turn + 1}/{runs}: matrix {seconds['obligations matrix (mandatory)'][-1]:.3f} s", flush=True)
    timings = {name: {**summary(s), "first_s": round(first.get(name, s[0]), 4)} for name, s in seconds.items() if s}
    matrix = results["obligations matrix (mandatory)"]
    anti_rows = results["gaps_obligations.rq (anti-join)"]
    antijoin_cells, naive_cells = cells(anti_rows), cells(naive_rows)  # type: ignore[arg-type]
    checks = {
        "matrix": matrix,
        "largest": results["obligations matrix (all, conditional)"],
        "coverage": results["coverage"],
        "indicators": results["indicators"],
        "anti_join_cells": len(antijoin_cells),
        "naive_cells": len(naive_cells),
        "same_cells": antijoin_cells == naive_cells if naive_runs else None,
        "naive_query": naive,
        "previous_query": optional,
        "cells_differing": len(set(antijoin_cells.items()) ^ set(naive_cells.items())),
        "previous_same_cells": (
            cells(results["previous anti-join (OPTIONAL per cell)"]) == antijoin_cells  # type: ignore[arg-type]
            if "previous anti-join (OPTIONAL per cell)" in results
            else None
        ),
    }
    return timings, checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the corpus to start from (copied)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="documents to ingest without --store")
    parser.add_argument("--parties", type=int, default=190, help="synthetic Parties (real countries)")
    parser.add_argument("--paragraphs", type=int, default=15, help="mean paragraphs per synthetic document")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each measure")
    parser.add_argument(
        "--naive-runs",
        type=int,
        default=1,
        help="timed runs of the naive baseline (about 7 minutes each at 1M triples here); 0 skips it",
    )
    parser.add_argument(
        "--party-triples",
        choices=("per-document", "once"),
        default="per-document",
        help="per-document: each document's graph declares its Party again, as ingestion writes it "
        "(default); once: only the Parties' own graph does",
    )
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--work", type=Path, help="folder for the store (default: a temporary one, removed)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the temporary store is removed
    work = args.work or Path(tempfile.mkdtemp(prefix="chm-bench-gaps-"))
    try:
        report = bench(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")


def bench(args: argparse.Namespace, work: Path) -> dict[str, object]:
    commit, changed = _commit(), _changed()  # now: the code measured is what is imported now
    path = base_store(work, args.store, args.corpus)
    with GraphStore.create(path) as store:
        base = len(store)
        started = time.perf_counter()
        quads, made = synthetic(
            store, args.parties, args.paragraphs, args.seed, party_triples=args.party_triples == "per-document"
        )
        generated = time.perf_counter() - started
        store.add_quads(quads)
        loaded = time.perf_counter() - started - generated
        del quads
        triples = len(store)
        print(
            f"store: {base:,} quads (ontology, vocabularies, corpus) + {made['quads']:,} synthetic "
            f"= {triples:,}; {made['documents']:,} documents, {made['paragraphs']:,} paragraphs, "
            f"{made['parties']} Parties (generated {generated:.1f} s, loaded {loaded:.1f} s)",
            flush=True,
        )
        freeze_startup_heap()  # as the service does once it has started (api/app.py)
        timings, checks = measure(store, args.runs, args.naive_runs)
    matrix, largest = checks["matrix"], checks["largest"]
    naive = timings.get("naive FILTER NOT EXISTS")
    ratio = naive["median_s"] / timings["gaps_obligations.rq (anti-join)"]["median_s"] if naive else None
    previous = timings.get("previous anti-join (OPTIONAL per cell)")
    gained = previous["median_s"] / timings["gaps_obligations.rq (anti-join)"]["median_s"] if previous else None
    met = timings["obligations matrix (mandatory)"]["median_s"] < GOAL_MATRIX_S and triples >= TARGET_TRIPLES
    print_report(triples, made, matrix, largest, timings, checks, ratio, gained, met)
    found = checks["indicators"]
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "changed_since_commit": changed,
        "sizes": {
            "triples": triples,
            "base_triples": base,
            "synthetic_triples": made["quads"],
            "synthetic": made,
            "parties": matrix.parties,
            "requirements": len(matrix.requirements),
            "cells": matrix.summary["cells"],
            "fulfilled": matrix.summary["fulfilled"],
            "gaps": matrix.summary["gaps"],
            "gaps_by_reason": matrix.summary["by_reason"],
            "largest_matrix": {k: largest.summary[k] for k in ("requirements", "cells", "gaps")},
            "anti_join_rows": checks["anti_join_cells"],
            "coverage_gaps": checks["coverage"].summary,
            "indicator_documents": found.documents,
        },
        "timings": timings,
        "baseline": {
            "naive_query": checks["naive_query"],
            "same_cells": checks["same_cells"],
            "cells_differing": checks["cells_differing"],
            "naive_over_anti_join": round(ratio, 3) if ratio else None,
            "previous_query": checks["previous_query"],
            "previous_same_cells": checks["previous_same_cells"],
            "previous_over_anti_join": round(gained, 3) if gained else None,
        },
        "goal": {"matrix_median_s_under": GOAL_MATRIX_S, "at_triples": TARGET_TRIPLES, "met": met},
    }


def print_report(triples, made, matrix, largest, timings, checks, ratio, gained, met) -> None:  # type: ignore[no-untyped-def]
    summary_ = matrix.summary
    print(
        f"\n{triples:,} triples; {made['documents']:,} synthetic documents, {made['paragraphs']:,} paragraphs; "
        f"matrix: {summary_['requirements']} requirements x {matrix.parties} Parties = {summary_['cells']:,} cells, "
        f"{summary_['gaps']:,} gaps {summary_['by_reason']}; largest (all, conditional): "
        f"{largest.summary['requirements']} requirements, {largest.summary['cells']:,} cells"
    )
    width = max(len(name) for name in timings)
    print(f"\n{'measure'.ljust(width)}  runs  median s   p95 s   first s")
    for name, t in timings.items():
        print(f"{name.ljust(width)}  {t['runs']:>4}  {t['median_s']:>8.3f}  {t['p95_s']:>6.3f}  {t['first_s']:>8.3f}")
    if ratio is not None:
        same = "the same cells" if checks["same_cells"] else f"{checks['cells_differing']} cells differ"
        print(
            f"\nnaive FILTER NOT EXISTS / anti-join (median): {ratio:.2f}x ({same}; "
            f"{checks['anti_join_cells']:,} empty cells before the status filter)"
        )
    if gained is not None:
        same = "the same cells" if checks["previous_same_cells"] else "DIFFERENT cells"
        print(f"previous OPTIONAL per cell / MINUS anti-join (median): {gained:.2f}x ({same})")
    print(
        f"goal: the whole obligations matrix under {GOAL_MATRIX_S:g} s at {TARGET_TRIPLES:,} triples: "
        f"median {timings['obligations matrix (mandatory)']['median_s']:.3f} s at {triples:,} triples: "
        + ("met" if met else "NOT met" if triples >= TARGET_TRIPLES else "not measured at that size")
    )


def _changed() -> list[str]:
    """Files of graph/ and search/ that differ from the commit measured (edited, not yet committed)."""
    done = subprocess.run(["git", "status", "--porcelain", "graph", "search"], cwd=REPO, capture_output=True, text=True)
    return [line[3:] for line in done.stdout.splitlines()]


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or None


if __name__ == "__main__":
    main()
