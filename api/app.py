"""`create_app(settings)`: the FastAPI service over one store. The HTTP layer only translates
requests into calls on the core (graph.service) and renders the answers."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors, pages
from api.routes import gaps, linked_data, search, sparql, store, synthesis
from api.settings import Settings
from graph.executor import QueryExecutor
from graph.service import SparqlService
from graph.store import GraphStore
from search.embed import load_embedder
from search.index import SearchIndex
from search.service import BackgroundRefresher, Searcher
from search.sparql_function import worker_functions

log = logging.getLogger(__name__)
_WRITES = {"POST", "PUT", "DELETE"}
_WRITE_PATHS = ("/update", "/store")


def create_app(settings: Settings) -> FastAPI:
    """The service for the store in `settings.data` (which `chm init` must have created)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        graph_store = GraphStore.open(settings.data)
        executor = QueryExecutor(
            snapshot_folder(settings.data),
            workers=settings.query_workers,
            timeout_s=settings.query_timeout_s,
            row_cap=settings.row_cap,
            functions=worker_functions(settings.search_folder(), settings.embed_model, settings.embed_threads),
        )
        app.state.store = graph_store
        app.state.service = SparqlService(graph_store, executor, union_default_graph=settings.union_default_graph)
        try:
            app.state.searcher = open_searcher(settings, graph_store)
        except BaseException:
            app.state.service.close()
            graph_store.close()
            raise
        app.state.refresher = BackgroundRefresher(app.state.searcher)
        log.info("serving %s (%d quads)", settings.data, len(graph_store))
        freeze_startup_heap()
        try:
            yield
        finally:
            gc.unfreeze()  # what this app loaded can be collected once it has gone
            app.state.refresher.stop()
            app.state.searcher.close()
            app.state.service.close()
            graph_store.close()

    app = FastAPI(title="chm-kg", summary="Knowledge graph of the chemicals and waste conventions", lifespan=lifespan)
    app.state.settings = settings
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["Content-Type", "Content-Length", "Vary"],
    )
    errors.install(app)

    app.add_middleware(SearchFollowsWrites)
    app.add_middleware(sparql.SparqlQueries)  # the last added runs first: queries skip the rest

    app.state.templates = pages.page_templates()
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.include_router(sparql.router)
    app.include_router(store.router)
    app.include_router(linked_data.router)
    app.include_router(search.router)
    app.include_router(synthesis.router)
    app.include_router(gaps.router)

    @app.get("/health", summary="Liveness: the service is up and has its store open")
    async def health(request: Request) -> dict[str, object]:
        return {"status": "ok", "store": str(settings.data)}

    return app


def freeze_startup_heap() -> None:
    """Move what start-up loaded (modules, vocabularies, the index's metadata), which lives as long
    as the service, out of the collector's sight: otherwise every full collection walks it again,
    and a large answer (the obligations matrix's 15,000 rows at 1M triples) sets off several: on
    bench/bench_gaps.py's store, in one scratch measurement on a loaded machine, the matrix took
    1.53 s median as it was, 1.26 s frozen. Garbage is collected first, so none is kept."""
    gc.collect()
    gc.freeze()


def snapshot_folder(data: Path) -> Path:
    """Where query snapshots live: beside the store, on its file system (so they are hard links)."""
    return data.resolve().parent / f".{data.resolve().name}-snapshots"


class SearchFollowsWrites:
    """After a write that succeeded (a SPARQL update, a Graph Store PUT/POST/DELETE), ask for the
    search index to follow. Plain ASGI: it only watches the response status, at no cost to reads."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _WRITES or not scope["path"].startswith(_WRITE_PATHS):
            await self.app(scope, receive, send)
            return

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 300:
                refresher = getattr(scope["app"].state, "refresher", None)
                if refresher is not None:
                    refresher.request()
            await send(message)

        await self.app(scope, receive, watch)


def open_searcher(settings: Settings, graph_store: GraphStore) -> Searcher:
    """The search over the store: its index opened (refused if built with another model), brought in
    step with the graph, and the question pipelines warmed so the first question is not slow."""
    embedder = load_embedder(settings.embed_model, settings.embed_threads)
    index = SearchIndex.open_or_create(settings.search_folder(), embedder)
    report = index.sync(graph_store, embedder)
    log.info("search index: %d paragraphs (%d embedded now)", len(index.row_of), report.added)
    searcher = Searcher(graph_store, index, embedder)
    searcher.warm()
    return searcher
