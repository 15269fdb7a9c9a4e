"""Shapes and checks, driven by the fixtures in tests/data/shapes/.

``base.trig`` is a fictional world that conforms completely: every class the shapes target has an
instance there, so every shape has a conforming case. Each file in ``invalid/`` adds broken data to
that world and lists, in ``# expect: <severity> <focus> <shape or check>`` header lines, exactly
which shape (or check) fires on which focus node.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SH

from rrii_graph.build import load_dataset
from rrii_graph.typology import typology_graph
from rrii_graph.validate import to_rdflib, validate_dataset
from tests.conftest import BASE, DATA, fixture_folder

INVALID = sorted((DATA / "shapes" / "invalid").glob("*.trig"))
PREFIXES = {
    "ex:": "https://example.org/rrii-test/",
    "rrii:": "https://w3id.org/rrii/def#",
    "vocab:": "https://w3id.org/rrii/vocab/",
    "graph:": "https://w3id.org/rrii/graph/",
    "org:": "http://www.w3.org/ns/org#",
}
EXPECT = re.compile(r"^# expect: (Violation|Warning|Info) (\S+) (\S+)$")


def expand(curie: str) -> str:
    for prefix, ns in PREFIXES.items():
        if curie.startswith(prefix):
            return ns + curie[len(prefix):]
    return curie


def expectations(path: Path) -> set[tuple[str, str, str]]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            severity, focus, shape = match.groups()
            found.add((severity, expand(focus), shape))
    return found


def fired(report) -> set[tuple[str, str, str]]:
    return {
        (r.severity, r.focus, (r.shape or "-").rsplit("#", 1)[-1].rsplit("/", 1)[-1])
        for r in report.results
    }


def test_base_fixture_conforms_with_no_result_at_all(base_fixture_dataset, layout):
    report = validate_dataset(base_fixture_dataset, layout.checks_dir)
    assert report.results == [], report.to_text()


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_fixture_fires_exactly_the_expected_shapes(fixture, layout, tmp_path):
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' lines"
    data = fixture_folder(tmp_path, BASE, fixture)
    report = validate_dataset(load_dataset(layout, data), layout.checks_dir)
    assert fired(report) == expected


def _shapes(layout) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(layout.shapes_dir.glob("*.ttl")):
        graph.parse(path)
    return graph


def test_every_targeted_shape_has_a_failing_fixture(layout):
    """A node shape counts as covered when it, or one of its named property shapes, fires."""
    shapes = _shapes(layout)
    covered = {shape for f in INVALID for (_, _, shape) in expectations(f)}
    targeted = [
        s for s in shapes.subjects(RDF.type, SH.NodeShape)
        if isinstance(s, rdflib.URIRef)
        and ((s, SH.targetClass, None) in shapes or (s, SH.targetObjectsOf, None) in shapes)
    ]
    assert len(targeted) > 20
    uncovered = []
    for shape in targeted:
        names = {str(shape).rsplit("#", 1)[-1]} | {
            str(p).rsplit("#", 1)[-1] for p in shapes.objects(shape, SH.property)
            if isinstance(p, rdflib.URIRef)
        }
        if not names & covered:
            uncovered.append(str(shape))
    assert not uncovered, f"shapes without a failing fixture: {sorted(uncovered)}"


def test_every_targeted_shape_has_a_conforming_case(layout, base_fixture_dataset):
    """Each targeted class has at least one instance in the conforming base fixture."""
    shapes = _shapes(layout)
    # the fixture's own graph, and what the typology rules derive from it
    graphs = {"https://w3id.org/rrii/graph/test-base", typology_graph()}
    data = to_rdflib(q.triple for q in base_fixture_dataset.quads if q.graph_name.value in graphs)
    ontology = rdflib.Graph().parse(layout.ontology_file)
    ontology.parse(layout.imports_dir / "reused-terms.ttl")
    missing = []
    for shape, cls in shapes.subject_objects(SH.targetClass):
        subclasses = set(ontology.transitive_subjects(rdflib.RDFS.subClassOf, cls)) | {cls}
        if cls == rdflib.URIRef("http://www.w3.org/2004/02/skos/core#Concept"):
            continue  # concepts come from the shipped vocabularies, validated in every run
        if not any((None, RDF.type, c) in data for c in subclasses):
            missing.append(f"{shape} ({cls})")
    assert not missing, f"classes with no conforming instance in base.trig: {missing}"


def test_every_check_has_a_fixture_that_fires_it(layout):
    checks = {p.stem for p in layout.checks_dir.glob("*-violation.rq")}
    covered = {shape for f in INVALID for (_, _, shape) in expectations(f)}
    assert checks <= covered, f"checks never fired by a fixture: {sorted(checks - covered)}"


def test_checks_pass_on_the_shipped_ontology_and_vocabularies(layout):
    dataset = load_dataset(layout, include_data=False)
    report = validate_dataset(dataset, layout.checks_dir)
    assert report.results == [], report.to_text()


def test_messages_exist_in_three_languages(layout, tmp_path):
    data = fixture_folder(tmp_path, BASE,
                          DATA / "shapes" / "invalid" / "periods.trig")
    report = validate_dataset(load_dataset(layout, data), layout.checks_dir)
    for result in report.results:
        assert {"ca", "es", "en"} <= set(result.messages), result
    reversed_ = next(r for r in report.results if r.focus.endswith("/reversed"))
    assert reversed_.message("ca") == (
        "El període comença després d'acabar (inici > fi: 2019-06-15 > 2019-01).")
    assert reversed_.message("en") == (
        "The period starts after it ends (start > end: 2019-06-15 > 2019-01).")


def test_every_property_shape_has_names_and_messages_in_three_languages(layout):
    shapes = _shapes(layout)
    problems = []
    for node_shape in shapes.subjects(RDF.type, SH.NodeShape):
        for prop in shapes.objects(node_shape, SH.property):
            for predicate in (SH.name, SH.message):
                langs = {o.language for o in shapes.objects(prop, predicate)}
                if not {"ca", "es", "en"} <= langs:
                    problems.append(f"{node_shape} {prop} {predicate}")
            if shapes.value(prop, SH.severity) is None:
                problems.append(f"{node_shape} {prop} has no sh:severity")
    assert not problems, problems
