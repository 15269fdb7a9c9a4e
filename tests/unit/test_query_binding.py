"""Parameters are bound on the query's tokens and the result is parsed again: braces and ``#``
inside literals, IRIs and comments, nested subqueries, a VALUES block already present and a
CONSTRUCT template never mislead the binding or the rebasing; a header that declares a parameter
the query never uses is refused; a parameter's type comes from the header."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from rrii_graph.errors import QueryError
from rrii_graph.queries import (
    NamedQuery,
    bind_params,
    query_from_text,
    rebase_query,
    run_select,
    with_values,
)

C = ox.NamedNode("http://example.org/c")
DATA = """
<http://example.org/c> <http://example.org/name> "a { brace } and # hash" ;
    <http://example.org/label> "Vila"@ca , "Town"@en ;
    <http://example.org/p> <http://example.org/x1> , <http://example.org/x2> .
<http://example.org/d> <http://example.org/name> "other" ;
    <http://example.org/p> <http://example.org/x3> .
"""


@pytest.fixture(scope="module")
def store():
    s = ox.Store()
    s.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    return s


AWKWARD = '''# a comment with { braces } and a WHERE {
PREFIX ex: <http://example.org/>
SELECT ?council ?n ?label WHERE {
  ?council ex:name ?name .
  FILTER(?name != "} { # not structure" && ?name != """a long
  string with { and } and # too""")
  { # a comment before the subquery
    SELECT ?council (COUNT(?x) AS ?n) WHERE { ?council ex:p ?x } GROUP BY ?council }
  OPTIONAL { ?council ex:label ?label . FILTER(LANG(?label) = ?lang) }
}'''


def test_literals_comments_and_subqueries_do_not_mislead_the_binding(store):
    bound = with_values(AWKWARD, {"council": C, "lang": ox.Literal("en")})
    assert bound.count("VALUES (?council") == 2
    # the comment, the strings and the IRI are untouched
    for part in ('"} { # not structure"', "string with { and } and # too",
                 "# a comment with { braces } and a WHERE {", "<http://example.org/>"):
        assert part in bound
    rows = list(store.query(bound))
    assert [(r["council"].value, r["n"].value, r["label"].value) for r in rows] == [
        ("http://example.org/c", "2", "Town")]


def test_a_subquery_nested_in_another_and_values_already_present_are_kept():
    text = """SELECT ?council WHERE {
  VALUES ?kind { "a" "b" }
  { SELECT ?other WHERE { ?other ?q ?y { SELECT ?council WHERE { ?council ?r ?z } } } }
}"""
    bound = with_values(text, {"council": C})
    assert bound.count("VALUES (?council) { (<http://example.org/c>) }") == 1
    assert 'VALUES ?kind { "a" "b" }' in bound
    assert "{ SELECT ?council WHERE { ?council ?r ?z } }" in bound


def test_a_construct_template_is_not_the_where_group(store):
    text = """CONSTRUCT { ?council <http://example.org/seen> true } WHERE {
  ?council <http://example.org/name> ?name }"""
    bound = with_values(text, {"council": C})
    assert bound.index("VALUES") > bound.index("WHERE")
    assert len(list(store.query(bound))) == 1


def test_a_binding_that_breaks_the_query_is_an_error_not_a_wrong_answer():
    with pytest.raises(QueryError, match="cannot bind"):
        with_values("SELECT ?council { ?council ?p ?o } }", {"council": C})


def test_rebasing_changes_iris_never_strings_or_comments():
    text = '''# see <https://w3id.org/rrii/def#> for the terms
