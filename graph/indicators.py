"""The clearing-house plan's performance indicators, computed from the graph: documents per
category, Party, language and year; information sources; Parties with a designated focal point;
network members by region and category; gaps identified and closed over time (from the dated
snapshots `chm gaps --record` stores)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from graph import queries
from graph.labels import labels_of
from graph.store import GraphStore, term_text

NOT_GIVEN = "(not given)"


@dataclass
class SnapshotTrend:
    snapshot: str
    created: str
    gaps: int
    new: int  # gaps not in the snapshot before it
    closed: int  # gaps of the snapshot before it that are no longer found


@dataclass
class Indicators:
    documents: int
    documents_per_kind: dict[str, int]
    documents_per_party: dict[str, int]
    documents_per_language: dict[str, int]
    documents_per_year: dict[str, int]
    documents_per_convention: dict[str, int]
    information_sources: int
    parties: dict[str, int]  # convention → Parties known to be Party to it
    parties_with_focal_point: dict[str, int]  # convention → those with a designated focal point
    network_members: dict[str, dict[str, int]]  # category → region → members
    gaps_over_time: list[SnapshotTrend]


def indicators(store: GraphStore, label_languages: Sequence[str] = ("en",)) -> Indicators:
    kinds: dict[str, set[str]] = defaultdict(set)
    languages: dict[str, set[str]] = defaultdict(set)
    years: dict[str, set[str]] = defaultdict(set)
    parties: dict[str, set[str]] = defaultdict(set)
    conventions: dict[str, set[str]] = defaultdict(set)
    documents: set[str] = set()
    for r in store.select(queries.load("indicators_documents")):
        document = term_text(r["document"])
        documents.add(document)
        kinds[term_text(r["kind"]) if "kind" in r else NOT_GIVEN].add(document)
        languages[term_text(r["language"]) if "language" in r else NOT_GIVEN].add(document)
        years[term_text(r["date"])[:4] if "date" in r else NOT_GIVEN].add(document)
        parties[term_text(r["party"]) if "party" in r else NOT_GIVEN].add(document)
        conventions[term_text(r["convention"]) if "convention" in r else NOT_GIVEN].add(document)
    sources = {term_text(r["source"]) for r in store.select(queries.load("indicators_sources"))}
    party_count: Counter[str] = Counter()
    with_focal_point: Counter[str] = Counter()
    for r in store.select(queries.load("indicators_focal_points")):
        convention = term_text(r["convention"])
        party_count[convention] += 1
        if "designated" in r or "focal_point" in r:
            with_focal_point[convention] += 1
    members: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in store.select(queries.load("indicators_network")):
        region = term_text(r["region"]) if "region" in r else NOT_GIVEN
        members[term_text(r["category"])][region].add(term_text(r["member"]))
    # Parties are named by their country; the rest by their own labels.
    party_countries = {p: p.replace("/id/party/", "/id/country/") for p in parties if p != NOT_GIVEN}
    names = labels_of(
        store,
        [
            *kinds,
            *party_countries.values(),
            *conventions,
            *party_count,
            *members,
            *(r for per in members.values() for r in per),
        ],
        label_languages,
    )
    names[NOT_GIVEN] = NOT_GIVEN
    for party, country in party_countries.items():
        names[party] = names[country]

    def counted(groups: dict[str, set[str]]) -> dict[str, int]:
        return dict(sorted(((names.get(k, k), len(v)) for k, v in groups.items()), key=_most_first))

    return Indicators(
        documents=len(documents),
        documents_per_kind=counted(kinds),
        documents_per_party=counted(parties),
        documents_per_language=dict(
            sorted(((k, len(v)) for k, v in languages.items()), key=lambda kv: (-kv[1], kv[0]))
        ),
        documents_per_year=dict(sorted((k, len(v)) for k, v in years.items())),
        documents_per_convention=counted(conventions),
        information_sources=len(sources),
        parties={names[c]: n for c, n in sorted(party_count.items())},
        parties_with_focal_point={names[c]: with_focal_point[c] for c in sorted(party_count)},
        network_members={
            names[c]: {names.get(r, r): len(m) for r, m in sorted(per.items())} for c, per in members.items()
        },
        gaps_over_time=_trend(store),
    )


def _most_first(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _trend(store: GraphStore) -> list[SnapshotTrend]:
    keys: dict[str, set[str]] = {}
    created: dict[str, str] = {}
    for r in store.select(queries.load("indicators_snapshots")):
        snapshot = term_text(r["snapshot"])
        created[snapshot] = term_text(r["created"])
        found = keys.setdefault(snapshot, set())
        if "key" in r:
            found.add(term_text(r["key"]))
    trend: list[SnapshotTrend] = []
    previous: set[str] = set()
    for snapshot in sorted(keys, key=lambda s: created[s]):
        now = keys[snapshot]
        trend.append(SnapshotTrend(snapshot, created[snapshot], len(now), len(now - previous), len(previous - now)))
        previous = now
    return trend


def indicators_table(found: Indicators) -> tuple[list[str], list[list[str]]]:
    """One row per figure: indicator, what it is counted for, value."""
    rows: list[list[str]] = [["documents", "all", str(found.documents)]]
    for name in ("per_kind", "per_party", "per_language", "per_year", "per_convention"):
        for group, count in getattr(found, f"documents_{name}").items():
            rows.append([f"documents {name.replace('_', ' ')}", group, str(count)])
    rows.append(["information sources", "all", str(found.information_sources)])
    for convention, count in found.parties.items():
        rows.append(["parties", convention, str(count)])
        rows.append(
            ["parties with a designated focal point", convention, str(found.parties_with_focal_point[convention])]
        )
    for category, regions in found.network_members.items():
        for region, count in regions.items():
            rows.append(["network members", f"{category} / {region}", str(count)])
    for step in found.gaps_over_time:
        rows += [
            ["gaps identified", step.created, str(step.gaps)],
            ["gaps new", step.created, str(step.new)],
            ["gaps closed", step.created, str(step.closed)],
        ]
    return ["indicator", "group", "value"], rows
