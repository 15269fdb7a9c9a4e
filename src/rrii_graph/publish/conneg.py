"""Content negotiation: which representation of a resource to send for an Accept header, shared by
``rrii serve`` and by the nginx and Apache configurations that ``rrii publish`` writes."""

from __future__ import annotations

from .dumps import RESOURCE_SYNTAXES

# Extension -> media type of every representation of a resource, HTML first (the default).
REPRESENTATIONS = {"html": "text/html", **{s.extension: s.media_type for s in RESOURCE_SYNTAXES}}
ALIASES = {"application/xhtml+xml": "html", "application/json": "jsonld",
           "text/plain": "nt"}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first (ties keep the header's order)."""
    ranges = []
    for position, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            name, _, value = f.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((fields[0].lower(), q, position))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(media, q) for media, q, _ in ranges]


def negotiate(header: str | None, available: tuple[str, ...] = tuple(REPRESENTATIONS)
              ) -> str | None:
    """The extension to serve for an Accept header, or None when nothing acceptable exists."""
    for media, q in parse_accept(header):
        if q <= 0:
            continue
        if media in ("*/*", "text/*"):
            return "html" if "html" in available else available[0]
        ext = ALIASES.get(media) or next((e for e, m in REPRESENTATIONS.items() if m == media),
                                         None)
        if ext in available:
            return ext
    return None
