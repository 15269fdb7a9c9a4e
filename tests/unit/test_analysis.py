"""Analysis: graphs and similarity on a hand-computed fixture, and their basic laws."""

from __future__ import annotations

import pytest

from rrii_graph.analysis import (
    cluster_councils,
    council_projection,
    function_graph,
    jaccard,
    membership_graph,
    model_groups,
    organigram,
    similarity,
    typology_features,
)
from rrii_graph.build import load_dataset
from rrii_graph.queries import load_queries
from tests.conftest import DATA

EX = "https://example.org/rrii-test/"


@pytest.fixture(scope="module")
def world(layout):
    dataset = load_dataset(layout, DATA / "analysis")
    return dataset.store(), load_queries(layout.queries_dir)


def test_bipartite_projection_matches_the_hand_computed_fixture(world):
    store, queries = world
    graph = membership_graph(store, queries)
    assert {n for n, d in graph.nodes(data=True) if d["bipartite"] == 1} == {EX + "N1", EX + "N2"}
    projection = council_projection(graph)
    edges = {frozenset((a, b)): d["weight"] for a, b, d in projection.edges(data=True)}
    assert edges == {frozenset((EX + "A", EX + "B")): 1, frozenset((EX + "A", EX + "C")): 1}
    assert graph.edges[EX + "A", EX + "N2"]["roles"] == {"tresoreria"}


def test_similarity_matches_the_hand_computed_fixture(world):
    store, queries = world
    table = {(s.council, s.other): s for s in similarity(store, queries)}
    ab, ac, bc = table[EX + "A", EX + "B"], table[EX + "A", EX + "C"], table[EX + "B", EX + "C"]
    assert (ab.functions, ab.networks) == (0.5, 0.5)
    assert (ac.functions, ac.networks) == (0.0, 0.5)
    assert (bc.functions, bc.networks) == (0.0, 0.0)
    assert ab.shared_networks == {EX + "N1"}
    assert ab.shared_functions == {"https://w3id.org/rrii/vocab/function/xarxes-ciutats"}


def test_similarity_is_symmetric_and_within_bounds(layout):
    dataset = load_dataset(layout)
    store, queries = dataset.store(), load_queries(layout.queries_dir)
    rows = similarity(store, queries)
    assert len(rows) > 100
    for s in rows:
        for value in (s.functions, s.networks, s.structure, s.overall):
            assert value is None or 0.0 <= value <= 1.0
    sets = [{1, 2}, {2, 3}, set(), {4}]
    for a in sets:
        for b in sets:
            assert jaccard(a, b) == jaccard(b, a)
    assert jaccard(set(), set()) is None


def test_function_graph_and_organigram_at_a_date(world):
    store, queries = world
    functions = function_graph(store, queries)
    assert set(functions.neighbors(EX + "A")) == {
        "https://w3id.org/rrii/vocab/function/xarxes-ciutats",
        "https://w3id.org/rrii/vocab/function/representacio"}
    in_2005 = organigram(store, queries, EX + "A", "2005")
    assert in_2005.has_edge("Àrea A", "Servei A")
    in_2015 = organigram(store, queries, EX + "A", "2015")
    assert "Servei A" not in in_2015, "its only known placement ended in 2010"
    assert in_2015.has_edge("Ajuntament A", "Àrea A")


BODY = "https://w3id.org/rrii/id/body/"


@pytest.fixture(scope="module")
def typology_world(layout):
    dataset = load_dataset(layout, DATA / "typology")
    return dataset.store(), load_queries(layout.queries_dir)


def test_structural_similarity_matches_the_hand_computed_fixture(typology_world):
    store, queries = typology_world
    features = typology_features(store, queries)
    assert features[BODY + "test-buida"] == set()
    assert features[BODY + "test-integrat"] == {
        "unitat-dedicada=amb-unitat", "ubicacio=alcaldia", "rang=oficina",
        "lideratge-politic=alcaldia", "relacio-cooperacio=integrat", "amplitud-funcions=reduida"}
    table = {frozenset((s.council, s.other)): s for s in similarity(store, queries)}
    pair = table[frozenset((BODY + "test-integrat", BODY + "test-cooperacio"))]
    # shared: a dedicated unit and a narrow breadth; 6 + 5 - 2 = 9 values in all
    assert pair.structure == pytest.approx(2 / 9)
    assert pair.shared_structure == {"unitat-dedicada=amb-unitat", "amplitud-funcions=reduida"}
    assert all(BODY + "test-buida" not in key for key in table), "nothing known: not compared"


def test_model_groups_and_clusters_on_the_typology_fixture(typology_world):
    store, queries = typology_world
    groups = model_groups(store, queries)
    assert sum(len(v) for v in groups.values()) == 5  # every council but the one with no data
    table = similarity(store, queries)
    clusters = cluster_councils(table)
    assert sorted(c for cluster in clusters for c in cluster) == sorted(
        {s.council for s in table} | {s.other for s in table})
    assert clusters == cluster_councils(table), "a fixed seed gives the same clusters"
    alone = next(c for c in clusters if BODY + "test-sense-unitat" in c)
    assert alone == [BODY + "test-sense-unitat"], "no unit shares little with the rest"
