"""Property pair components: sh:equals, sh:disjoint, sh:lessThan, sh:lessThanOrEquals. Each
compares the focus node's values along the shape's path with its values of another
property."""

from __future__ import annotations

import operator

import pyoxigraph as ox
from rdflib.namespace import SH

from . import Component
from .value_range import comparable


class _Pair(Component):

    def others(self, validator, focus) -> list:
        return validator.data.forward(self.value).get(focus, [])


class EqualsComponent(_Pair):
    parameter = SH.equals

    def check(self, validator, shape, focus, values):
        others = self.others(validator, focus)
        yield from (v for v in values if v not in others)
        yield from (o for o in others if o not in values)


class DisjointComponent(_Pair):
    parameter = SH.disjoint

    def check(self, validator, shape, focus, values):
        others = set(self.others(validator, focus))
        yield from (v for v in values if v in others)


class LessThanComponent(_Pair):
    parameter = SH.lessThan
    test = staticmethod(operator.lt)

    def check(self, validator, shape, focus, values):
        others = self.others(validator, focus)
        for v in values:
            for o in others:
                pair = comparable(v, o) if isinstance(v, ox.Literal) else None
                if pair is None or not self.test(*pair):
                    yield v


class LessThanOrEqualsComponent(LessThanComponent):
    parameter = SH.lessThanOrEquals
    test = staticmethod(operator.le)
