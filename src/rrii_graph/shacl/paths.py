"""SHACL property paths (https://www.w3.org/TR/shacl/#property-paths): parsed from the shapes
graph into small objects that follow themselves on a :class:`~rrii_graph.shacl.engine.DataIndex`
and write themselves as the validation report's text (``p``, ``^p``, ``p/q``, ``(p|q)``,
``p*``, ``p+``, ``p?``)."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH


class UnsupportedPathError(ValueError):
    """A path the engine does not read (it is handed to pySHACL with its shape)."""


@dataclass(frozen=True)
class Predicate:
    iri: ox.NamedNode

    def values(self, data, focus) -> list:
        return data.forward(self.iri).get(focus, [])

    @property
    def text(self) -> str:
        return self.iri.value


@dataclass(frozen=True)
class Inverse:
    iri: ox.NamedNode

    def values(self, data, focus) -> list:
        return data.backward(self.iri).get(focus, [])

    @property
    def text(self) -> str:
        return "^" + self.iri.value


@dataclass(frozen=True)
class Sequence:
    steps: tuple

    def values(self, data, focus) -> list:
        nodes = [focus]
        for step in self.steps:  # value nodes are a set: each once
            nodes = list(dict.fromkeys(v for n in nodes for v in step.values(data, n)))
        return nodes

    @property
    def text(self) -> str:
        return "/".join(step.text for step in self.steps)


@dataclass(frozen=True)
class Alternative:
    options: tuple

    def values(self, data, focus) -> list:
        return list(dict.fromkeys(v for option in self.options
                                  for v in option.values(data, focus)))

    @property
    def text(self) -> str:
        return "(" + "|".join(option.text for option in self.options) + ")"


@dataclass(frozen=True)
class Repeat:
    """``sh:zeroOrMorePath`` (``*``), ``sh:oneOrMorePath`` (``+``), ``sh:zeroOrOnePath``
    (``?``)."""

    step: object
    kind: str  # * + ?

    def values(self, data, focus) -> list:
        found: dict = {focus: None} if self.kind in "*?" else {}
        frontier = [focus]
        while frontier:
            nxt = []
            for node in frontier:
                for v in self.step.values(data, node):
                    if v not in found:
                        found[v] = None
                        nxt.append(v)
            if self.kind == "?":
                break
            frontier = nxt
        return list(found)

    @property
    def text(self) -> str:
        return f"{self.step.text}{self.kind}"


_REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def parse_path(graph: rdflib.Graph, node):
    """The path object of a ``sh:path`` value; :class:`UnsupportedPathError` when ill-formed."""
    if isinstance(node, rdflib.URIRef):
        return Predicate(ox.NamedNode(str(node)))
    if isinstance(node, rdflib.Literal):
        raise UnsupportedPathError("a literal is not a path")
    is_list = graph.value(node, RDF.first) is not None
    forms = [p for p in (SH.alternativePath, SH.inversePath, *_REPEATS) if
             graph.value(node, p) is not None]
    if not is_list and len(forms) != 1:
        raise UnsupportedPathError("a path node must be exactly one kind of path")
    if is_list:  # a list is a sequence, whatever else the node says (W3C path-strange tests)
        items = list(Collection(graph, node))
        if len(items) < 2:
            raise UnsupportedPathError("a sequence path has two members or more")
        return Sequence(tuple(parse_path(graph, i) for i in items))
    (form,) = forms
    value = graph.value(node, form)
    if form == SH.alternativePath:
        items = list(Collection(graph, value))
        if len(items) < 2:
            raise UnsupportedPathError("an alternative path has two members or more")
        return Alternative(tuple(parse_path(graph, i) for i in items))
    if form == SH.inversePath:
        inner = parse_path(graph, value)
        if isinstance(inner, Predicate):
            return Inverse(inner.iri)
        raise UnsupportedPathError("only the inverse of a predicate is read")
    return Repeat(parse_path(graph, value), _REPEATS[form])


def path_text(path) -> str | None:
    return None if path is None else path.text


def path_to_rdf(path, graph: rdflib.Graph):
    """Write ``path`` into ``graph`` as SHACL writes paths; its node (an IRI or a blank node)."""
    if isinstance(path, Predicate):
        return rdflib.URIRef(path.iri.value)
    node = rdflib.BNode()
    if isinstance(path, Inverse):
        graph.add((node, SH.inversePath, rdflib.URIRef(path.iri.value)))
    elif isinstance(path, Sequence):
        Collection(graph, node, [path_to_rdf(step, graph) for step in path.steps])
    elif isinstance(path, Alternative):
        items = rdflib.BNode()
        Collection(graph, items, [path_to_rdf(option, graph) for option in path.options])
        graph.add((node, SH.alternativePath, items))
    else:
        kind = {"*": SH.zeroOrMorePath, "+": SH.oneOrMorePath, "?": SH.zeroOrOnePath}[path.kind]
        graph.add((node, kind, path_to_rdf(path.step, graph)))
    return node
