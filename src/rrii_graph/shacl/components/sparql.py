"""SHACL-SPARQL constraints (sh:sparql with sh:select) on node shapes. The query runs once with
``$this`` unbound, and its rows are matched with the focus nodes. A constraint that needs more
than ``$this`` pre-bound (``$value``, ``$PATH``, ``$currentShape``, ``$shapesGraph``), sits on a
property shape, or is no SELECT query, is unsupported: its shape goes to pySHACL."""

from __future__ import annotations

import re

import rdflib
from rdflib.namespace import SH

from . import Component, Failure, UnsupportedError

_PREBOUND = re.compile(r"\$(value|PATH|currentShape|shapesGraph)\b")


class SparqlComponent(Component):
    parameter = SH.sparql
    iri = f"{SH}SPARQLConstraintComponent"
    from_indexes = False

    def __init__(self, node, select: str, severity: str):
        super().__init__(node)
        self.select, self.severity = select, severity

    @classmethod
    def compile(cls, graph: rdflib.Graph, shape_node, value, compiler):
        if graph.value(shape_node, SH.path) is not None:
            raise UnsupportedError("a SPARQL constraint on a property shape ($PATH)")
        if str(graph.value(value, SH.deactivated) or "").lower() == "true":
            return cls(value, "", "")
        select = graph.value(value, SH.select)
        if select is None:
            raise UnsupportedError("a SPARQL constraint without sh:select")
        prebound = _PREBOUND.search(str(select))
        if prebound:
            raise UnsupportedError(f"a SPARQL constraint using {prebound.group(0)}")
        if graph.value(value, SH.prefixes) is not None and not compiler.declared_prefixes:
            raise UnsupportedError("sh:prefixes without declarations")
        severity = graph.value(value, SH.severity)
        return cls(value, str(select).replace("$this", "?this"),
                   str(severity).rsplit("#", 1)[-1] if severity else "")

    def check(self, validator, shape, focus, values):
        if not self.select:
            return
        for value in validator.sparql_rows(self.value, self.select).get(focus, ()):
            yield Failure(value, severity=self.severity or None, constraint=self.value)
