"""Small helpers every stage shares: a term as text, and text in a language with the project's
fallback order."""

from __future__ import annotations

import pyoxigraph as ox

from .layout import LANGUAGES


def term_text(term) -> str | None:
    """A pyoxigraph term as the text results carry: an IRI or a literal's value, ``_:label`` for a
    blank node; None stays None."""
    if term is None:
        return None
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def in_language(by_lang: dict[str, str], lang: str, default: str | None = None) -> str | None:
    """The text in ``lang``, else in the project's languages in order, else the untagged one."""
    for key in (lang, *LANGUAGES, ""):
        if key in by_lang:
            return by_lang[key]
    return default


def triple_order(triple) -> tuple[str, str, str]:
    """The order the project writes triples in: by the text of subject, predicate and object."""
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def quad_order(quad) -> tuple[str, str, str, str]:
    """The order the project writes quads in: by graph, then as :func:`triple_order`."""
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))
