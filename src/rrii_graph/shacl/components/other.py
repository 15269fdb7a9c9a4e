"""Other components: sh:closed (with sh:ignoredProperties), sh:hasValue, sh:in."""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import SH

from . import Component, Failure, ValueComponent


class ClosedComponent(Component):
    """A closed node shape: the focus node has no property but the paths of its property shapes
    and the ignored ones. Each offending triple is a result with its own path and value."""

    parameter = SH.closed
    reads = (SH.ignoredProperties,)
    from_indexes = False  # it reads every property of the focus node

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        if str(value).lower() != "true":
            return cls(None)
        allowed = set()
        for prop in graph.objects(shape_node, SH.property):
            path = graph.value(prop, SH.path)
            if isinstance(path, rdflib.URIRef):
                allowed.add(ox.NamedNode(str(path)))
        ignored = graph.value(shape_node, SH.ignoredProperties)
        if ignored is not None:
            allowed |= {ox.NamedNode(str(i)) for i in Collection(graph, ignored)}
        return cls(allowed)

    def check(self, validator, shape, focus, values):
        if self.value is None:
            return
        if not isinstance(focus, (ox.NamedNode, ox.BlankNode)):
            return
        for quad in validator.data.store.quads_for_pattern(focus, None, None, ox.DefaultGraph()):
            if quad.predicate not in self.value:
                yield Failure(quad.object, path=quad.predicate.value)


class HasValueComponent(Component):
    parameter = SH.hasValue

    def check(self, validator, shape, focus, values):
        if self.value not in values:
            yield None


class InComponent(ValueComponent):
    parameter = SH["in"]

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls([compiler.term(i) for i in Collection(graph, value)])

    def value_ok(self, validator, v) -> bool:
        return v in self.value
