"""Named queries: manifest-driven expectations on a small fixture world, a header for each, and
parameters that are checked and bound (never pasted)."""

from __future__ import annotations

import json

import pytest

from rrii_graph.api import KnowledgeGraph
from rrii_graph.errors import QueryError
from rrii_graph.queries import declared_params, load_queries, run_named, with_values
from tests.conftest import DATA

MANIFEST = json.loads((DATA / "queries" / "manifest.json").read_text(encoding="utf-8"))
CASES = MANIFEST["cases"]


@pytest.fixture(scope="module")
def fixture_graph(layout) -> KnowledgeGraph:
    return KnowledgeGraph.load(data_dir=DATA / "shapes" / "valid", layout=layout)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['query']}-{i}" for i, c in enumerate(CASES)])
def test_named_query_answers_the_fixture(case, fixture_graph):
    params = case.get("params", {})
    table = fixture_graph.query(case["query"], lang=case.get("lang", "ca"), **params)
    assert len(table.rows) == case["rows"], table.to_table()
    for expected in case.get("contains", []):
        assert any(all(row.get(k) == v for k, v in expected.items()) for row in table.rows), (
            f"no row with {expected}\n{table.to_table()}")


def test_every_named_query_has_a_manifest_case_and_a_header(layout):
    queries = load_queries(layout.queries_dir)
    covered = {c["query"] for c in CASES}
    missing, stale = sorted(set(queries) - covered), sorted(covered - set(queries))
    assert not missing, (
        f"named queries without a case in tests/data/queries/manifest.json: {missing}; add "
        '{"query": NAME, "lang": "en", "rows": N, "contains": [{...}]} with its answer on '
        "tests/data/shapes/valid/base.trig (see docs/extending.md)")
    assert not stale, f"manifest cases for queries that no longer exist: {stale}"
    for name, query in queries.items():
        for key in ("question", "returns", "used-by"):
            assert query.header.get(key), f"{name}.rq has no '# {key}:' header"


def test_unknown_parameter_is_refused(fixture_graph):
    with pytest.raises(QueryError, match="has no parameter 'colour'"):
        fixture_graph.query("twinnings", colour="blue")


def test_iri_parameters_must_be_iris(fixture_graph):
    with pytest.raises(QueryError, match="takes an IRI"):
        fixture_graph.query("statement-source", subject="not an iri")


def test_council_slug_becomes_the_council_iri(layout):
    kg = KnowledgeGraph.load(layout=layout, data_dir=layout.data_dir)
    table = kg.query("twinnings", council="ajuntament-vilafranca", lang="en")
    assert {r["partnerLabel"] for r in table.rows} >= {"Bühl", "Melzo", "Novo mesto"}
    assert {r["council"] for r in table.rows} == {
        "https://w3id.org/rrii/id/body/ajuntament-vilafranca"}


def test_result_table_turns_into_dataframe_and_rows(fixture_graph):
    table = fixture_graph.query("function-matrix", lang="en")
    frame = table.to_dataframe()
    assert list(frame.columns) == table.columns
    assert len(frame) == len(table.to_rows()) == 2
    assert "city networks" in set(frame["functionLabel"])
    assert table.to_markdown().count("\n") == 4
    assert table.to_csv().splitlines()[0].split(",")[:2] == ["council", "councilLabel"]


def test_params_are_declared_in_headers(layout):
    queries = load_queries(layout.queries_dir)
    assert declared_params(queries["units-by-council"]) == ["council", "date", "lang"]
    assert declared_params(queries["statement-source"]) == ["subject", "predicate", "lang"]


def test_values_block_is_safe_against_injection():
    import pyoxigraph as ox

    from rrii_graph.queries import NamedQuery

    q = NamedQuery("x", DATA, "SELECT ?s WHERE { ?s ?p ?lang }")
    text = with_values(q.text, {"lang": ox.Literal('ca" } ; DROP ALL ; {')})
    assert 'VALUES (?lang) { ("ca\\" } ; DROP ALL ; {") }' in text


def test_labels_follow_the_language_with_fallback(fixture_graph):
    spanish = fixture_graph.query("units-by-council", lang="es")
    assert {r["councilLabel"] for r in spanish.rows} == {"Ayuntamiento de Vilafictícia"}
    english = fixture_graph.query("twinnings", lang="en")
    assert english.rows[0]["partnerLabel"] == "Altrevila", "no English label: Catalan is used"


def test_values_also_bind_each_subquery_that_projects_them():
    import pyoxigraph as ox

    text = """SELECT ?council ?n WHERE {
  { # a comment before the subquery
    SELECT ?council (COUNT(?x) AS ?n) WHERE { ?x ?p ?council } GROUP BY ?council }
  { SELECT ?other WHERE { ?other ?q ?y { SELECT ?council WHERE { ?council ?r ?z } } } }
  { SELECT (?y AS ?council) WHERE { ?w ?s ?y } }
}"""
    bound = with_values(text, {"council": ox.NamedNode("http://example.org/c")})
    block = "VALUES (?council) { (<http://example.org/c>) }"
    assert bound.count(block) == 2, bound
    outer = bound.index(block)
    inner = bound.index(block, outer + 1)
    assert outer < bound.index("# a comment") < bound.index("COUNT(?x)") < inner \
        < bound.index("?x ?p ?council")
    # the nested subquery (inside one that does not project ?council) and the one that
    # computes ?council are left as they were
    assert "{ SELECT ?council WHERE { ?council ?r ?z } }" in bound
    assert "{ SELECT (?y AS ?council) WHERE { ?w ?s ?y } }" in bound


def test_a_label_found_in_a_subquery_follows_the_language(shipped_dataset, layout):
    from rrii_graph.queries import run_named

    store, queries = shipped_dataset.store(), load_queries(layout.queries_dir)
    vias = {lang: {r["via"] for r in run_named(store, queries["network-memberships"], {},
                                                   lang).rows if r.get("via") is not None}
            for lang in ("ca", "en")}
    assert vias["ca"] and vias["en"] and vias["ca"] != vias["en"], vias


def test_coverage_of_one_council_is_its_row_of_the_whole_table(shipped_dataset, layout):
    coverage = load_queries(layout.queries_dir)["coverage"]
    store = shipped_dataset.store()
    whole = run_named(store, coverage, {}, "en").rows
    assert len(whole) > 6
    for row in whole[::len(whole) // 6]:
        assert run_named(store, coverage, {"council": row["council"]}, "en").rows == [row]
