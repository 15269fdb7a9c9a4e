"""The fast SHACL engine's components: one class each, found through a registry, so that a new
component is one class; a constraint the engine cannot answer is named, never guessed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

from rrii_graph.shacl import REGISTRY, DataIndex, Validator, compile_shapes
from rrii_graph.shacl.components import Component, ValueSetComponent

EX = "https://example.org/rrii-test/"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/rrii-test/> .
ex:PairShape a sh:NodeShape ;
    sh:targetClass ex:Council ;
    sh:property [ sh:path ex:partner ; ex:evenCount true ] .
"""
DATA = """
<https://example.org/rrii-test/a> a <https://example.org/rrii-test/Council> ;
    <https://example.org/rrii-test/partner> <https://example.org/rrii-test/x> .
<https://example.org/rrii-test/b> a <https://example.org/rrii-test/Council> ;
    <https://example.org/rrii-test/partner> <https://example.org/rrii-test/x> ,
        <https://example.org/rrii-test/y> .
"""


def _store(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    return store


def test_every_core_component_is_one_registered_class():
    sh = "http://www.w3.org/ns/shacl#"
    core = {"class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive",
            "minInclusive", "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern",
            "languageIn", "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals",
            "not", "and", "or", "xone", "node", "qualifiedValueShape", "closed", "hasValue",
            "in", "sparql"}
    registered = {str(p)[len(sh):] for p in REGISTRY if str(p).startswith(sh)}
    assert core <= registered
    for parameter, cls in REGISTRY.items():
        assert issubclass(cls, Component) and cls.parameter == parameter, cls
        assert cls.iri.endswith("ConstraintComponent"), cls


def test_a_new_component_is_one_class():
    class EvenCountComponent(ValueSetComponent):
        """ex:evenCount true: a focus node has an even number of values."""

        parameter = rdflib.URIRef(EX + "evenCount")
        iri = EX + "EvenCountConstraintComponent"

        @classmethod
        def compile(cls, graph, shape_node, value, compiler):
            return cls(str(value) == "true")

        def set_ok(self, validator, shape, focus, values) -> bool:
            return not self.value or len(values) % 2 == 0

    try:
        compiled = compile_shapes(rdflib.Graph().parse(data=SHAPES, format="turtle"))
        assert not compiled.unsupported
        results = Validator(compiled, DataIndex(_store(DATA))).validate(1)
        assert [(r.focus, r.component, r.path) for r in results] == [
            (EX + "a", EX + "EvenCountConstraintComponent", EX + "partner")]
    finally:
        del REGISTRY[EvenCountComponent.parameter]


@pytest.mark.parametrize(("constraint", "reason"), [
    ('sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?v }" ]', "$PATH"),
    ('sh:minCount 1 ; sh:sparql [ sh:select "SELECT $this ?value WHERE { $this ?p $value }" ]',
     "$value"),
    ("sh:minCount 1 ; sh:pattern \"a\" ; sh:flags \"q\"", "flag"),
    ("sh:nodeKind sh:Something", "node kind"),
    ("sh:someFutureParameter 1", "someFutureParameter"),
])
def test_a_constraint_the_engine_cannot_answer_is_named_not_guessed(constraint, reason):
    shapes = f"""
    @prefix sh: <http://www.w3.org/ns/shacl#> .
    @prefix ex: <https://example.org/rrii-test/> .
    ex:S a sh:NodeShape ; sh:targetClass ex:Council ;
        sh:property [ sh:path ex:partner ; {constraint} ] .
    """
    if "sh:sparql [ sh:select \"SELECT $this ?value" in constraint:  # on the node shape itself
        shapes = shapes.replace("sh:property [ sh:path ex:partner ; ", "").replace(" ] .", " .")
    compiled = compile_shapes(rdflib.Graph().parse(data=shapes, format="turtle"))
    assert list(compiled.unsupported) == [rdflib.URIRef(EX + "S")]
    assert reason in next(iter(compiled.unsupported.values()))
