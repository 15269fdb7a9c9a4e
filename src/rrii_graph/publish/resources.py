"""The resources a published site describes: where each IRI lives in the site, its labels, its
statements (with the graphs that state them) and the statements pointing at it.

Own IRIs map to site paths by dropping the base: ``<base>id/body/x`` is ``id/body/x`` (served as
``id/body/x.html``, ``.ttl``, ``.jsonld``, ``.nt``); a hash IRI such as ``<base>def#Twinning``
lives in its document, ``def``. The base IRI itself is the site's index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..build import Dataset
from ..labels import LABEL_PROPERTIES, best_by_tag, display_labels
from ..layout import LANGUAGES, NAMESPACES, compact
from ..terms import term_text, triple_order

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS = NAMESPACES["skos"]
RDFS = NAMESPACES["rdfs"]



def site_path(iri: str, base: str) -> str | None:
    """The site path of the document that describes ``iri`` (without extension), or None for
    an IRI outside the base."""
    if not iri.startswith(base):
        return None
    document = iri[len(base):].split("#", 1)[0].strip("/")
    return document or "index"


@dataclass
class Statement:
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    graphs: set[str] = field(default_factory=set)


@dataclass
class ResourceIndex:
    """Everything the pages and descriptions need, computed once from the dataset's quads."""

    base: str
    outgoing: dict[str, list[Statement]]
    incoming: dict[str, list[tuple[str, str]]]  # object -> [(subject, predicate)]
    labels: dict[str, dict[str, str]]           # iri -> language tag ("" for none) -> label
    types: dict[str, list[str]]
    graph_kinds: dict[str, str]
    display: dict[str, dict[str, str]]          # language -> iri -> its display label

    def label(self, iri: str, lang: str) -> str:
        """The display label for readers of ``lang`` (see :mod:`rrii_graph.labels`), else a
        compact IRI."""
        found = self.display.get(lang, {}).get(iri)
        return found if found is not None else compact(iri, self.base)

    def resources(self) -> list[str]:
        """Every own IRI that is the subject or object of a statement, sorted."""
        found = {s for s in self.outgoing if s.startswith(self.base)}
        found |= {o for o in self.incoming if o.startswith(self.base)}
        return sorted(found)


_key = term_text


def index_dataset(dataset: Dataset, shown: list[ox.Quad] | None = None) -> ResourceIndex:
    """Group the dataset's statements by subject (with the graphs stating each) and by object;
    the labels are read from the store and the display graphs (:mod:`rrii_graph.labels`).
    ``shown``: :meth:`Dataset.shown_quads`, when the caller already has them."""
    merged: dict[tuple, Statement] = {}
    order: dict[str, list[tuple]] = defaultdict(list)
    for quad in dataset.shown_quads() if shown is None else shown:
        key = (_key(quad.subject), quad.predicate.value, quad.object)
        statement = merged.get(key)
        if statement is None:
            statement = merged[key] = Statement(quad.predicate, quad.object)
            order[key[0]].append(key)
        statement.graphs.add(quad.graph_name.value)
    outgoing = {s: [merged[k] for k in keys] for s, keys in order.items()}
    incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
    types: dict[str, list[str]] = defaultdict(list)
    for subject, statements in outgoing.items():
        for st in statements:
            if isinstance(st.object, ox.NamedNode):
                incoming[st.object.value].append((subject, st.predicate.value))
                if st.predicate.value == RDF_TYPE:
                    types[subject].append(st.object.value)
    for values in incoming.values():
        values.sort()
    for values in types.values():
        values.sort()
    store = dataset.store()
    labels = {_key(node): {tag: literal.value for tag, literal in by_tag.items()}
              for node, by_tag in best_by_tag(store, LABEL_PROPERTIES).items()}
    shown = {lang: display_labels(store, lang, dataset.base_uri) for lang in LANGUAGES}
    kinds = {g: info["kind"] for g, info in dataset.graphs.items()}
    return ResourceIndex(dataset.base_uri, outgoing, dict(incoming), labels, dict(types),
                         kinds, shown)


def description(index: ResourceIndex, iri: str) -> list[ox.Triple]:
    """The concise bounded description of ``iri``: its statements, and those of the blank nodes
    they reach, sorted."""
    triples: list[ox.Triple] = []
    todo, seen = [iri], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        subject = ox.BlankNode(node[2:]) if node.startswith("_:") else ox.NamedNode(node)
        for st in index.outgoing.get(node, []):
            triples.append(ox.Triple(subject, st.predicate, st.object))
            if isinstance(st.object, ox.BlankNode):
                todo.append(_key(st.object))
    return sorted(set(triples), key=triple_order)
