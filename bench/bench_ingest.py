"""Ingestion benchmark: precision and recall per kind of fact against the dev gold set, and
paragraphs per second on the corpus and on a synthetic corpus, against spaCy's own pipeline run
over the same paragraphs in the same process.

    .venv/bin/python bench/bench_ingest.py [--corpus ../shared/corpus] [--synthetic 10000]

Prints a table and writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402

from graph import bootstrap, queries  # noqa: E402
from graph.store import GraphStore, term_text  # noqa: E402
from ingest import iri  # noqa: E402
from ingest.nlp import TRAINED  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

GOLD = REPO / "tests/data/gold/un-documents.json"
RESULTS = REPO / "bench/results"


def score(gold: set, found: set) -> dict[str, float | int]:
    hit = len(gold & found)
    return {
        "gold": len(gold),
        "found": len(found),
        "correct": hit,
        "precision": round(hit / len(found), 3) if found else (1.0 if not gold else 0.0),
        "recall": round(hit / len(gold), 3) if gold else 1.0,
    }


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip().lower()


def extracted(store: GraphStore) -> dict[str, dict[str, set]]:
    """What the store holds, per document key and kind, in the gold set's terms."""
    out: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    labels = defaultdict(set)
    for row in store.select(
        "SELECT ?e ?l WHERE { ?e a chm:Organization ; rdfs:label|skos:altLabel|skos:prefLabel ?l }"
    ):
        labels[term_text(row["e"])].add(_norm(term_text(row["l"])))
    for row in store.select(queries.load("document_mentions")):
        doc = term_text(row["document"]).rsplit("/", 1)[-1]
        entity, cls = term_text(row["entity"]), term_text(row["class"]).rsplit("#", 1)[-1]
        if cls == "Chemical":
            out[doc]["chemicals"].add(entity.rsplit("/", 1)[-1])
        elif cls == "Country":
            out[doc]["countries"].add(entity.rsplit("/", 1)[-1])
        elif cls == "Organization":
            out[doc]["organizations"].add(entity)
    out["_labels"] = labels  # type: ignore[assignment]
    for row in store.select(queries.load("regional_centres")):
        doc = term_text(row["document"]).rsplit("/", 1)[-1]
        convention = term_text(row["convention"]).rsplit("/", 1)[-1]
        country = term_text(row["country"]).rsplit("/", 1)[-1]
        out[doc]["centres"].add((convention, country))
        if "decision" in row:
            out[doc]["centre endorsements"].add((convention, country, term_text(row["decision"])))
    for row in store.select(queries.load("document_citations")):
        doc = term_text(row["document"]).rsplit("/", 1)[-1]
        kind = "cites_documents" if term_text(row["kind"]) == "document" else "cites_decisions"
        out[doc][kind].add(term_text(row["cited"]))
    for row in store.select(queries.load("information_requirements")):
        doc = term_text(row["requirement"]).split("/requirement/")[1].split("/")[0]
        info = _norm(term_text(row["information"]))
        out[doc]["annex_i rows"].add(info)
        out[doc]["annex_i fields"].add((info, "status", term_text(row["status"]).rsplit("#", 1)[-1].lower()))
        if "provision" in row:
            out[doc]["annex_i fields"].add((info, "provision", term_text(row["provision"]).rsplit("/", 1)[-1]))
        for side in ("from", "to"):
            # The gold set writes an undefined sender or receiver ("N/D") as no role.
            if side in row and not term_text(row[side]).endswith("/not-yet-defined"):
                out[doc]["annex_i fields"].add((info, side, term_text(row[side]).rsplit("/", 1)[-1]))
    for row in store.select(queries.load("information_needs")):
        doc = term_text(row["need"]).split("/need/")[1].split("/")[0]
        number = term_text(row["number"]) if "number" in row else "?"
        out[doc]["information_needs"].add(number)
        if "article" in row:
            out[doc]["need articles"].add((number, term_text(row["article"]).rsplit("/", 1)[-1]))
    return out


