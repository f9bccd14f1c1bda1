"""`/synthesis` served for real (uvicorn on a free port) over the ingested corpus, in JSON, CSV,
Markdown and HTML, by `?format=` and by `Accept`; and `chm synthesize`."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from search.index import default_folder
from tests.conftest import live_server, run_chm
from tests.search.test_synthesis import ID, MECHANISMS, OFF_TOPIC, TECHNICAL_ASSISTANCE

QUESTION = TECHNICAL_ASSISTANCE["en"]
QUESTION_RU = TECHNICAL_ASSISTANCE["ru"]
QUESTION_ZH = TECHNICAL_ASSISTANCE["zh"]
OFF_TOPIC_EN = OFF_TOPIC["en"]
TIMEOUT = 120


@pytest.fixture(scope="module")
def base(corpus_store: Path) -> Iterator[str]:
    with live_server(corpus_store) as url:
        yield url


@pytest.fixture(scope="module")
def answer(base: str) -> dict[str, object]:
    response = httpx.get(f"{base}/synthesis", params={"q": QUESTION}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()  # type: ignore[no-any-return]


def _paragraph_text(base: str, iri: str) -> str:
    """The paragraph's text, asked of the service's own SPARQL endpoint."""
    response = httpx.post(
        f"{base}/sparql",
        data={"query": f"SELECT ?t WHERE {{ <{iri}> <https://schema.org/text> ?t }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=TIMEOUT,
    )
    bindings = response.json()["results"]["bindings"]
    assert len(bindings) == 1, iri
    return str(bindings[0]["t"]["value"])


def test_json_has_a_row_per_mechanism_each_citing_its_paragraphs(answer: dict[str, object]) -> None:
    assert answer["answered"] is True and answer["language"] == "en"
    rows = {row["entity"]: row for row in answer["rows"]}  # type: ignore[attr-defined]
    assert set(rows) >= MECHANISMS, sorted(rows)
    for entity in MECHANISMS:
        row = rows[entity]
        assert row["label"] and row["kind_label"] and row["evidence"]
        assert row["citations"] == [e["paragraph"] for e in row["evidence"]]
        assert all(iri.startswith(ID + "document/") for iri in row["citations"])


def test_every_summary_sentence_is_in_the_text_of_the_paragraph_it_cites(base: str, answer: dict[str, object]) -> None:
    summary = answer["summary"]
    assert summary
    cited = {iri for row in answer["rows"] for iri in row["citations"]}  # type: ignore[attr-defined]
    for sentence in summary:  # type: ignore[attr-defined]
        assert sentence["paragraph"] in cited
        assert sentence["text"] in _paragraph_text(base, sentence["paragraph"])


@pytest.mark.parametrize("question", [QUESTION_RU, QUESTION_ZH])
def test_the_same_rows_come_back_for_the_question_in_another_script(base: str, question: str) -> None:
    body = httpx.get(f"{base}/synthesis", params={"q": question}, timeout=TIMEOUT).json()
    assert body["answered"] is True
    rows = {row["entity"]: row for row in body["rows"]}
    assert set(rows) >= MECHANISMS, sorted(rows)
    assert all(rows[entity]["citations"] for entity in MECHANISMS)
    # Labelled in the question's language: the Chinese or Russian label, not the English one.
    language = body["language"]
    assert rows[ID + "convention/basel"]["label_language"] == language


def test_csv_by_accept_is_the_table_one_line_per_row(base: str, answer: dict[str, object]) -> None:
    response = httpx.get(f"{base}/synthesis", params={"q": QUESTION}, headers={"Accept": "text/csv"}, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "Accept" in response.headers["vary"]
    lines = list(csv.DictReader(io.StringIO(response.text)))
    assert [line["entity"] for line in lines] == [row["entity"] for row in answer["rows"]]  # type: ignore[attr-defined]
    for line in lines:
        cited = line["paragraphs"].split()
        assert cited and all(iri.startswith(ID + "document/") for iri in cited)
        # Each extract is followed by the IRI it quotes, one of the row's.
        quoted = re.findall(r"<(https://[^>]+)>", line["evidence"])
        assert quoted and set(quoted) <= set(cited)


def test_markdown_by_format_is_a_table_with_linked_citations(base: str, answer: dict[str, object]) -> None:
    response = httpx.get(f"{base}/synthesis", params={"q": QUESTION, "format": "markdown"}, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    rows = answer["rows"]
    assert len(table) == 1 + len(rows)  # type: ignore[arg-type]
    for row, line in zip(rows, table[1:], strict=True):  # type: ignore[call-overload]
        assert line.startswith(f"| {row['label']} |")
        links = re.findall(r"\]\((https://[^)]+)\)", line)
        assert set(row["citations"]) <= set(links)
    for sentence in answer["summary"]:  # type: ignore[attr-defined]
        quoted = " ".join(sentence["text"].split())  # one line each
        assert re.search(re.escape(quoted) + r" \[\[\d+\]\]\(" + re.escape(sentence["paragraph"]), text)


class _Page(HTMLParser):
    """The rows (data-entity), the citation links (data-iri, href) and the text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.entities: list[str] = []
        self.citations: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "tr" and found.get("data-entity"):
            self.entities.append(str(found["data-entity"]))
        if tag == "a" and found.get("data-iri"):
            self.citations.append((str(found["data-iri"]), str(found.get("href"))))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_for_a_browser_shows_the_table_with_links_to_the_paragraphs(base: str) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = httpx.get(f"{base}/synthesis", params={"q": QUESTION_ZH}, headers={"Accept": accept}, timeout=TIMEOUT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _Page()
    page.feed(response.text)
    assert page.lang == "zh"
    assert set(page.entities) >= MECHANISMS
    assert page.citations
    for iri, href in page.citations:  # IRIs the service mints link to their page on this server
        assert href == "/id/" + iri.removeprefix(ID)
    linked = httpx.get(f"{base}{page.citations[0][1]}", headers={"Accept": "text/turtle"}, timeout=TIMEOUT)
    assert linked.status_code == 200 and "chm:Paragraph" in linked.text


def test_no_evidence_is_said_in_every_format(base: str) -> None:
    body = httpx.get(f"{base}/synthesis", params={"q": OFF_TOPIC_EN}, timeout=TIMEOUT).json()
    assert body["answered"] is False and body["rows"] == [] and body["summary"] == []
    assert "no evidence" in body["message"]
    as_csv = httpx.get(f"{base}/synthesis", params={"q": OFF_TOPIC_EN, "format": "csv"}, timeout=TIMEOUT).text
    assert [line["evidence"] for line in csv.DictReader(io.StringIO(as_csv))] == [body["message"]]
    as_markdown = httpx.get(f"{base}/synthesis", params={"q": OFF_TOPIC_EN, "format": "markdown"}, timeout=TIMEOUT).text
    assert body["message"] in as_markdown and "| " not in as_markdown
    page = httpx.get(f"{base}/synthesis", params={"q": OFF_TOPIC_EN, "format": "html"}, timeout=TIMEOUT).text
    assert body["message"] in page


@pytest.mark.parametrize(
    ("params", "headers", "status", "words"),
    [
        ({"q": ""}, {}, 422, "empty"),
        ({"q": "mercury " * 300}, {}, 422, "characters"),
        ({"q": "mercury", "k": str(10**9)}, {}, 422, "k must be between"),
        ({"q": "mercury", "k": "0"}, {}, 422, "k must be between"),
        ({"q": "mercury", "k": "many"}, {}, 400, "integer"),
        ({"q": "mercury", "format": "xml"}, {}, 406, "unknown format"),
        ({"q": "mercury"}, {"Accept": "image/png"}, 406, "text/csv"),
        ({}, {}, 400, "Field required"),
    ],
)
def test_bad_requests_get_a_4xx_in_the_one_error_shape(
    base: str, params: dict[str, str], headers: dict[str, str], status: int, words: str
) -> None:
    response = httpx.get(f"{base}/synthesis", params=params, headers=headers, timeout=TIMEOUT)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status and words in error["message"]


@pytest.fixture(scope="module")
def cli_data(corpus_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A copy: the module's live server holds the corpus store open for writing.
    data = tmp_path_factory.mktemp("synthesis-cli") / "data"
    shutil.copytree(corpus_store, data, ignore=shutil.ignore_patterns("LOCK"))
    shutil.copytree(default_folder(corpus_store), default_folder(data))
    return data


def test_chm_synthesize_gives_the_same_table_as_json_and_markdown(cli_data: Path, answer: dict[str, object]) -> None:
    as_json = json.loads(run_chm("synthesize", QUESTION, "--format", "json", data=cli_data, check=True).stdout)
    assert [row["entity"] for row in as_json["rows"]] == [row["entity"] for row in answer["rows"]]  # type: ignore[attr-defined]
    assert as_json["summary"] == answer["summary"]
    markdown = run_chm("synthesize", QUESTION, "--format", "markdown", "-k", "100", data=cli_data, check=True).stdout
    for row in as_json["rows"]:
        assert f"| {row['label']} |" in markdown
        assert all(f"]({iri})" in markdown for iri in row["citations"])


def test_chm_synthesize_prints_a_table_or_says_there_is_no_evidence(base: str, cli_data: Path) -> None:
    question = "Comment l'assistance technique est-elle fournie au titre de chaque convention ?"
    expected = httpx.get(f"{base}/synthesis", params={"q": question}, timeout=TIMEOUT).json()
    table = run_chm("synthesize", question, data=cli_data, check=True).stdout
    words = set(table.split())
    for row in expected["rows"]:  # each row's label in French, wrapped as the column allows
        assert set(row["label"].split()) <= words, row["label"]
    for sentence in expected["summary"]:
        assert sentence["paragraph"] in table
    nothing = run_chm("synthesize", OFF_TOPIC_EN, data=cli_data, check=True)
    assert nothing.stdout.strip() == httpx.get(f"{base}/synthesis", params={"q": OFF_TOPIC_EN}).json()["message"]
    refused = run_chm("synthesize", "mercury", "-k", "1000", data=cli_data)
    assert refused.returncode == 1 and "k must be between" in refused.stderr
