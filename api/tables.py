"""Answering a table as JSON, CSV or (for the terminal) a rich Table: the choice of format by
`?format=` or `Accept`, and the CSV body."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response

from api.errors import ServiceError
from api.negotiation import parse_accept, quality

FORMATS = ("json", "csv")


def table_format(request: Request, asked: str | None) -> str:
    """`json` or `csv`: the `format` parameter when given, else the better of the two by Accept."""
    if asked is not None:
        if asked not in FORMATS:
            raise ServiceError(406, f"format: {asked!r} is not available; the formats are {', '.join(FORMATS)}")
        return asked
    ranges = parse_accept(request.headers.get("accept"))
    if not ranges:
        return "json"
    csv_q, json_q = quality("text/csv", ranges)[0], quality("application/json", ranges)[0]
    if csv_q > json_q:
        return "csv"
    if json_q == 0 and csv_q == 0:
        raise ServiceError(406, "this resource is available as application/json or text/csv")
    return "json"


def csv_response(header: Sequence[str], rows: Sequence[Sequence[str]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{name}.csv"'},
    )
