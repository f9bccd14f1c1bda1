"""Shared fixtures: a store initialised once per session through the real `chm` command, and
copies of it for tests that change it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
CHM = Path(sys.executable).with_name("chm")


def run_chm(
    *args: str, data: Path | None = None, stdin: str | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the installed `chm` console script, as a user would."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHM_")}
    env["COLUMNS"] = "200"
    if data is not None:
        env["CHM_DATA"] = str(data)
    result = subprocess.run([str(CHM), *args], input=stdin, capture_output=True, text=True, env=env, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"chm {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def shared_vocab() -> Path:
    path = SHARED / "vocab"
    if not path.is_dir():
        pytest.skip("../shared/vocab is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def initialised_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the ontology and the bundled vocabularies (no external ones)."""
    data = tmp_path_factory.mktemp("store") / "data"
    run_chm("init", "--no-vocab", data=data, check=True)
    return data


@pytest.fixture
def store_copy(initialised_store: Path, tmp_path: Path) -> Iterator[Path]:
    """A private copy of the initialised store, free to change."""
    copy = tmp_path / "data"
    shutil.copytree(initialised_store, copy, ignore=shutil.ignore_patterns("LOCK"))
    yield copy


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip("../shared/corpus is not beside the checkout")
    return path


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory: pytest.TempPathFactory, shared_corpus: Path) -> Path:
    """A store built as `make run` builds it: the vocabularies (the UN ones too, when ../shared/vocab
    is there: the search bridges languages through their labels) and the whole corpus ingested
    through `chm ingest`, which also builds the search index."""
    data = tmp_path_factory.mktemp("corpus") / "data"
    run_chm("init", data=data, check=True)
    run_chm("ingest", str(shared_corpus), data=data, check=True)
    return data


SUBMISSIONS = DATA / "submissions"
PARTIES_GRAPH = "https://w3id.org/chm-kg/graph/parties"


@pytest.fixture(scope="session")
def submissions_store(tmp_path_factory: pytest.TempPathFactory, corpus_store: Path) -> Path:
    """The corpus store (with its search index) plus the synthetic submissions of
    tests/data/submissions, their Parties and experts, loaded as the README shows."""
    from search.index import default_folder

    data = tmp_path_factory.mktemp("submissions") / "data"
    shutil.copytree(corpus_store, data, ignore=shutil.ignore_patterns("LOCK"))
    shutil.copytree(default_folder(corpus_store), default_folder(data))
    run_chm("ingest", str(SUBMISSIONS), data=data, check=True)
    run_chm("load", str(SUBMISSIONS / "parties.ttl"), "--graph", PARTIES_GRAPH, data=data, check=True)
    return data


@contextmanager
def live_server(data: Path, **settings: str) -> Iterator[str]:
    """`chm serve` on a free port of 127.0.0.1, for real clients; yields its base URL. Settings are
    given as CHM_* environment values (update_token="t" → CHM_UPDATE_TOKEN=t)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHM_")}
    env |= {"CHM_DATA": str(data), "CHM_PORT": str(port), "CHM_HOST": "127.0.0.1"}
    env |= {f"CHM_{k.upper()}": str(v) for k, v in settings.items()}
    # The server's output goes to a file: a pipe nobody reads would block it once full.
    log = tempfile.NamedTemporaryFile(prefix="chm-serve-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen([str(CHM), "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"chm serve exited: {Path(log.name).read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError("chm serve did not answer within 60 s") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)
