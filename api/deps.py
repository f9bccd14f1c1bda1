"""What the routes share: the service held by the app, the body size limit, the write token."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ServiceError
from graph.service import SparqlService


def service(request: Request) -> SparqlService:
    return request.app.state.service  # type: ignore[no-any-return]


async def read_body(request: Request) -> bytes:
    """The request body, refused past the configured limit (413) without reading it all."""
    limit = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ServiceError(413, f"the request body is {int(declared)} bytes, over the {limit} byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(413, f"the request body is over the {limit} byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def require_token(request: Request) -> None:
    """Writes need `Authorization: Bearer <CHM_UPDATE_TOKEN>`; with no token set the service is read-only."""
    token = request.app.state.settings.update_token
    if not token:
        raise ServiceError(403, "this service is read-only: no update token is configured (CHM_UPDATE_TOKEN)")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer "):
        raise ServiceError(401, "writes need an 'Authorization: Bearer <token>' header", {"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
        raise ServiceError(403, "the bearer token is not the one configured for writes")
