"""The HTML side of the service: the Jinja2 templates (api/templates) with the helpers they use,
the static files (api/static), and links that keep browsing on this server."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.templating import Jinja2Templates

from api.i18n import LANGUAGE_NAMES, text_direction, ui
from api.negotiation import page_language, preferred_languages
from graph.labels import compact

HERE = Path(__file__).resolve().parent
TEMPLATES_DIR = HERE / "templates"
#: Served at /static (the app mounts it).
STATIC_DIR = HERE / "static"
DEFAULT_BASE_IRI = "https://w3id.org/chm-kg/"
#: Characters left as they are in a path (RFC 3986 pchar, "/" and existing escapes).
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def page_templates() -> Jinja2Templates:
    """The templates, with the helpers every page may use: `ui`, `text_direction`,
    `language_name`, `compact` (a prefixed name) and `request_language(request)`."""
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.globals.update(
        ui=ui,
        text_direction=text_direction,
        language_name=lambda code: LANGUAGE_NAMES.get(code, code or "—"),
        compact=lambda iri: compact(iri) or iri,
        request_language=request_language,
    )
    return templates


def templates_of(request: Request) -> Jinja2Templates:
    """The app's templates (`app.state.templates`), created there on first use when the app set none."""
    state = request.app.state
    if getattr(state, "templates", None) is None:
        state.templates = page_templates()
    return state.templates  # type: ignore[no-any-return]


def request_language(request: Request) -> str:
    """The language to write a page in for this request: `?lang=`, then Accept-Language, then English."""
    return page_language(reader_languages(request))


def reader_languages(request: Request) -> list[str]:
    """The reader's languages, best first: `?lang=` (a link on the page), then Accept-Language."""
    chosen = preferred_languages(request.query_params.get("lang"))
    return list(dict.fromkeys([*chosen, *preferred_languages(request.headers.get("accept-language"))]))


def base_iri(request: Request) -> str:
    """The base of the IRIs this server resolves (setting CHM_BASE_IRI), ending in "/"."""
    base = getattr(getattr(request.app.state, "settings", None), "base_iri", DEFAULT_BASE_IRI) or DEFAULT_BASE_IRI
    return base if base.endswith("/") else base + "/"


class Linker:
    """Where a link to an IRI goes: IRIs under `{base}id/` to `/id/...` on this server, others out."""

    def __init__(self, base: str, root_path: str = "") -> None:
        self.space = base + "id/"
        self.root = root_path.rstrip("/")

    def __call__(self, iri: str | None) -> str:
        if not iri:
            return "#"
        if iri.startswith(self.space):
            return f"{self.root}/id/{quote(iri[len(self.space) :], safe=_PATH_SAFE)}"
        return iri
