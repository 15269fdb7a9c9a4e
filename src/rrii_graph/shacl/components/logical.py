"""Logical components: sh:not, sh:and, sh:or, sh:xone."""

from __future__ import annotations

from rdflib.collection import Collection
from rdflib.namespace import SH

from . import ValueComponent


class NotComponent(ValueComponent):
    parameter = SH["not"]

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls(compiler.shape(value))

    def value_ok(self, validator, v) -> bool:
        return not validator.conforms(self.value, v)


class _ListOfShapes(ValueComponent):
    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls([compiler.shape(item) for item in Collection(graph, value)])


class AndComponent(_ListOfShapes):
    parameter = SH["and"]

    def value_ok(self, validator, v) -> bool:
        return all(validator.conforms(s, v) for s in self.value)


class OrComponent(_ListOfShapes):
    parameter = SH["or"]

    def value_ok(self, validator, v) -> bool:
        return any(validator.conforms(s, v) for s in self.value)


class XoneComponent(_ListOfShapes):
    parameter = SH.xone

    def value_ok(self, validator, v) -> bool:
        return sum(1 for s in self.value if validator.conforms(s, v)) == 1
