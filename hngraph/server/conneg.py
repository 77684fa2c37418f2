"""HTTP content negotiation: the best offered media type for an ``Accept`` header, and the
representations (``Variant``) a resource is offered in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hngraph.rdf.formats import FORMATS, RESOURCE_FORMATS


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """How exactly this range matches ``media_type`` (-1: not at all)."""
        wanted_type, _, wanted_subtype = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != wanted_type:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == wanted_subtype else -1


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed entries are skipped."""
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if "/" not in media:
            continue
        kind, _, subtype = media.partition("/")
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind.strip(), subtype.strip(), q))
    return ranges


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer with the highest q (ties: the earlier offer); ``None`` if none is acceptable.

    No Accept header (or an empty one) means anything: the first offer.
    """
    if not header or not header.strip():
        return offers[0] if offers else None
    ranges = parse_accept(header)
    best: tuple[float, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        matches = [(r.specificity(offer), r.q) for r in ranges if r.specificity(offer) >= 0]
        if not matches:
            continue
        q = max(matches)[1]  # the most specific range decides
        if q > 0 and (best is None or q > best[0]):
            best, chosen = (q, index), offer
    return chosen


# --- the representations of a resource -------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One representation of a resource: its name (``?format=``), media type and which release
    file holds its bytes (``index.<file_key>``)."""

    key: str
    media_type: str
    content_type: str
    file_key: str

    @property
    def file_name(self) -> str:
        """The release file with these bytes, e.g. ``index.ttl``."""
        extension = ".html" if self.file_key == "html" else FORMATS[self.file_key].extension
        return "index" + extension


def _variants() -> tuple[Variant, ...]:
    rdf = [
        Variant(key, FORMATS[key].media_type, FORMATS[key].content_type, key)
        for key in RESOURCE_FORMATS
    ]
    # JSON-LD 1.1 "Interpreting JSON as JSON-LD": a client that asks for plain JSON gets the
    # JSON-LD body as application/json, the context also named in a Link header (responses.py)
    json = Variant("json", "application/json", "application/json", "jsonld")
    return (Variant("html", "text/html", "text/html; charset=utf-8", "html"), *rdf, json)


#: Every representation, in the order that breaks ties (``*/*`` gets HTML).
VARIANTS: tuple[Variant, ...] = _variants()
VARIANT_KEYS = tuple(v.key for v in VARIANTS)


def negotiate(forced: str | None, accept: str | None) -> Variant | None:
    """The representation for a request: the forced one (``?format=``, ``index.ttl``) if known,
    else the best match for ``accept``; ``None`` when neither names one."""
    if forced is not None:
        return next((v for v in VARIANTS if v.key == forced), None)
    chosen = choose(accept, [v.media_type for v in VARIANTS])
    return next((v for v in VARIANTS if v.media_type == chosen), None)
