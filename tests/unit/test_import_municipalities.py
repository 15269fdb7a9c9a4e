"""rrii import municipalities: INE's dictionary, Idescat's and the Generalitat's lists, and
the pitfalls of real files. The fixtures are built here from verified values only (codes and
names of Abrera, Granollers, Terrassa and Barcelona)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.errors import InputError
from rrii_graph.ingest.municipalities import (
    _name_form,
    council_name,
    import_municipalities,
    ine_control_digit,
    parse_municipalities,
)
from rrii_graph.ingest.source import SourceDocument
from rrii_graph.layout import ProjectLayout
from rrii_graph.queries import council_coverage, get_query
from rrii_graph.typology import classifications
from rrii_graph.validate import validate_dataset
from tests.conftest import ROOT

VERIFIED = [("09", "08", "001", "8", "Abrera"), ("09", "08", "096", "1", "Granollers"),
            ("09", "08", "279", "8", "Terrassa"), ("09", "08", "019", "3", "Barcelona")]
SOURCE = SourceDocument(url="https://www.ine.es/daco/daco42/codmun/diccionario26.xlsx",
                        title="Relación de municipios y sus códigos", title_lang="es",
                        seen="2026-12-02")


def ine_workbook(path, rows, numbers=False, title=True):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "diccionario26"
    if title:
        sheet.append(["Relación de municipios y códigos por provincias a 1 de enero de 2026"])
    sheet.append(["CODAUTO", "CPRO", "CMUN", "DC", "NOMBRE"])
    for row in rows:
        sheet.append([int(v) if numbers and v.isdigit() else v for v in row])
    book.save(path)
    return path


def test_control_digit_matches_the_published_codes():
    assert [ine_control_digit(a + b) for _, a, b, _, _ in [(0, *r[1:3], 0, 0) for r in VERIFIED]
            ] == [r[3] for r in VERIFIED]


def test_ine_dictionary_with_numbers_for_codes_is_padded_with_a_warning(tmp_path):
    path = ine_workbook(tmp_path / "diccionario26.xlsx", VERIFIED, numbers=True)
    found, warnings = parse_municipalities(path)
    assert [(m.ine5, m.idescat6, m.name) for m in found] == [
        ("08001", "080018", "Abrera"), ("08096", "080961", "Granollers"),
        ("08279", "082798", "Terrassa"), ("08019", "080193", "Barcelona")]
    assert any("CPRO" in w and "leading zeros" in w for w in warnings)
    assert any("CMUN" in w for w in warnings)


def test_a_wrong_control_digit_leaves_the_row_out(tmp_path):
    rows = VERIFIED[:1] + [("09", "08", "279", "7", "Terrassa")]
    found, warnings = parse_municipalities(ine_workbook(tmp_path / "d.xlsx", rows))
    assert [m.name for m in found] == ["Abrera"]
    assert any("row 4" in w and "expected 8" in w for w in warnings)


def test_generalitat_list_drops_pseudo_municipalities_and_reads_its_headers(tmp_path):
    path = tmp_path / "municipis.csv"
    path.write_text("codi,nom,nom_comarca\n080018,Abrera,Baix Llobregat\n"
                    "80961,Granollers,Vallès Oriental\n999998,No consta,\n"
                    "999999,Altres/Diversos,\n", encoding="utf-8")
    found, warnings = parse_municipalities(path)
    assert [(m.idescat6, m.comarca) for m in found] == [("080018", "Baix Llobregat"),
                                                         ("080961", "Vallès Oriental")]
    assert sum("placeholder" in w for w in warnings) == 2
    assert any("IDESCAT code" in w and "leading zeros" in w for w in warnings)
    assert any("nom_comarca" in w for w in warnings)


def test_idescat_and_municat_layouts(tmp_path):
    idescat = tmp_path / "aec.csv"
    idescat.write_text("Municipi;Comarca;Codi;Altitud (m)\nTerrassa;Vallès Occidental;082798;277\n",
                       encoding="utf-8")
    assert [(m.ine5, m.comarca) for m in parse_municipalities(idescat)[0]] == [
        ("08279", "Vallès Occidental")]
    municat = tmp_path / "participacio.txt"
    municat.write_text('"CODIENS"!"MUNICIPI"!"COMARCA"\n"0800180001"!"Abrera"!"Baix Llobregat"\n',
                       encoding="latin-1")
    assert [m.idescat6 for m in parse_municipalities(municat)[0]] == ["080018"]


def test_name_forms():
    assert _name_form("Alamús, els") == "els Alamús"
    assert council_name("Abrera") == "Ajuntament d'Abrera"
    assert council_name("el Prat de Llobregat") == "Ajuntament del Prat de Llobregat"
    assert council_name("Terrassa") == "Ajuntament de Terrassa"


def test_not_a_list_is_an_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no header row"):
        parse_municipalities(path)


@pytest.fixture
def project(tmp_path, layout):
    """A copy of the project whose data folder is the curated data."""
    root = tmp_path / "project"
    for part in ("ontology", "queries", "data"):
        shutil.copytree(layout.root / part, root / part)
    return ProjectLayout(root)


def test_import_matches_curated_places_and_lists_councils_as_unknown(project, tmp_path):
    path = ine_workbook(tmp_path / "diccionario26.xlsx", VERIFIED)
    result = import_municipalities(path, SOURCE, project)
    assert result.municipalities == 4 and result.matched >= 2  # Terrassa, Granollers
    dataset = load_dataset(project)
    report = validate_dataset(dataset, project.checks_dir)
    assert report.count("Violation") == 0, report.to_text()
    store = dataset.store()
    coverage = {c.label: c for c in council_coverage(store, project.queries_dir)}
    abrera = coverage["Ajuntament d'Abrera"]
    assert abrera.unknown == ["structure", "functions", "functioning", "resources"]
    queries = {q: get_query(project.queries_dir, q) for q in ("typology", "typology-basis")}
    axes = {c.value_code for c in classifications(store, queries, "ca", abrera.council)}
    assert axes == {"indeterminat"}  # never "no dedicated unit"
    # the curated Terrassa kept its IRI and gained nothing it contradicts
    assert "https://w3id.org/rrii/id/body/ajuntament-terrassa" in {c.council for c in
                                                                   coverage.values()}


def test_cli_import_municipalities_warns_and_writes_atomically(project, tmp_path, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(project.root))
    path = ine_workbook(tmp_path / "d.xlsx", [("09", "08", "279", "7", "Terrassa")])
    result = CliRunner().invoke(main, ["import", "municipalities", str(path), "--source",
                                       SOURCE.url])
    assert result.exit_code == 2 and "no municipality could be read" in result.output
    assert not (project.data_dir / "imported").exists()
    good = ine_workbook(tmp_path / "g.xlsx", VERIFIED, numbers=True)
    result = CliRunner().invoke(main, ["import", "municipalities", str(good), "--source",
                                       SOURCE.url])
    assert result.exit_code == 0, result.output
    assert "imported 4 municipalities" in result.output and "leading zeros" in result.output
    assert ROOT != project.root


def test_importing_a_list_again_gives_the_same_file_and_spares_hand_files(project, tmp_path):
    path = ine_workbook(tmp_path / "d.xlsx", VERIFIED)
    first = import_municipalities(path, SOURCE, project).out_file.read_bytes()
    assert import_municipalities(path, SOURCE, project).out_file.read_bytes() == first
    hand = SourceDocument(url=SOURCE.url, title="x", slug="terrassa-a-ma")
    (project.data_dir / "imported" / "terrassa-a-ma.trig").write_text("# by hand\n",
                                                                      encoding="utf-8")
    with pytest.raises(InputError, match="not written by an import"):
        import_municipalities(path, hand, project)
