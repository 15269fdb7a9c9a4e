"""SHACL Core constraint components, one class each (https://www.w3.org/TR/shacl/#core-components).

A component class names the parameter that brings it into a shape (``parameter``), the other
parameters it reads (``reads``), its component IRI (``iri``), and whether it can be answered from
the engine's per-predicate indexes (``from_indexes``). :meth:`Component.compile` reads its
parameters from the shapes graph; :meth:`Component.check` gives the offending values of one
focus node (``None`` for a failure of the value set as a whole). Defining a subclass registers
it: adding a component is one class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import rdflib
from rdflib.namespace import SH

REGISTRY: dict[rdflib.URIRef, type[Component]] = {}


class UnsupportedError(ValueError):
    """The engine cannot answer this constraint: its shape is handed to pySHACL."""


@dataclass(frozen=True)
class Failure:
    """A failure that says more than its value: another component IRI (a qualified count) or
    its own path (a closed shape's unexpected property)."""

    value: object = None
    component: str | None = None
    path: str | None = None
    severity: str | None = None  # a SPARQL constraint's own severity
    constraint: object = None  # the SPARQL constraint node (its messages)


class Component(ABC):
    parameter: rdflib.URIRef | None = None  # the parameter that brings the component in
    reads: tuple[rdflib.URIRef, ...] = ()  # the other parameters it reads
    iri: str = ""
    from_indexes = True  # answered from the per-predicate indexes
    on_value_set = True  # tests the set of values as a whole (see ValueComponent)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.parameter is not None:
            REGISTRY[cls.parameter] = cls
            if "iri" not in cls.__dict__:
                name = str(cls.parameter)[len(str(SH)):]
                cls.iri = f"{SH}{name[0].upper()}{name[1:]}ConstraintComponent"

    def __init__(self, value):
        self.value = value

    @classmethod
    def compile(cls, graph: rdflib.Graph, shape_node, value, compiler) -> Component:
        """The component for one value of its parameter on ``shape_node``."""
        return cls(compiler.term(value))

    @abstractmethod
    def check(self, validator, shape, focus, values: list) -> Iterable:
        """The failures of ``focus``, whose values along the shape's path are ``values``: an
        offending value, ``None`` (the value set fails as a whole) or a :class:`Failure`."""


class ValueComponent(Component):
    """A component that tests each value on its own (a node conforms when each passes)."""

    on_value_set = False

    def check(self, validator, shape, focus, values: list) -> Iterator:
        for v in values:
            if not self.value_ok(validator, v):
                yield v

    @abstractmethod
    def value_ok(self, validator, v) -> bool:
        """Whether one value passes."""


class ValueSetComponent(Component):
    """A component that tests the value set as a whole and fails with no value."""

    def check(self, validator, shape, focus, values: list) -> Iterator:
        if not self.set_ok(validator, shape, focus, values):
            yield None

    @abstractmethod
    def set_ok(self, validator, shape, focus, values) -> bool:
        """Whether the value set passes."""


def secondary_parameters() -> set[rdflib.URIRef]:
    """The parameters read by a component but brought in by another one."""
    return {p for cls in REGISTRY.values() for p in cls.reads}


from . import (  # noqa: E402,F401 - each module registers its components
    cardinality,
    logical,
    other,
    property_pair,
    shape_based,
    sparql,
    string,
    value_range,
    value_type,
)
