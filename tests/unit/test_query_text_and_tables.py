"""Ad-hoc SPARQL from Python (text or file), dataframes typed from the literals' datatypes, and
parse errors that point at the line, the column and the likely cause."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from rrii_graph.api import KnowledgeGraph
from rrii_graph.cli import main
from rrii_graph.errors import QueryError
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def kg(shipped_dataset, layout):
    return KnowledgeGraph(shipped_dataset, layout)


def test_sparql_takes_text_and_files(kg, tmp_path):
    text = ("PREFIX rrii: <https://w3id.org/rrii/def#>\n"
            "SELECT (COUNT(?g) AS ?graphs) WHERE { ?g a rrii:SourceGraph }")
    from_text = kg.sparql(text)
    path = tmp_path / "count.rq"
    path.write_text(text, encoding="utf-8")
    assert kg.sparql(path).rows == kg.sparql(str(path)).rows == from_text.rows
    assert int(from_text.rows[0]["graphs"]) > 200


def test_sparql_text_binds_declared_parameters(kg):
    text = ("# params: council (IRI)\n"
            "PREFIX org: <http://www.w3.org/ns/org#>\n"
            "SELECT ?council (COUNT(?unit) AS ?units) WHERE { ?unit org:unitOf ?council } "
            "GROUP BY ?council")
    rows = kg.sparql(text, council="ajuntament-terrassa").rows
    assert [r["council"] for r in rows] == ["https://w3id.org/rrii/id/body/ajuntament-terrassa"]
    with pytest.raises(QueryError, match="has no parameter 'town'"):
        kg.sparql(text, town="terrassa")


def test_dataframe_columns_are_typed_from_the_datatypes(kg):
    coverage = kg.query("coverage").to_dataframe()
    assert str(coverage["units"].dtype) == "Int64" and coverage["units"].sum() > 20
    assert coverage["label"].dtype == object
    typology = kg.query("typology").to_dataframe()
    assert str(typology["determined"].dtype) == "boolean"
    assert 0 < typology["determined"].sum() < len(typology)
    dates = kg.sparql("PREFIX rrii: <https://w3id.org/rrii/def#>\n"
                      "SELECT ?doc ?seen WHERE { ?doc rrii:dateSeen ?seen } LIMIT 5")
    frame = dates.to_dataframe()
    assert pd.api.types.is_datetime64_any_dtype(frame["seen"])
    numbers = kg.sparql("SELECT ?x WHERE { VALUES ?x { 1.5 2 } }").to_dataframe()
    assert str(numbers["x"].dtype) == "float64" and numbers["x"].sum() == 3.5
    # dates of mixed precision (a year, a day) stay text rather than being guessed
    mixed = kg.sparql('SELECT ?d WHERE { VALUES ?d { "2002"^^<http://www.w3.org/2001/'
                      'XMLSchema#gYear> "2002-05-01"^^<http://www.w3.org/2001/XMLSchema#date> '
                      '} }').to_dataframe()
    assert mixed["d"].dtype == object and list(mixed["d"]) == ["2002", "2002-05-01"]


@pytest.mark.parametrize(("text", "expected"), [
    ("PREFIX id: <https://w3id.org/rrii/id/>\nSELECT * WHERE {\n"
     "  ?s ?p id:body/ajuntament-terrassa .\n}",
     ["line 3, column", "id:body/ajuntament-terrassa", "not a legal prefixed name",
      "PREFIX ib: <https://w3id.org/rrii/id/body/>"]),
    ("SELECT * WHERE { ?s skos:prefLabel ?o }",
     ["line 1, column", "the prefix skos: is not declared",
      "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>"]),
    ("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }",
     ["line 2, column", "this is a SPARQL Update"]),
])
def test_parse_errors_name_the_place_and_the_pitfall(text, expected, tmp_path, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    bad = tmp_path / "bad.rq"
    bad.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--file", str(bad), "--data", str(ROOT / "data")])
    assert result.exit_code == 2
    for fragment in expected:
        assert fragment in result.output, result.output
    assert "['%']" not in result.output  # the parser's character classes are left out


def test_a_well_formed_query_gets_no_pitfall_hint(kg):
    with pytest.raises(QueryError) as error:
        kg.sparql("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                  "SELECT ?x WHERE { ?x skos:prefLabel }")
    assert "hint:" not in str(error.value) and "line 2, column" in str(error.value)
