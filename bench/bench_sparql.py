"""SPARQL service benchmark: `chm serve` against the Oxigraph server (PyPI `oxigraph`, the same
engine as the pyoxigraph the service embeds) on the same data, over HTTP on 127.0.0.1.

    .venv/bin/python bench/bench_sparql.py [--store DIR] [--rounds 30] [--clients 8] [--requests 120]
        [--pairs 4] [--workers N]

The store is built with `chm init` and `chm ingest ../shared/corpus` (or copied from `--store`,
with the search index beside it when there is one); `chm serve` runs on a copy of it, and is
measured once it has settled (it warms its search pipelines in a background thread after it
starts); Oxigraph runs on `chm export --format nquads` loaded with `oxigraph load`, served with
`--union-default-graph` (our default graph is the union of the named graphs). One query mix: an
entity's labels by IRI, labels with a language fallback (OPTIONAL + COALESCE), facet counts
(instances per class, chemicals per annex), a gap query two ways (countries without a regional
centre: MINUS, and OPTIONAL + !BOUND) and DESCRIBE. Every query is first run on both servers and
their answers compared.

At 1 client, requests go one at a time, alternating servers, and the median and p95 latency are
reported per kind of query and overall; at N clients (threads, one keep-alive connection each), a
fixed number of requests per client, bounded in time, gives the throughput, after one untimed run
on each server, in pairs of runs back to back (`--pairs`, the server going first alternating): the
throughput ratio is the median of the pairs' ratios, since the machine's own speed drifts more
between minutes than within a pair. The CPU time each server's processes use during those runs,
per query, gives a second ratio (Oxigraph's over ours) that a busy neighbour on the host moves
less. Prints the ratios against the goals (median at 1 client at most 1.25 x Oxigraph's,
throughput at N clients at least 0.8 x) and writes bench/results/sparql.json.
Both servers are stopped at the end, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pyoxigraph as ox

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = REPO / "bench/results/sparql.json"
CORPUS = REPO.parent / "shared/corpus"
GOAL_LATENCY_RATIO = 1.25  # ours / Oxigraph, median at 1 client: at most
GOAL_THROUGHPUT_RATIO = 0.8  # ours / Oxigraph, queries per second at N clients: at least
REQUEST_TIMEOUT_S = 60.0
START_TIMEOUT_S = 120.0

PROLOGUE = """PREFIX chm: <https://w3id.org/chm-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
SOLUTIONS = "application/sparql-results+json"
TURTLE = "text/turtle"
ENTITY_CLASSES = ("Chemical", "Country", "Article", "Region", "Organization", "RegionalCentre", "Decision", "Annex")
LISTED_CLASSES = ("Chemical", "Country", "Region", "Organization", "Article")
LANGUAGES = ("ar", "zh", "ru", "es", "fr", "nl")  # nl: no such labels, so every row falls back


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    accept: str


