"""Content negotiation for the Linked Data pages, free of any web framework: the languages a reader
prefers (Accept-Language), and whether they want an HTML page or which RDF syntax (Accept).

q-values are respected; a media type takes its q from the most specific range that matches it
(`text/turtle` before `text/*` before `*/*`), as RFC 9110 says.
"""

from __future__ import annotations

from dataclasses import dataclass

from ontology import UN_LANGUAGES

#: The RDF syntaxes a resource is served in, in the order preferred when the client ties.
RDF_MEDIA_TYPES = ("text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml")
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
#: Other names clients use for the same syntaxes.
ALIASES = {
    "application/json": "application/ld+json",
    "application/x-turtle": "text/turtle",
}
#: Values of the `?format=` parameter that overrides Accept (links on the HTML page use it).
FORMAT_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "html": "text/html",
}
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def match(self, media_type: str) -> int:
        """How specifically this range matches `media_type`: 3 exactly, 2 `type/*`, 1 `*/*`, 0 not."""
        kind, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 1
        if self.type == kind and self.subtype == "*":
            return 2
        return 3 if (self.type, self.subtype) == (kind, sub) else 0


def parse_accept(accept: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed ones are left out."""
    ranges = []
    for part in (accept or "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, sub = media.lower().partition("/")
        q = _q(params)
        if slash and kind and sub and q is not None:
            ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(media_type: str, ranges: list[MediaRange]) -> tuple[float, int]:
    """The q-value the client gives `media_type`, and how specific the range that gave it is."""
    names = [media_type, *(alias for alias, target in ALIASES.items() if target == media_type)]
    best = (0.0, 0)
    for candidate in ranges:
        specificity = max(candidate.match(name) for name in names)
        if specificity > best[1] or (specificity == best[1] and specificity and candidate.q > best[0]):
            best = (candidate.q, specificity)
    return best


def rdf_media_type(accept: str | None) -> str | None:
    """The RDF syntax to answer with (text/turtle when Accept is absent, empty or malformed), or
    None when the client accepts none of RDF_MEDIA_TYPES."""
    ranges = parse_accept(accept)
    if not ranges:
        return RDF_MEDIA_TYPES[0]
    scored = [(quality(m, ranges)[0], -i, m) for i, m in enumerate(RDF_MEDIA_TYPES)]
    q, _, media_type = max(scored)
    return media_type if q > 0 else None


def wants_html(accept: str | None) -> bool:
    """Whether the client asks for an HTML page: it names text/html (or XHTML) itself, not only
    through */*, with a q-value no lower than that of any RDF syntax (as browsers do)."""
    ranges = parse_accept(accept)
    html = max(
        (q for q, specificity in (quality(m, ranges) for m in HTML_MEDIA_TYPES) if specificity >= 2), default=0.0
    )
    rdf = max((quality(m, ranges)[0] for m in RDF_MEDIA_TYPES), default=0.0)
    return html > 0 and html >= rdf


def preferred_languages(accept_language: str | None) -> list[str]:
    """The primary language subtags of an Accept-Language header, best first ("fr-CH, en;q=0.8"
    → ["fr", "en"]); equal q-values keep their order, `*` and q=0 are left out."""
    weighted = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        q = _q(params)
        language = tag.split("-")[0].lower()
        if language and language != "*" and language.isalpha() and q:
            weighted.append((-q, index, language))
    return list(dict.fromkeys(language for _, _, language in sorted(weighted)))


def page_language(languages: list[str]) -> str:
    """The language to write the page in: the first preferred UN language, else English."""
    return next((language for language in languages if language in UN_LANGUAGES), DEFAULT_LANGUAGE)


def _q(params: list[str]) -> float | None:
    """The q parameter (1 when absent), or None when it is malformed or out of [0, 1]."""
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value)
            except ValueError:
                return None
            return q if 0 <= q <= 1 else None
    return 1.0
