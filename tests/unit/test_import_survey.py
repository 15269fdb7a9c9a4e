"""The council survey: the template's sheets, instructions and drop-down lists; export then
import gives back each curated council's statements; a council filled in by hand validates and
shows in the comparisons; a wrong workbook is refused, naming sheet, row and column, and nothing
is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from rdflib.compare import isomorphic

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.errors import InputError
from rrii_graph.ingest.survey import (
    OTHER,
    TEMPLATE_FILE,
    council_statements,
    export_survey,
    import_survey,
    load_spec,
    load_vocabulary,
    read_survey,
)
from rrii_graph.queries import council_coverage, get_query, run_named
from rrii_graph.typology import classifications
from rrii_graph.validate import validate_dataset
from tests.conftest import ROOT

COUNCIL = "https://w3id.org/rrii/id/body/ajuntament-vilaexemple"
BODY_TYPE = ox.NamedNode("https://w3id.org/rrii/vocab/body-type/ajuntament")
DIMENSIONS = ("Bodies and units", "Posts and holders", "Placement history", "Functions",
              "Networks and roles", "Twinnings", "Projects", "Plans", "Resources", "Sources")


@pytest.fixture(scope="module")
def data_dataset(layout):
    return load_dataset(layout, derive=False)


@pytest.fixture(scope="module")
def blank(layout, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("survey") / "blank.xlsx"
    export_survey(layout, out)
    return out


def curated_councils(dataset) -> list[str]:
    store = dataset.store()
    return sorted({q.subject.value for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/ns/org#classification"), BODY_TYPE, None)
        if not isinstance(q.graph_name, ox.DefaultGraph)})


def as_rdflib(quads: list[ox.Quad]) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode(),
                  format="nquads")
    return dataset


def assert_isomorphic(expected: list[ox.Quad], got: list[ox.Quad]) -> None:
    a, b = as_rdflib(expected), as_rdflib(got)
    names_a = {str(g.identifier) for g in a.graphs() if len(g)}
    names_b = {str(g.identifier) for g in b.graphs() if len(g)}
    assert names_a == names_b
    for name in names_a:
        ga, gb = a.graph(rdflib.URIRef(name)), b.graph(rdflib.URIRef(name))
        assert isomorphic(ga, gb), f"graph <{name}> differs after the round trip"


def layout_of(wb_path: Path) -> dict[str, dict]:
    """What a workbook declares: per sheet its header row and its drop-down lists."""
    wb = load_workbook(wb_path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            "header": [c.value for c in ws[1]],
            "lists": sorted((str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation),
        }
    out["Lists"]["values"] = [list(r) for r in wb["Lists"].iter_rows(values_only=True)]
    return out


# --- the template ----------------------------------------------------------------------------

def test_committed_template_is_what_the_declaration_gives(layout, blank):
    committed = layout.templates_dir / TEMPLATE_FILE
    assert layout_of(committed) == layout_of(blank), (
        "templates/council-survey.xlsx is out of date; run "
        "'rrii export survey --out templates/council-survey.xlsx'")


def test_the_same_export_gives_the_same_bytes(layout, blank, tmp_path):
    again = tmp_path / "again.xlsx"
    export_survey(layout, again)
    assert again.read_bytes() == blank.read_bytes()
    export_survey(layout, tmp_path / "t1.xlsx", "terrassa")
    export_survey(layout, tmp_path / "t2.xlsx", "terrassa")
    assert (tmp_path / "t1.xlsx").read_bytes() == (tmp_path / "t2.xlsx").read_bytes()


def test_template_has_a_sheet_per_dimension_instructions_and_lists(layout, blank):
    wb = load_workbook(blank)
    for name in (*DIMENSIONS, OTHER, "Instructions", "Lists"):
        assert name in wb.sheetnames
    instructions = [row for row in wb["Instructions"].iter_rows(values_only=True)]
    by_lang = {row[0]: row[1] for row in instructions if row[0] in ("ca", "es", "en")}
    assert "font" in by_lang["ca"] and "fuente" in by_lang["es"] and "source" in by_lang["en"]
    for name in DIMENSIONS:
        assert "source" in [c.value for c in wb[name][1]], f"{name} has no source column"
    # the function drop-down holds every function of the SKOS scheme, and nothing else
    vocabulary = load_vocabulary(layout)
    functions = {c[0] for c in vocabulary.concepts["https://w3id.org/rrii/vocab/function"]}
    header = [c.value for c in wb["Functions"][1]]
    column = "ABCDEFGH"[header.index("function")]
    (validation,) = [v for v in wb["Functions"].data_validations.dataValidation
                     if str(v.sqref).startswith(column)]
    listed_column = validation.formula1.split("!$")[1][0]
    spec = load_spec(layout)
    listed = {spec.prefixes.expand(c.value).value for c in wb["Lists"][listed_column][1:]
              if c.value}
    assert listed == functions


# --- the round trip ---------------------------------------------------------------------------

def test_export_then_import_gives_each_curated_council_back(layout, data_dataset, tmp_path):
    councils = curated_councils(data_dataset)
    assert len(councils) >= 20
    total = other = 0
    for council in councils:
        out = tmp_path / (council.rsplit("/", 1)[-1] + ".xlsx")
        exported = export_survey(layout, out, council)
        quads, _ = read_survey(out, layout)
        expected = council_statements(data_dataset, layout, ox.NamedNode(council))
        assert exported.statements == len(expected) > 0
        assert_isomorphic(expected, quads)
        total += exported.statements
        other += exported.other
    # the dimension sheets carry the data: "Other statements" is the rare remainder
    assert other < 0.02 * total, (other, total)


def test_the_study_day_councils_fill_their_dimension_sheets(layout, tmp_path):
    out = tmp_path / "terrassa.xlsx"
    result = export_survey(layout, out, "ib:ajuntament-terrassa")
    for sheet in ("Bodies and units", "Posts and holders", "Placement history", "Functions",
                  "Networks and roles", "Twinnings", "Plans", "Resources", "Sources"):
        assert result.rows[sheet] > 0, sheet
    wb = load_workbook(out)
    ids = [r[0] for r in wb["Bodies and units"].iter_rows(min_row=2, values_only=True)]
    assert "ib:ajuntament-terrassa" in ids
    # every row names a source the sheet Sources declares
    sources = {r[0] for r in wb["Sources"].iter_rows(min_row=2, values_only=True)
               if r[1] == "source graph"}
    for name in DIMENSIONS:
        position = 1 if name == "Functions" else 2
        for row in wb[name].iter_rows(min_row=2, values_only=True):
            assert row[position] in sources, (name, row[:3])


# --- a council filled in by hand ---------------------------------------------------------------

def fill(blank: Path, out: Path, rows: dict[str, list[list]], formulas: bool = False) -> Path:
    """The blank survey with the rows filled in; a text starting with = is a text cell (as a
    spreadsheet keeps it when the cell is formatted as text), unless ``formulas``."""
    wb = load_workbook(blank)
    for sheet, values in rows.items():
        for r, row in enumerate(values, start=2):
            for c, value in enumerate(row, start=1):
                cell = wb[sheet].cell(row=r, column=c, value=value)
                if isinstance(value, str) and not formulas:
                    cell.data_type = "s"
    wb.save(out)
    return out


def header_row(blank: Path, sheet: str) -> list[str]:
    return [c.value for c in load_workbook(blank)[sheet][1]]


def row_for(blank: Path, sheet: str, cells: dict[str, object]) -> list:
    """A row of the sheet with the given cells (by header) filled."""
    header = header_row(blank, sheet)
    row: list = [None] * len(header)
    for key, value in cells.items():
        row[header.index(key)] = value
    return row


def vilaexemple(blank: Path) -> dict[str, list[list]]:
    """A fictional council, as a council officer would fill the survey."""
    g = "g:vilaexemple-organigrama"
    return {
        "Sources": [
            row_for(blank, "Sources", {
                "id": g,
                "kind": "source graph",
                "source": g,
                "primary source": "src:vilaexemple-organigrama",
                "confidence": "conf:alta",
            }),
            row_for(blank, "Sources", {
                "id": "src:vilaexemple-organigrama",
                "kind": "document",
                "source": g,
                "page": "https://example.org/vilaexemple/organigrama",
                "title (ca)": "Organigrama de Vilaexemple",
                "language": "lang:CAT",
                "date seen": "2026-12-02",
            }),
        ],
        "Bodies and units": [
            row_for(blank, "Bodies and units", {
                "id": "ib:ajuntament-vilaexemple",
                "kind": "council",
                "source": g,
                "name (ca)": "Ajuntament de Vilaexemple",
                "classification 1": "body:ajuntament",
                "territory": "ipl:vilaexemple",
            }),
            row_for(blank, "Bodies and units", {
                "id": "iu:vilaexemple-relacions-internacionals",
                "kind": "unit",
                "source": g,
                "name (ca)": "Servei de Relacions Internacionals",
                "classification 1": "rank:servei",
                "unit of": "ib:ajuntament-vilaexemple",
                "note (ca)": "=SUM(1;2) no és una fórmula",
            }),
        ],
        "Places": [row_for(blank, "Places", {
            "id": "ipl:vilaexemple",
            "kind": "city",
            "source": g,
            "name (ca)": "Vilaexemple",
        })],
        "Functions": [
            ["iu:vilaexemple-relacions-internacionals", g, "fn:xarxes-ciutats"],
            ["iu:vilaexemple-relacions-internacionals", g, "fn:projectes-fons-europeus"],
        ],
        "Posts and holders": [
            row_for(blank, "Posts and holders", {
                "id": "ipo:vilaexemple-regidoria-ri",
                "kind": "post",
                "source": g,
                "name (ca)": "Regidoria de Relacions Internacionals",
                "post in": "ib:ajuntament-vilaexemple",
                "role 1": "prole:regidoria",
            }),
        ],
    }


def test_a_filled_survey_validates_and_shows_in_the_comparisons(layout, blank, tmp_path):
    survey = fill(blank, tmp_path / "vilaexemple.xlsx", vilaexemple(blank))
    data = tmp_path / "data"
    result = import_survey(survey, layout, data)
    assert result.out_file == data / "survey-vilaexemple.trig"
    dataset = load_dataset(layout, data)
    validation = validate_dataset(dataset, layout.checks_dir)
    assert validation.count("Violation") == 0, validation.to_text()
    store = dataset.store()
    units = run_named(store, get_query(layout.queries_dir, "units-by-council"),
                      {"council": COUNCIL}, "ca").rows
    assert [r["unitLabel"] for r in units] == ["Servei de Relacions Internacionals"]
    coverage = {c.council: c for c in council_coverage(store, layout.queries_dir)}
    assert coverage[COUNCIL].counts["units"] == 1
    assert coverage[COUNCIL].counts["functions"] == 2
    axes = {c.axis_code: c.value_code
            for c in classifications(store, {q: get_query(layout.queries_dir, q)
                                             for q in ("typology", "typology-basis")},
                                     "ca", COUNCIL)}
    assert axes["unitat-dedicada"] == "amb-unitat"
    # text that looks like a formula stays text
    (note,) = {q.object for q in store.quads_for_pattern(
        ox.NamedNode("https://w3id.org/rrii/id/unit/vilaexemple-relacions-internacionals"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#note"), None, None)}
    assert note.value.startswith("=SUM(") and note.language == "ca"


def test_a_formula_is_refused_not_dropped(layout, blank, tmp_path):
    path = fill(blank, tmp_path / "formula.xlsx", vilaexemple(blank), formulas=True)
    refused(layout, path, tmp_path, "sheet 'Bodies and units', row 3, column",
            "(note (ca)): holds the formula '=SUM(1;2)")


# --- a wrong workbook ---------------------------------------------------------------------------

def refused(layout, path: Path, tmp_path: Path, *fragments: str) -> str:
    out = tmp_path / "out"
    with pytest.raises(InputError) as error:
        import_survey(path, layout, out)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message, message
    assert not out.exists() or not any(out.iterdir()), "something was written"
    return message


def test_a_workbook_that_is_not_the_survey_is_refused(layout, tmp_path):
    wb = Workbook()
    wb.active.title = "diccionario26"
    wb.active.append(["CODAUTO", "CPRO", "CMUN", "DC", "NOMBRE"])
    path = tmp_path / "ine.xlsx"
    wb.save(path)
    refused(layout, path, tmp_path, "sheet 'Functions' is missing", "council-survey.xlsx")
    text = tmp_path / "notes.xlsx"
    text.write_text("not a workbook")
    refused(layout, text, tmp_path, "not a spreadsheet workbook")


def test_a_changed_header_is_refused(layout, blank, tmp_path):
    wb = load_workbook(blank)
    wb["Twinnings"]["D1"] = "socis"
    path = tmp_path / "renamed.xlsx"
    wb.save(path)
    refused(layout, path, tmp_path, "sheet 'Twinnings', row 1, column D",
            "expected 'name (ca)'")


def test_wrong_types_are_refused_with_sheet_row_and_column(layout, blank, tmp_path):
    rows = vilaexemple(blank)
    rows["Resources"] = [row_for(blank, "Resources", {
        "id": "iobs:vilaexemple-pressupost",
        "kind": "resource",
        "source": "g:vilaexemple-organigrama",
        "about": "iu:vilaexemple-relacions-internacionals",
        "measure": "meas:pressupost",
        "value": "molts",
        "unit": "EUR",
    })]
    rows["Places"][0][header_row(blank, "Places").index("INE code")] = 8279
    path = fill(blank, tmp_path / "types.xlsx", rows)
    message = refused(layout, path, tmp_path, "expected a whole number, found 'molts'",
                      "sheet 'Places', row 2, column", "(INE code): expected text",
                      "leading zeros")
    assert "sheet 'Resources', row 2, column" in message


def test_a_row_without_its_source_is_refused(layout, blank, tmp_path):
    rows = vilaexemple(blank)
    rows["Functions"].append(["iu:vilaexemple-relacions-internacionals", None,
                              "fn:promocio-ciutat"])
    rows["Twinnings"] = [row_for(blank, "Twinnings", {
        "id": "itw:vilaexemple-x",
        "kind": "twinning",
        "source": "g:no-such-source",
        "partner 1": "ipl:vilaexemple",
    })]
    path = fill(blank, tmp_path / "sources.xlsx", rows)
    message = refused(layout, path, tmp_path,
                      "sheet 'Functions', row 4, column B (source): is empty")
    assert "g:no-such-source is not a row of kind 'source graph'" in message


def test_a_value_outside_its_vocabulary_is_refused(layout, blank, tmp_path):
    rows = vilaexemple(blank)
    rows["Functions"][0][2] = "fn:diplomacia-gastronomica"
    path = fill(blank, tmp_path / "vocabulary.xlsx", rows)
    refused(layout, path, tmp_path, "sheet 'Functions', row 2, column C (function)",
            "'fn:diplomacia-gastronomica' is not a concept of function")


def test_a_survey_exported_from_the_graph_does_not_define_its_graphs_twice(layout, tmp_path):
    project = tmp_path / "project"
    for folder in ("ontology", "queries", "templates"):
        shutil.copytree(ROOT / folder, project / folder)
    shutil.copytree(ROOT / "data" / "granollers", project / "data" / "granollers")
    from rrii_graph.layout import ProjectLayout
    copy = ProjectLayout(project)
    survey = tmp_path / "granollers.xlsx"
    export_survey(copy, survey, "granollers")
    before = sorted(p.name for p in (project / "data").rglob("*"))
    with pytest.raises(InputError, match="already in the data folder"):
        import_survey(survey, copy)
    assert sorted(p.name for p in (project / "data").rglob("*")) == before


def test_cli_export_and_import(monkeypatch, tmp_path):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    runner = CliRunner()
    survey = tmp_path / "vilafranca.xlsx"
    result = runner.invoke(main, ["export", "survey", "vilafranca", "--out", str(survey)])
    assert result.exit_code == 0, result.output
    assert "statements about <https://w3id.org/rrii/id/body/ajuntament-vilafranca>" in \
        result.output
    result = runner.invoke(main, ["import", "survey", str(survey), "--out",
                                  str(tmp_path / "in")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "in" / "survey-vilafranca.trig").is_file()
    result = runner.invoke(main, ["export", "survey", "nowhere", "--out",
                                  str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "no council" in result.output
    assert not (tmp_path / "x.xlsx").exists()
