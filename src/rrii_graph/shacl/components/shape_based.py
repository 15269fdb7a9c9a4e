"""Shape-based components: sh:node, sh:qualifiedValueShape (with sh:qualifiedMinCount and
sh:qualifiedMaxCount). sh:property is the shape's structure, checked by the validator."""

from __future__ import annotations

from rdflib.namespace import SH

from . import Component, Failure, ValueComponent


class NodeComponent(ValueComponent):
    parameter = SH.node

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        return cls(compiler.shape(value))

    def value_ok(self, validator, v) -> bool:
        return validator.conforms(self.value, v)


class QualifiedValueShapeComponent(Component):
    parameter = SH.qualifiedValueShape
    reads = (SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint)

    def __init__(self, shape, low, high, disjoint=False):
        super().__init__(shape)
        self.low, self.high, self.disjoint = low, high, disjoint
        self.siblings: list = []  # set by the compiler when the shapes must be disjoint

    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        disjoint = str(graph.value(shape_node, SH.qualifiedValueShapesDisjoint) or "").lower()
        low = graph.value(shape_node, SH.qualifiedMinCount)
        high = graph.value(shape_node, SH.qualifiedMaxCount)
        return cls(compiler.shape(value), int(low) if low is not None else None,
                   int(high) if high is not None else None, disjoint == "true")

    def check(self, validator, shape, focus, values):
        matching = sum(1 for v in values if validator.conforms(self.value, v) and not any(
            validator.conforms(sibling, v) for sibling in self.siblings))
        if self.low is not None and matching < self.low:
            yield Failure(component=f"{SH}QualifiedMinCountConstraintComponent")
        if self.high is not None and matching > self.high:
            yield Failure(component=f"{SH}QualifiedMaxCountConstraintComponent")