def gold_sets(document: dict) -> dict[str, set]:
    sets: dict[str, set] = defaultdict(set)
    for centre in document.get("centres", []):
        sets["centres"].add((centre["convention"], centre["country"]))
        if centre.get("endorsed_by"):
            sets["centre endorsements"].add(
                (centre["convention"], centre["country"], iri.decision(centre["endorsed_by"]))
            )
    sets["cites_documents"] = {iri.cited_document(d["symbol"]) for d in document.get("cites_documents", [])}
    sets["cites_decisions"] = {iri.decision(d["decision"]) for d in document.get("cites_decisions", [])}
    sets["chemicals"] = {c["id"] or iri.slug(c["name"]) for c in document.get("chemicals", [])}
    # Groups (halons, POPs...) the reader judged optional: found ones are not counted as errors.
    sets["chemical groups"] = {c.get("id") or iri.slug(c["name"]) for c in document.get("chemical_groups", [])}
    sets["countries"] = {c["country"] for c in document.get("countries", [])}
    for row in document.get("annex_i", []):
        info = _norm(row["information"])
        sets["annex_i rows"].add(info)
        if row.get("status"):
            sets["annex_i fields"].add((info, "status", row["status"]))
        for provision in (row.get("article") or row.get("annex") or "").split(","):
            if provision.strip():
                sets["annex_i fields"].add((info, "provision", provision.strip()))
        for side in ("from", "to"):
            sets["annex_i fields"] |= {(info, side, r) for r in row.get(f"{side}_roles", [])}
    for need in document.get("information_needs", []):
        sets["information_needs"].add(need["paragraph"])
        sets["need articles"] |= {(need["paragraph"], a) for a in need["articles"]}
    return sets


def organization_score(gold: list[dict], found: set[str], labels: dict[str, set[str]]) -> dict[str, float | int]:
    """An organization matches when one of its labels is the gold name or acronym."""
    names = [{_norm(o["name"])} | ({_norm(o["acronym"])} if o.get("acronym") else set()) for o in gold]
    matched_gold = sum(1 for n in names if any(n & labels.get(e, set()) for e in found))
    matched_found = sum(1 for e in found if any(n & labels.get(e, set()) for n in names))
    return {
        "gold": len(gold),
        "found": len(found),
        "correct": matched_gold,
        "precision": round(matched_found / len(found), 3) if found else 0.0,
        "recall": round(matched_gold / len(gold), 3) if gold else 1.0,
    }


def quality(store: GraphStore) -> dict[str, dict[str, float | int]]:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["documents"]
    found = extracted(store)
    labels = found.pop("_labels")  # type: ignore[arg-type]
    totals: dict[str, dict[str, set]] = defaultdict(lambda: {"gold": set(), "found": set()})
    organizations = []
    for name, document in gold.items():
        key = iri.slug(name)
        for kind, expected in gold_sets(document).items():
            totals[kind]["gold"] |= {(key, x) for x in expected}
            totals[kind]["found"] |= {(key, x) for x in found[key].get(kind, set())}
        organizations.append(organization_score(document.get("organizations", []), found[key]["organizations"], labels))
    groups = totals.pop("chemical groups")["gold"]
    totals["chemicals"]["found"] -= groups - totals["chemicals"]["gold"]
    result = {kind: score(v["gold"], v["found"]) for kind, v in sorted(totals.items())}
    g = sum(o["gold"] for o in organizations)
    f = sum(o["found"] for o in organizations)
    c = sum(o["correct"] for o in organizations)
    p = sum(o["precision"] * o["found"] for o in organizations) / f if f else 0.0
    result["organizations"] = {"gold": g, "found": f, "correct": c, "precision": round(p, 3), "recall": round(c / g, 3)}
    return result


