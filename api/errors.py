"""One error shape for the whole service: every failure is `{"error": {"status", "code",
"message"}}` in JSON, or a readable page for a browser. Each package's errors map to a status
here, once."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from graph.errors import (
    GraphError,
    QuerySyntaxError,
    RdfSyntaxError,
    StoreLockedError,
    UnsupportedFormatError,
    ValidationFailedError,
)
from graph.executor import QueryTimeoutError, ResultTooLargeError, ServiceBusyError
from graph.protocol import ProtocolError
from graph.service import GraphNotFoundError
from search.errors import BadSearchRequestError, EmbedderError, IndexMismatchError, IndexMissingError, SearchError

log = logging.getLogger(__name__)

#: (status, code) for each error class; the first match in order wins.
STATUS: list[tuple[type[Exception], int, str]] = [
    (ProtocolError, 400, "protocol"),
    (QuerySyntaxError, 400, "syntax"),
    (RdfSyntaxError, 400, "rdf_syntax"),
    (ResultTooLargeError, 400, "result_too_large"),
    (ValidationFailedError, 422, "shacl_violation"),
    (UnsupportedFormatError, 406, "not_acceptable"),
    (GraphNotFoundError, 404, "not_found"),
    (QueryTimeoutError, 503, "query_timeout"),
    (ServiceBusyError, 503, "busy"),
    (StoreLockedError, 503, "store_locked"),
    (GraphError, 500, "store_error"),
]
SEARCH_STATUS: list[tuple[type[Exception], int, str]] = [
    (BadSearchRequestError, 422, "invalid"),
    (IndexMissingError, 503, "no_search_index"),
    (IndexMismatchError, 503, "search_index_mismatch"),
    (EmbedderError, 503, "model_unavailable"),
]
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
}


class ServiceError(Exception):
    """An error raised by the HTTP layer itself (authorisation, body size)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def error_response(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The error as JSON, or as an HTML page when a browser asks for HTML."""
    accept = request.headers.get("accept", "")
    if "text/html" in accept and "json" not in accept.split(",")[0]:
        templates = getattr(request.app.state, "templates", None)
        if templates is not None:
            return templates.TemplateResponse(
                request,
                "error.html",
                {"status": status, "code": code, "message": message},
                status_code=status,
                headers=headers,
            )
        return HTMLResponse(f"<h1>{status}</h1><p>{message}</p>", status_code=status, headers=headers)
    body = {"error": {"status": status, "code": code, "message": message}}
    if status == 406:
        headers = {**(headers or {}), "Vary": "Accept"}
    return JSONResponse(body, status_code=status, headers=headers)


def graph_error_response(request: Request, error: GraphError) -> Response:
    """The response to a graph error, by the STATUS table (also used by the plain ASGI path for
    SPARQL queries, api.routes.sparql.SparqlQueries)."""
    for cls, status, code in STATUS:
        if isinstance(error, cls):
            if isinstance(error, ProtocolError):
                status, code = error.status, _CODES.get(error.status, code)
            if status >= 500 and code == "store_error":
                log.exception("store error", exc_info=error)
            return error_response(request, status, code, str(error))
    raise error  # pragma: no cover - GraphError is in the table


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(GraphError)
    async def graph_error(request: Request, error: GraphError) -> Response:
        return graph_error_response(request, error)

    @app.exception_handler(SearchError)
    async def search_error(request: Request, error: SearchError) -> Response:
        for cls, status, code in SEARCH_STATUS:
            if isinstance(error, cls):
                return error_response(request, status, code, str(error))
        return error_response(request, 500, "search_error", str(error))

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> Response:
        return error_response(request, error.status, _CODES.get(error.status, "error"), str(error), error.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        headers = dict(error.headers) if error.headers else None  # 405 keeps its Allow header
        return error_response(
            request, error.status_code, _CODES.get(error.status_code, "error"), str(error.detail), headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return error_response(request, 400, "bad_request", "; ".join(_validation_message(e) for e in error.errors()))


def _validation_message(error: dict[str, object]) -> str:
    """ "year: Input should be a valid integer", naming the field (not "query"/"body")."""
    location = [str(part) for part in error.get("loc", ()) if part not in ("query", "body")]  # type: ignore[attr-defined]
    return f"{'.'.join(location)}: {error.get('msg')}" if location else str(error.get("msg"))
