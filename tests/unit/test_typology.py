"""The typology rules of queries/rules/: on a fixture world with one council per model (including
one with no dedicated unit and one with nothing known), each council gets exactly the expected
values; every explanation points at statements that exist in the graph it names; the derived
statements stay in their own graph."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.errors import QueryError
from rrii_graph.layout import LANGUAGES, ProjectLayout
from rrii_graph.queries import load_queries
from rrii_graph.typology import (
    axis_order,
    classifications,
    derive_typology,
    profiles,
    typology_graph,
)
from tests.conftest import DATA

WORLD = DATA / "typology"
EXPECTED = json.loads((WORLD / "expected.json").read_text(encoding="utf-8"))
BODY = "https://w3id.org/rrii/id/body/"


@pytest.fixture(scope="module")
def world(layout):
    return load_dataset(layout, WORLD)


@pytest.fixture(scope="module")
def world_items(world, layout):
    return classifications(world.store(), load_queries(layout.queries_dir), "en")


def test_every_model_gets_exactly_the_expected_values(world_items):
    found = {c.removeprefix(BODY): axes for c, axes in profiles(world_items).items()}
    assert found == EXPECTED


def test_fixture_covers_every_value_of_every_axis_scheme(layout):
    """Each concept of each axis's value scheme, and both outcomes, occur in expected.json,
    except placement types the fixture leaves to the curated data."""
    seen = {v for axes in EXPECTED.values() for values in axes.values() for v in values}
    for scheme in ("dedicated-unit", "political-lead", "ir-cooperation-split", "function-breadth",
                   "classification-outcome"):
        codes = {line.split('"')[1] for line in
                 (layout.vocabularies_dir / f"{scheme}.ttl").read_text().splitlines()
                 if "skos:notation" in line}
        assert codes <= seen, f"{scheme}: {sorted(codes - seen)} never exercised"


def test_every_basis_statement_exists_in_the_graph_it_names(world, world_items):
    quads = set(world.quads)
    checked = 0
    for item in world_items:
        for b in item.basis:
            obj = (ox.NamedNode(b.object) if b.object.startswith(("http://", "https://"))
                   else None)
            matching = [q for q in quads
                        if q.subject == ox.NamedNode(b.subject)
                        and q.predicate == ox.NamedNode(b.predicate)
                        and q.graph_name == ox.NamedNode(b.graph)
                        and (obj is None or q.object == obj)]
            assert matching, f"{item.assignment}: {b} is not in {b.graph}"
            checked += 1
    assert checked > 20


def test_determined_values_have_a_basis_and_a_source(world_items):
    for item in world_items:
        if item.determined:
            assert item.basis, item.assignment
            assert item.sources, item.assignment
            assert all(s.startswith("https://example.org/rrii-test/") for s in item.sources)


def test_missing_data_is_undetermined_with_nothing_behind_it(world_items):
    empty = [c for c in world_items if c.council == BODY + "test-buida"]
    assert len(empty) == 6
    assert all(not c.determined and c.value_code == "indeterminat" and not c.basis for c in empty)
    assert all("no value is guessed" in c.reason for c in empty)
    assert all(c.axis_reason for c in empty)  # what each axis's own rule would have needed


def test_no_unit_carries_the_evidence_of_international_activity(world_items):
    mine = {c.axis_code: c for c in world_items if c.council == BODY + "test-sense-unitat"}
    predicates = {b.predicate.rsplit("#", 1)[-1] for b in mine["unitat-dedicada"].basis}
    assert predicates == {"member", "twinnedWith"}
    assert mine["ubicacio"].basis == mine["unitat-dedicada"].basis
    assert mine["rang"].value_code == "no-aplicable"


def test_derived_statements_live_only_in_their_own_graph(layout, world):
    plain = load_dataset(layout, WORLD, derive=False)
    derived_graph = typology_graph()
    display = set(world.graphs_of_kind("labels"))  # chosen from every graph, the derived too
    source_quads = [q for q in world.quads
                    if q.graph_name.value != derived_graph and q.graph_name.value not in display]
    assert source_quads == plain.quads
    derived = [q for q in world.quads if q.graph_name.value == derived_graph]
    assert derived and world.graphs[derived_graph]["kind"] == "derived"
    rrii = "https://w3id.org/rrii/def#"
    assert not any(q.predicate.value.startswith(rrii + "axis") for q in source_quads)


def test_derivation_is_deterministic(layout, world):
    store = load_dataset(layout, WORLD, derive=False).store()
    derive_typology(store, layout.rules_dir)
    again = store.quads_for_pattern(None, None, None, ox.NamedNode(typology_graph()))
    assert sorted(again, key=str) == sorted(
        (q for q in world.quads if q.graph_name.value == typology_graph()), key=str)


def test_reasons_exist_in_every_language(world, layout):
    store = world.store()
    queries = load_queries(layout.queries_dir)
    for lang in LANGUAGES:
        items = classifications(store, queries, lang, BODY + "test-integrat")
        assert len(items) == 6 and all(c.reason for c in items)
    catalan = classifications(store, queries, "ca", BODY + "test-integrat")
    assert {c.value_label for c in catalan} >= {"integrat", "alcaldia o gabinet de presidència"}


def test_rule_without_reasons_is_refused_with_its_file(layout, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(layout.root / "ontology", root / "ontology")
    shutil.copytree(layout.root / "queries", root / "queries")
    bad = root / "queries" / "rules" / "70-bad.rq"
    bad.write_text("# rule: bad\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    with pytest.raises(QueryError, match="70-bad.rq"):
        load_dataset(ProjectLayout(root), WORLD)


def test_axis_order_follows_the_rules(layout):
    assert axis_order(layout.rules_dir) == [
        "unitat-dedicada", "ubicacio", "rang", "lideratge-politic", "relacio-cooperacio",
        "amplitud-funcions"]


def test_cli_explains_with_sources_in_the_chosen_language():
    runner = CliRunner()
    result = runner.invoke(main, ["typology", "https://w3id.org/rrii/id/body/test-separat",
                                  "--explain", "--lang", "es", "--data", str(WORLD)])
    assert result.exit_code == 0, result.output
    assert "separado" in result.output and "por qué" in result.output
    assert "[https://example.org/rrii-test/separat]" in result.output
    as_json = runner.invoke(main, ["typology", "--format", "json", "--data", str(WORLD)])
    body = json.loads(as_json.output)
    assert {row["council"] for row in body} == {BODY + slug for slug in EXPECTED}


def test_cli_unknown_council_is_a_usage_error():
    result = CliRunner().invoke(main, ["typology", "ajuntament-enlloc", "--data", str(WORLD)])
    assert result.exit_code == 2
    assert "ajuntament-enlloc" in result.output