@dataclass
class Server:
    name: str
    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Load:
    """What N concurrent clients got done against one server."""

    completed: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # used by the server's processes meanwhile (Linux; else 0)

    @property
    def per_second(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0


# ---- data and servers ----------------------------------------------------------------------------


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    done = subprocess.run([str(c) for c in command], env=env, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    print(f"  {Path(str(command[0])).name} {command[1]}: {time.monotonic() - started:.1f} s", flush=True)


def chm_env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHM_")}
    env["CHM_DATA"] = str(data)
    return env


def prepare(work: Path, store: Path | None, corpus: Path) -> tuple[Path, Path]:
    """Our store (a copy, to serve) and an Oxigraph store loaded from its N-Quads export."""
    source = work / "source"
    if store is not None:
        print(f"copying {store}", flush=True)
        shutil.copytree(store, source, ignore=shutil.ignore_patterns("LOCK"))
    else:
        print(f"building a store from {corpus}", flush=True)
        run(BIN / "chm", "init", env=chm_env(source))
        run(BIN / "chm", "ingest", corpus, env=chm_env(source))
    ours = work / "ours" / "data"
    shutil.copytree(source, ours, ignore=shutil.ignore_patterns("LOCK"))
    index = source.parent / f"{source.name}-search"
    if store is not None and (store.parent / f"{store.name}-search").is_dir():
        index = store.parent / f"{store.name}-search"
    if index.is_dir():  # the search index beside the store: chm serve then starts without embedding the corpus
        shutil.copytree(index, ours.parent / "data-search")
    dump = work / "dump.nq"
    run(BIN / "chm", "export", "--format", "nquads", "-o", dump, env=chm_env(source))
    theirs = work / "oxigraph"
    run(oxigraph_binary(), "load", "--location", theirs, "--file", dump)
    return ours, theirs


def oxigraph_binary() -> Path:
    found = BIN / "oxigraph"
    if found.exists():
        return found
    which = shutil.which("oxigraph")
    if which is None:
        raise SystemExit("no oxigraph binary: .venv/bin/python -m pip install oxigraph (the server, from PyPI)")
    return Path(which)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(name: str, command: list[str], env: dict[str, str] | None, endpoint: str, log: Path) -> Server:
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(name, endpoint, process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            probe = httpx.get(endpoint, params={"query": "ASK {}"}, headers={"Accept": SOLUTIONS}, timeout=5)
            if probe.status_code == 200:
                return server
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer within {START_TIMEOUT_S:g} s")
        time.sleep(0.2)


def settle(server: Server, quiet_s: float = 3.0, limit_s: float = 600.0) -> None:
    """Wait until the server's processes use next to no CPU for `quiet_s` (chm serve warms its
    search pipelines in a background thread once it answers), so that the timings are of a server
    at rest. Linux only (/proc); elsewhere, no wait."""
    if not Path("/proc").is_dir():
        return
    deadline = time.monotonic() + limit_s
    used = cpu_seconds(server.process.pid)
    while time.monotonic() < deadline:
        time.sleep(quiet_s)
        now = cpu_seconds(server.process.pid)
        if now - used < 0.05 * quiet_s:
            return
        used = now
    print(f"  {server.name} still busy after {limit_s:g} s; measuring anyway", flush=True)


def cpu_seconds(group: int) -> float:
    """CPU seconds used so far by the processes of a process group (the server and its workers);
    0 where there is no /proc."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp
                total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def stop(server: Server) -> None:
    """SIGTERM, then SIGKILL to its process group (its query workers) if it lingers."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a server that died
        os.killpg(server.process.pid, signal.SIGKILL)


@contextlib.contextmanager
def servers(ours: Path, theirs: Path, logs: Path, workers: int | None) -> Iterator[tuple[Server, Server]]:
    started: list[Server] = []
    try:
        port = free_port()
        env = chm_env(ours) | {"CHM_HOST": "127.0.0.1", "CHM_PORT": str(port)}
        if workers is not None:
            env["CHM_QUERY_WORKERS"] = str(workers)
        started.append(
            start("chm", [str(BIN / "chm"), "serve"], env, f"http://127.0.0.1:{port}/sparql", logs / "chm.log")
        )
        settle(started[0])
        port = free_port()
        command = [str(oxigraph_binary()), "serve", "--location", str(theirs), "--bind", f"127.0.0.1:{port}"]
        command.append("--union-default-graph")
        started.append(start("oxigraph", command, None, f"http://127.0.0.1:{port}/query", logs / "oxigraph.log"))
        yield started[0], started[1]
    finally:
        for server in started:
            stop(server)


# ---- the query mix -------------------------------------------------------------------------------


def ask(endpoint: str, query: str) -> list[dict[str, str]]:
    answer = httpx.get(endpoint, params={"query": PROLOGUE + query}, headers={"Accept": SOLUTIONS}, timeout=60)
    answer.raise_for_status()
    return [{k: v["value"] for k, v in row.items()} for row in answer.json()["results"]["bindings"]]


def query_mix(endpoint: str, entities_per_kind: int = 24) -> dict[str, list[Query]]:
    """Each kind of query with its variants, drawn (seeded) from the data the server holds."""
    classes = " ".join(f"chm:{name}" for name in ENTITY_CLASSES)
    rows = ask(endpoint, f"SELECT DISTINCT ?e WHERE {{ VALUES ?class {{ {classes} }} ?e a ?class }} ORDER BY ?e")
    entities = random.Random(4).sample([row["e"] for row in rows], entities_per_kind)
    mix: dict[str, list[Query]] = {
        "label_lookup": [
            Query(
                "label_lookup",
                f"SELECT ?property ?label WHERE {{ VALUES ?property {{ rdfs:label skos:prefLabel skos:altLabel }} "
                f"<{iri}> ?property ?label }}",
                SOLUTIONS,
            )
            for iri in entities
        ],
        "label_fallback": [
            Query(
                "label_fallback",
                f"""SELECT ?e ?label WHERE {{
  ?e a chm:{cls} .
  OPTIONAL {{ ?e rdfs:label ?wanted FILTER(LANGMATCHES(LANG(?wanted), "{lang}")) }}
  OPTIONAL {{ ?e rdfs:label ?english FILTER(LANG(?english) = "en") }}
  OPTIONAL {{ ?e skos:prefLabel ?preferred FILTER(LANG(?preferred) = "en") }}
  BIND(COALESCE(?wanted, ?english, ?preferred, STR(?e)) AS ?label)
}} ORDER BY ?label ?e""",
                SOLUTIONS,
            )
            for cls in LISTED_CLASSES
            for lang in LANGUAGES
        ],
        "facet_classes": [
            Query(
                "facet_classes",
                "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
                "GROUP BY ?class ORDER BY DESC(?n) ?class",
                SOLUTIONS,
            )
        ],
        "facet_annexes": [
            Query(
                "facet_annexes",
                "SELECT ?annex (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a chm:Chemical ; chm:listedIn ?annex } "
                "GROUP BY ?annex ORDER BY ?annex",
                SOLUTIONS,
            )
        ],
        "gap_minus": [
            Query(
                "gap_minus",
                "SELECT ?country WHERE { ?country a chm:Country "
                "MINUS { ?centre a chm:RegionalCentre ; chm:locatedIn ?country } } ORDER BY ?country",
                SOLUTIONS,
            )
        ],
        "gap_optional": [
            Query(
                "gap_optional",
                "SELECT ?country WHERE { ?country a chm:Country "
                "OPTIONAL { ?centre a chm:RegionalCentre ; chm:locatedIn ?country } FILTER(!BOUND(?centre)) } "
                "ORDER BY ?country",
                SOLUTIONS,
            )
        ],
        "describe": [Query("describe", f"DESCRIBE <{iri}>", TURTLE) for iri in entities],
    }
    return mix


def request(client: httpx.Client, server: Server, query: Query) -> bytes:
    # DESCRIBE goes without the prologue: it needs no prefix (it was also once read as a SELECT
    # when a PREFIX IRI held a `#`, which graph.protocol no longer does).
    text = PROLOGUE + query.text if query.accept == SOLUTIONS else query.text
    answer = client.get(server.endpoint, params={"query": text}, headers={"Accept": query.accept})
    if answer.status_code != 200:
        raise RuntimeError(f"{server.name}: {answer.status_code} for {query.kind}: {answer.text[:300]}")
    return answer.content


def canonical(query: Query, body: bytes) -> object:
    """An answer in a form two servers can be compared on: the multiset of rows, or of triples."""
    if query.accept == SOLUTIONS:
        rows = json.loads(body)["results"]["bindings"]
        return Counter(json.dumps(row, sort_keys=True) for row in rows)
    return Counter(str(t) for t in ox.parse(body, ox.RdfFormat.TURTLE) if not isinstance(t.subject, ox.BlankNode))


def compare(ours: Server, theirs: Server, mix: dict[str, list[Query]]) -> dict[str, int]:
    """Run every query on both; raise if any answer differs. Returns the queries checked per kind."""
    checked: dict[str, int] = {}
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as a, httpx.Client(timeout=REQUEST_TIMEOUT_S) as b:
        for kind, queries in mix.items():
            for query in queries:
                mine, other = canonical(query, request(a, ours, query)), canonical(query, request(b, theirs, query))
                if mine != other:
                    raise RuntimeError(f"{kind}: the servers disagree on\n{query.text}")
            checked[kind] = len(queries)
    return checked


# ---- measurements --------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 3),
        "p95_ms": round(percentile(values, 0.95) * 1000, 3),
        "n": len(values),
    }


def one_client(
    servers_: tuple[Server, Server], mix: dict[str, list[Query]], rounds: int, warmup: int
) -> dict[str, dict[str, list[float]]]:
    """Latencies in seconds per server and kind; each round runs every kind once on each server,
    the server that goes first alternating from round to round."""
    times: dict[str, dict[str, list[float]]] = {s.name: {kind: [] for kind in mix} for s in servers_}
    clients = {s.name: httpx.Client(timeout=REQUEST_TIMEOUT_S) for s in servers_}
    try:
        for index in range(warmup + rounds):
            order = servers_ if index % 2 == 0 else servers_[::-1]
            for kind, queries in mix.items():
                query = queries[index % len(queries)]
                for server in order:
                    started = time.perf_counter()
                    request(clients[server.name], server, query)
                    elapsed = time.perf_counter() - started
                    if index >= warmup:
                        times[server.name][kind].append(elapsed)
    finally:
        for client in clients.values():
            client.close()
    return times


def concurrent(server: Server, mix: dict[str, list[Query]], clients: int, per_client: int, limit_s: float) -> Load:
    """`clients` threads, each with its own connection, each sending `per_client` requests from the
    mix (each starting at a different place in it), or fewer if `limit_s` runs out."""
    sequence = [
        query for queries in zip(*(cycle(q, per_client) for q in mix.values()), strict=True) for query in queries
    ]
    load = Load()
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)
    deadline = [float("inf")]  # set when the clock starts

    def work(offset: int) -> None:
        with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
            request(client, server, sequence[offset])  # open the connection before the clock starts
            barrier.wait()
            for step in range(per_client):
                if time.monotonic() > deadline[0]:
                    return
                try:
                    request(client, server, sequence[(offset + step) % len(sequence)])
                except (httpx.HTTPError, RuntimeError) as error:
                    with lock:
                        load.errors.append(str(error)[:200])
                    continue
                with lock:
                    load.completed += 1

    threads = [threading.Thread(target=work, args=(i * 7,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + REQUEST_TIMEOUT_S + limit_s  # a bound while the clients connect
    barrier.wait(timeout=REQUEST_TIMEOUT_S)
    deadline[0] = time.monotonic() + limit_s
    started, cpu_started = time.perf_counter(), cpu_seconds(server.process.pid)
    for thread in threads:
        thread.join(timeout=limit_s + REQUEST_TIMEOUT_S)
    load.seconds = time.perf_counter() - started
    load.cpu_seconds = cpu_seconds(server.process.pid) - cpu_started
    return load


def cycle(queries: list[Query], n: int) -> list[Query]:
    return [queries[i % len(queries)] for i in range(n)]


# ---- report --------------------------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {"pyoxigraph": ox.__version__, "python": platform.python_version()}
    done = subprocess.run([str(oxigraph_binary()), "--version"], capture_output=True, text=True, timeout=30)
    found["oxigraph_server"] = done.stdout.strip().removeprefix("oxigraph ")
    return found


def quads(server: Server) -> int:
    query = Query("count", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", SOLUTIONS)
    with httpx.Client(timeout=REQUEST_TIMEOUT_S) as client:
        return int(json.loads(request(client, server, query))["results"]["bindings"][0]["n"]["value"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, help="copy this chm store instead of building one from the corpus")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="documents to ingest (default ../shared/corpus)")
    parser.add_argument("--rounds", type=int, default=30, help="timed rounds of the mix at 1 client")
    parser.add_argument("--warmup", type=int, default=3, help="untimed rounds first")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients for the throughput run")
    parser.add_argument("--requests", type=int, default=120, help="requests per concurrent client")
    parser.add_argument("--limit", type=float, default=180.0, help="most seconds a throughput run may take")
    parser.add_argument(
        "--pairs",
        type=int,
        default=4,
        help="throughput runs of each server, in pairs run back to back (which goes first alternates); "
        "the ratio is the median of the pairs' ratios",
    )
    parser.add_argument("--workers", type=int, help="CHM_QUERY_WORKERS for chm serve (default: the service's own)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--keep", action="store_true", help="keep the working folder (stores, dump, logs)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="chm-bench-sparql-"))
    try:
        ours_data, theirs_data = prepare(work, args.store, args.corpus)
        with servers(ours_data, theirs_data, work, args.workers) as (ours, theirs):
            counts = {ours.name: quads(ours), theirs.name: quads(theirs)}
            if counts[ours.name] != counts[theirs.name]:
                raise RuntimeError(f"the stores differ: {counts}")
            mix = query_mix(ours.endpoint)
            checked = compare(ours, theirs, mix)
            print(f"{counts[ours.name]} quads on both; same answers to {sum(checked.values())} queries", flush=True)

            print(f"1 client: {args.rounds} rounds of {len(mix)} kinds on each server", flush=True)
            times = one_client((ours, theirs), mix, args.rounds, args.warmup)
            print(f"{args.clients} clients x {args.requests} requests on each server", flush=True)
            # One untimed run each first: chm-kg's first runs at N clients were about 10 % slower
            # than its later ones (Oxigraph's were not), and a served service is a warm one.
            for server in (ours, theirs):
                concurrent(server, mix, args.clients, args.requests, args.limit)
            # Pairs back to back, the first server alternating, so that neither always runs on a
            # cooler machine and a slow minute of the machine weighs on both sides of one ratio.
            pairs = []
            for index in range(args.pairs):
                order = (ours, theirs) if index % 2 == 0 else (theirs, ours)
                pairs.append({s.name: concurrent(s, mix, args.clients, args.requests, args.limit) for s in order})
        report = build_report(args, counts[ours.name], checked, times, pairs)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_report(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output}")


def build_report(
    args: argparse.Namespace,
    quads_: int,
    checked: dict[str, int],
    times: dict[str, dict[str, list[float]]],
    pairs: list[dict[str, Load]],
) -> dict[str, object]:
    latency: dict[str, object] = {}
    for kind in [*checked, "overall"]:
        row: dict[str, object] = {}
        for name, per_kind in times.items():
            values = [t for ts in per_kind.values() for t in ts] if kind == "overall" else per_kind[kind]
            row[name] = summary(values)
        row["median_ratio"] = round(row["chm"]["median_ms"] / row["oxigraph"]["median_ms"], 3)  # type: ignore[index]
        row["p95_ratio"] = round(row["chm"]["p95_ms"] / row["oxigraph"]["p95_ms"], 3)  # type: ignore[index]
        latency[kind] = row
    throughput: dict[str, object] = {}
    for name in pairs[0]:
        runs = [pair[name] for pair in pairs]
        throughput[name] = {
            "queries_per_second": round(sum(r.completed for r in runs) / sum(r.seconds for r in runs), 2),
            "cpu_ms_per_query": round(1000 * sum(r.cpu_seconds for r in runs) / sum(r.completed for r in runs), 3),
            "runs": [{"completed": r.completed, "seconds": round(r.seconds, 3), "errors": len(r.errors)} for r in runs],
            "first_errors": [e for r in runs for e in r.errors][:5],
        }
    kind_ratios = [row["median_ratio"] for kind, row in latency.items() if kind != "overall"]  # type: ignore[index]
    latency["geometric_mean_of_kind_median_ratios"] = round(statistics.geometric_mean(kind_ratios), 3)
    qps = {name: t["queries_per_second"] for name, t in throughput.items()}  # type: ignore[index]
    latency_ratio = latency["overall"]["median_ratio"]  # type: ignore[index]
    pair_ratios = [round(p["chm"].per_second / p["oxigraph"].per_second, 3) for p in pairs if p["oxigraph"].per_second]
    throughput_ratio = round(statistics.median(pair_ratios), 3)
    throughput["pair_ratios"] = pair_ratios
    throughput["pooled_ratio"] = round(qps["chm"] / qps["oxigraph"], 3)
    # CPU per query, Oxigraph's over ours: what the throughput ratio would be if both were bound
    # by CPU alone. A busy neighbour on the host moves it far less than it moves queries/s.
    cpu = {name: t["cpu_ms_per_query"] for name, t in throughput.items() if isinstance(t, dict)}
    if cpu["chm"]:
        throughput["cpu_ratio"] = round(cpu["oxigraph"] / cpu["chm"], 3)
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "versions": versions(),
        "store": {"quads": quads_, "source": str(args.store or args.corpus)},
        "settings": {
            "rounds": args.rounds,
            "warmup_rounds": args.warmup,
            "clients": args.clients,
            "requests_per_client": args.requests,
            "throughput_pairs": args.pairs,
            "chm_query_workers": args.workers or "default (CHM_QUERY_WORKERS unset)",
            "oxigraph": "serve --union-default-graph",
            "http": "GET ?query=, one keep-alive httpx connection per client, 127.0.0.1",
        },
        "queries_checked_equal": checked,
        "one_client_latency": latency,
        "concurrent_throughput": throughput,
        "goals": {
            "median_latency_ratio": {"value": latency_ratio, "goal": f"<= {GOAL_LATENCY_RATIO}"},
            "median_latency_met": latency_ratio <= GOAL_LATENCY_RATIO,
            "throughput_ratio": {"value": throughput_ratio, "goal": f">= {GOAL_THROUGHPUT_RATIO}"},
            "throughput_met": throughput_ratio >= GOAL_THROUGHPUT_RATIO,
        },
    }


def print_report(report: dict[str, object]) -> None:
    latency: dict[str, dict[str, object]] = report["one_client_latency"]  # type: ignore[assignment]
    print(f"\n1 client, latency in ms ({report['settings']['rounds']} rounds)")  # type: ignore[index]
    print(f"{'kind':<16}{'chm median':>12}{'chm p95':>10}{'oxi median':>12}{'oxi p95':>10}{'ratio':>8}")
    for kind, row in latency.items():
        if not isinstance(row, dict):
            continue
        mine, theirs = row["chm"], row["oxigraph"]
        print(
            f"{kind:<16}{mine['median_ms']:>12.2f}{mine['p95_ms']:>10.2f}"  # type: ignore[index]
            f"{theirs['median_ms']:>12.2f}{theirs['p95_ms']:>10.2f}{row['median_ratio']:>8.2f}"  # type: ignore[index]
        )
    print(f"geometric mean of the per-kind median ratios: {latency['geometric_mean_of_kind_median_ratios']}")
    throughput: dict[str, dict[str, object]] = report["concurrent_throughput"]  # type: ignore[assignment]
    clients = report["settings"]["clients"]  # type: ignore[index]
    print(
        f"\n{clients} clients: chm {throughput['chm']['queries_per_second']} q/s, "
        f"oxigraph {throughput['oxigraph']['queries_per_second']} q/s (all runs pooled); "
        f"ratio per pair of runs: {throughput['pair_ratios']}"
    )
    if "cpu_ratio" in throughput:
        print(
            f"CPU per query: chm {throughput['chm']['cpu_ms_per_query']} ms, "
            f"oxigraph {throughput['oxigraph']['cpu_ms_per_query']} ms (ratio {throughput['cpu_ratio']})"
        )
    goals: dict[str, object] = report["goals"]  # type: ignore[assignment]
    for key, met in (("median_latency_ratio", "median_latency_met"), ("throughput_ratio", "throughput_met")):
        figure = goals[key]
        verdict = "met" if goals[met] else "NOT met"
        print(f"{key}: {figure['value']} (goal {figure['goal']}): {verdict}")  # type: ignore[index]


if __name__ == "__main__":
    main()
