"""Cardinality components: sh:minCount, sh:maxCount."""

from __future__ import annotations

from rdflib.namespace import SH

from . import UnsupportedError, ValueSetComponent


class _Count(ValueSetComponent):
    @classmethod
    def compile(cls, graph, shape_node, value, compiler):
        try:
            return cls(int(value))
        except (TypeError, ValueError) as exc:
            raise UnsupportedError(f"{cls.parameter} is not an integer") from exc


class MinCountComponent(_Count):
    parameter = SH.minCount

    def set_ok(self, validator, shape, focus, values) -> bool:
        return len(values) >= self.value


class MaxCountComponent(_Count):
    parameter = SH.maxCount

    def set_ok(self, validator, shape, focus, values) -> bool:
        return len(values) <= self.value