SELECT ?x WHERE { ?x a <https://w3id.org/rrii/def#Twinning> ;
  <http://www.w3.org/2000/01/rdf-schema#comment> "https://w3id.org/rrii/def#kept" }'''
    rebased = rebase_query(text, "https://example.org/rrii/")
    assert "<https://example.org/rrii/def#Twinning>" in rebased
    assert '"https://w3id.org/rrii/def#kept"' in rebased
    assert "# see <https://w3id.org/rrii/def#> for the terms" in rebased


def test_the_header_is_checked_against_the_query_and_types_the_parameters(store):
    query = query_from_text("# params: council (IRI), kind (a|b)\n"
                            "SELECT ?council WHERE { ?council <http://example.org/p> ?x }")
    with pytest.raises(QueryError, match=r"declares the parameters \['kind'\]"):
        bind_params(query, {}, None)
    typed = query_from_text("# params: council (IRI), kind (a|b)\n"
                            "SELECT ?council ?kind WHERE { ?council <http://example.org/p> ?x "
                            "BIND(?kind AS ?k) }")
    assert bind_params(typed, {"council": "http://example.org/c"}, None) == {"council": C}
    with pytest.raises(QueryError, match="takes an IRI"):
        bind_params(typed, {"council": "not an iri"}, None)
    with pytest.raises(QueryError, match="takes one of a, b"):
        bind_params(typed, {"kind": "c"}, None)
    rows = run_select(store, NamedQuery("t", Path("t.rq"), typed.text),
                      bind_params(typed, {"council": "http://example.org/c", "kind": "a"}, None))
    assert {r["council"].value for r in rows.rows} == {"http://example.org/c"}


DISPLAYED = '''PREFIX rrii: <https://w3id.org/rrii/def#>
SELECT ?s ?label ?lang WHERE {
  # GRAPH ?displayLabels { in a comment }
  ?s ?p ?o . FILTER(?o != "GRAPH ?displayLabels { }")
  OPTIONAL { GRAPH ?displayLabels { ?s rrii:displayLabel ?label } }
  OPTIONAL { GRAPH ?displayLabels { ?o rrii:displayLabel ?other { } } }
}'''


def test_the_display_graph_is_fixed_from_the_language_on_the_tokens():
    bound = with_values(DISPLAYED, {"lang": ox.Literal("en")})
    graph = "<https://w3id.org/rrii/derived/labels/en>"
    assert bound.count(f"GRAPH {graph}") == 2
    assert "# GRAPH ?displayLabels { in a comment }" in bound  # comments and strings stay
    assert '"GRAPH ?displayLabels { }"' in bound
    remote = with_values(DISPLAYED, {"lang": ox.Literal("en")}, remote=True)
    # for an engine: a variable of its own per graph pattern, restricted by a filter
    assert "GRAPH ?displayLabels_0 {" in remote and "GRAPH ?displayLabels_1 {" in remote
    assert remote.count(f"FILTER(?displayLabels_0 = {graph})") == 1
    assert remote.count(f"FILTER(?displayLabels_1 = {graph})") == 1
    with pytest.raises(QueryError, match="not a language tag"):
        with_values(DISPLAYED, {"lang": ox.Literal("en> } DROP ALL {")})


def test_fixed_and_restricted_display_graphs_answer_alike():
    store = ox.Store()
    store.load(b"""<http://example.org/s> <http://example.org/p> "o" .
        <https://w3id.org/rrii/derived/labels/en> {
          <http://example.org/s> <https://w3id.org/rrii/def#displayLabel> "S"@ca }
        <https://w3id.org/rrii/derived/labels/ca> {
          <http://example.org/s> <https://w3id.org/rrii/def#displayLabel> "S-ca"@ca }""",
               format=ox.RdfFormat.TRIG)
    text = ("PREFIX rrii: <https://w3id.org/rrii/def#> SELECT ?s ?label ?lang WHERE { ?s ?p ?o "
            "OPTIONAL { GRAPH ?displayLabels { ?s rrii:displayLabel ?label } } }")
    answers = []
    for remote in (False, True):
        query = with_values(text, {"lang": ox.Literal("en")}, remote=remote)
        answers.append([str(r["label"]) for r in store.query(query)])
    assert answers == [['"S"@ca'], ['"S"@ca']]
