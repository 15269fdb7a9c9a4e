"""Display labels: the label (and comment) each resource shows a reader of each language, chosen
once, at build time, so that no query, page or report repeats the choice.

For each of the project's languages the build derives one named graph,
:func:`display_graph` (``<base>derived/labels/<language>``), holding for every resource that has
a label one ``rrii:displayLabel`` (and, where it has a comment or definition, one
``rrii:displayComment``). The choice: the best label property (:data:`LABEL_PROPERTIES`, best
first) in the reader's language; else in the next language of the project's order
(``messages/languages.toml``); else in any other language tag, the untagged first; among equals,
the smallest text. The literal keeps its own language tag, so a fallback shows as one (a page
marks it with that language).

The graphs are not part of the merged default graph: the named queries read them with
``GRAPH ?displayLabels``, which :func:`rrii_graph.queries.with_values` fixes to the graph of the
reader's language before the query runs (on an endpoint, as a filter), so that the dumps answer
the same way in any engine.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from .layout import DEFAULT_BASE, LANGUAGES, NAMESPACES
from .terms import term_text
from .timing import timed

LABEL_PROPERTIES = (NAMESPACES["skos"] + "prefLabel", NAMESPACES["rdfs"] + "label",
                    NAMESPACES["dct"] + "title", NAMESPACES["foaf"] + "name",
                    NAMESPACES["schema"] + "name")
COMMENT_PROPERTIES = (NAMESPACES["rdfs"] + "comment", NAMESPACES["skos"] + "definition")
KIND = "labels"  # the kind of the display graphs in a build's manifest
log = logging.getLogger(__name__)


def display_graph(lang: str, base_uri: str = DEFAULT_BASE) -> str:
    """The named graph of the display labels for readers of ``lang``."""
    return f"{base_uri}derived/labels/{lang}"


def display_label_property(base_uri: str = DEFAULT_BASE) -> str:
    return base_uri + "def#displayLabel"


def display_comment_property(base_uri: str = DEFAULT_BASE) -> str:
    return base_uri + "def#displayComment"


def fallback_order(lang: str, languages: Iterable[str] = LANGUAGES) -> tuple[str, ...]:
    """The language tags tried for a reader of ``lang``, in order."""
    return (lang, *(other for other in languages if other != lang))


def choose(by_tag: dict[str, object], lang: str, languages: Iterable[str] = LANGUAGES):
    """The value of ``by_tag`` (language tag, ``""`` for none, to value) to show a reader of
    ``lang``: the reader's language, the project's languages in order, then any other tag in
    sorted order (the untagged first). None when ``by_tag`` is empty."""
    for tag in fallback_order(lang, languages):
        if tag in by_tag:
            return by_tag[tag]
    return by_tag[min(by_tag)] if by_tag else None


def best_by_tag(store: ox.Store, properties: Iterable[str]) -> dict[object, dict[str, ox.Literal]]:
    """Subject -> language tag -> its best literal among ``properties`` (best first; among the
    literals of one property and tag, the smallest text), read from the default graph."""
    best: dict[object, dict[str, ox.Literal]] = {}
    for rank, prop in enumerate(properties):
        for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, ox.DefaultGraph()):
            literal = quad.object
            if not isinstance(literal, ox.Literal):
                continue
            tags = best.setdefault(quad.subject, {})
            tag = literal.language or ""
            found = tags.get(tag)
            if found is None:
                tags[tag] = (rank, literal)
            elif found[0] == rank and literal.value < found[1].value:
                tags[tag] = (rank, literal)
    return {s: {tag: lit for tag, (_rank, lit) in tags.items()} for s, tags in best.items()}


def display_quads(store: ox.Store, base_uri: str = DEFAULT_BASE,
                  languages: Iterable[str] = LANGUAGES) -> Iterator[ox.Quad]:
    """The quads of every display graph, from the store's default graph (the merge)."""
    languages = tuple(languages)
    for prop, sources in ((display_label_property(base_uri), LABEL_PROPERTIES),
                          (display_comment_property(base_uri), COMMENT_PROPERTIES)):
        predicate = ox.NamedNode(prop)
        best = best_by_tag(store, sources)
        graphs = {lang: ox.NamedNode(display_graph(lang, base_uri)) for lang in languages}
        for subject, by_tag in best.items():
            for lang in languages:
                yield ox.Quad(subject, predicate, choose(by_tag, lang, languages), graphs[lang])


def add_display_labels(dataset, languages: Iterable[str] = LANGUAGES) -> None:
    """Derive the display graphs into the dataset's store and record them in its manifest
    (kind ``labels``, never shown as data)."""
    languages = tuple(languages)
    store = dataset.store()
    with timed(log, "build", "display labels"):
        store.extend(list(display_quads(store, dataset.base_uri, languages)))
    for lang in languages:
        dataset.add_derived(display_graph(lang, dataset.base_uri),
                            {"kind": KIND, "source": "rrii_graph.labels"})


def display_labels(store: ox.Store, lang: str, base_uri: str = DEFAULT_BASE,
                   nodes: Iterable[str] | None = None) -> dict[str, str]:
    """IRI (``_:label`` for a blank node) -> its display label for readers of ``lang``, read
    from the display graph: of every resource, or of ``nodes`` only."""
    graph = ox.NamedNode(display_graph(lang, base_uri))
    predicate = ox.NamedNode(display_label_property(base_uri))
    if nodes is None:
        quads = store.quads_for_pattern(None, predicate, None, graph)
    else:
        quads = (q for text in nodes
                 for q in store.quads_for_pattern(
                     ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text),
                     predicate, None, graph))
    return {term_text(q.subject): q.object.value for q in quads}