def speed(ingestor: Ingestor, store: GraphStore, paths: list[Path], label: str) -> dict[str, float]:
    """Paragraphs per second through the whole pipeline, and through spaCy alone (the baseline)."""
    started = time.perf_counter()
    report = ingestor.ingest(paths)
    elapsed = time.perf_counter() - started
    failed = report.failed
    if failed:
        raise SystemExit(f"{label}: {len(failed)} failed, first: {failed[0].path}: {failed[0].reason}")
    paragraphs = report.total("paragraphs")
    texts = [term_text(r["t"]) for r in store.select("SELECT ?t WHERE { ?p a chm:Paragraph ; schema:text ?t }")][
        :paragraphs
    ]
    nlp = spacy.load(TRAINED["en"])
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    baseline = time.perf_counter() - started
    return {
        "documents": len(report.outcomes),
        "paragraphs": paragraphs,
        "seconds": round(elapsed, 2),
        "paragraphs_per_second": round(paragraphs / elapsed, 1),
        "spacy_alone_paragraphs_per_second": round(len(texts) / baseline, 1),
        "ratio_to_spacy_alone": round((paragraphs / elapsed) / (len(texts) / baseline), 2),
    }


def synthetic_corpus(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """`count` short national reports, each a few numbered paragraphs naming real entities."""
    rng = random.Random(seed)
    countries = ["Kenya", "Brazil", "China", "Spain", "Uruguay", "Egypt", "Samoa", "Slovakia", "Mexico", "Kuwait"]
    chemicals = ["DDT", "polychlorinated biphenyls", "mercury", "lindane", "PFOS", "hexachlorobenzene"]
    conventions = ["Stockholm Convention", "Basel Convention", "Rotterdam Convention", "Minamata Convention"]
    paths = []
    for n in range(count):
        country, convention = rng.choice(countries), rng.choice(conventions)
        lines = [f"National report of {country} on the implementation of the {convention}", ""]
        for p in range(1, rng.randint(3, 7)):
            chemical = rng.choice(chemicals)
            lines.append(
                f"{p}. In {2005 + n % 18}, {country} reported on measures for {chemical} under article "
                f"{rng.randint(3, 15)} of the Convention, following decision "
                f"SC-{rng.randint(1, 9)}/{rng.randint(1, 20)} "
                f"and document UNEP/POPS/COP.{rng.randint(1, 9)}/{rng.randint(1, 30)}, with support from UNEP."
            )
        path = folder / f"report-{n:05d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared/corpus")
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic documents (0 to skip)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        raise SystemExit(f"{args.corpus}: no corpus folder")
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = GraphStore.create(Path(tmp) / "data")
        bootstrap.initialise(store)
        ingestor = Ingestor(store, validate=True)
        _ = ingestor.extractor  # build the gazetteer and pipelines outside the timings
        results["corpus_speed"] = speed(ingestor, store, [args.corpus], "corpus")
        results["quality"] = quality(store)
        if args.synthetic:
            folder = Path(tmp) / "synthetic"
            folder.mkdir()
            paths = synthetic_corpus(folder, args.synthetic)
            fast = Ingestor(store, validate=False)
            _ = fast.extractor
            results["synthetic_speed"] = speed(fast, store, paths, "synthetic")
            results["synthetic_speed"]["shacl_gate"] = "off"  # type: ignore[index]
        store.close()
    print_results(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS / 'ingest.json'}")
    return 0


def print_results(results: dict) -> None:
    print(f"{'kind':24} {'gold':>5} {'found':>6} {'correct':>8} {'precision':>10} {'recall':>8}")
    for kind, s in results["quality"].items():
        print(f"{kind:24} {s['gold']:>5} {s['found']:>6} {s['correct']:>8} {s['precision']:>10} {s['recall']:>8}")
    for name in ("corpus_speed", "synthetic_speed"):
        if name in results:
            s = results[name]
            print(
                f"{name}: {s['documents']} documents, {s['paragraphs']} paragraphs in {s['seconds']} s = "
                f"{s['paragraphs_per_second']} paragraphs/s; spaCy alone {s['spacy_alone_paragraphs_per_second']}/s "
                f"(ratio {s['ratio_to_spacy_alone']})"
            )


if __name__ == "__main__":
    sys.exit(main())
