"""Conformance with the official SEMIC shapes: council and unit data against CPOV 2.1.2, events
against CPEV 1.1.1. The shapes are read from ../shared/conformance/ and never copied here."""

from __future__ import annotations

import pytest
import rdflib
from pyshacl import validate

from rrii_graph.build import iter_triples
from rrii_graph.validate import DATA_KINDS, to_rdflib

pytestmark = pytest.mark.conformance


def _violations(data: rdflib.Graph, shapes_file) -> list[str]:
    shapes = rdflib.Graph().parse(shapes_file)
    conforms, report, text = validate(data, shacl_graph=shapes, inference="none")
    return [] if conforms else [text]


def _data(dataset) -> rdflib.Graph:
    return to_rdflib(iter_triples(dataset, DATA_KINDS))


@pytest.mark.parametrize("which", ["fixture", "shipped"])
def test_councils_and_units_conform_to_cpov(which, base_fixture_dataset, shipped_dataset,
                                             shared_conformance):
    dataset = base_fixture_dataset if which == "fixture" else shipped_dataset
    shapes = shared_conformance / "cpov-2.1.2" / "core-public-organisation-ap-SHACL.ttl"
    assert _violations(_data(dataset), shapes) == []


@pytest.mark.parametrize("which", ["fixture", "shipped"])
def test_events_conform_to_cpev(which, base_fixture_dataset, shipped_dataset, shared_conformance):
    dataset = base_fixture_dataset if which == "fixture" else shipped_dataset
    shapes = shared_conformance / "cpev-1.1.1" / "core-public-event-ap-SHACL.ttl"
    assert _violations(_data(dataset), shapes) == []


def test_cpov_shapes_do_catch_a_broken_council(base_fixture_dataset, shared_conformance):
    """The conformance check can fail: a council whose territory is not a dct:Location."""
    data = _data(base_fixture_dataset)
    council = rdflib.URIRef("https://example.org/rrii-test/council")
    data.add((council, rdflib.DCTERMS.spatial, rdflib.Literal("Vilafictícia")))
    shapes = shared_conformance / "cpov-2.1.2" / "core-public-organisation-ap-SHACL.ttl"
    assert _violations(data, shapes) != []
