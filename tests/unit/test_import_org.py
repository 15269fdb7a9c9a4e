"""rrii import org: the official CPOV example and a plain W3C ORG council file come in as
source graphs of the profile, validate, and show in the queries, coverage, comparison and
typology; a data folder never skips a file without a word."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rrii_graph.build import load_dataset, write_build
from rrii_graph.cli import main
from rrii_graph.errors import InputError
from rrii_graph.ingest.mapping import load_mappings
from rrii_graph.ingest.org import import_org
from rrii_graph.ingest.source import SourceDocument
from rrii_graph.queries import council_coverage, get_query, run_named
from rrii_graph.typology import classifications
from rrii_graph.validate import validate_dataset
from tests.conftest import DATA, ROOT

IMPORT = DATA / "import"
CPOV = IMPORT / "cpov-2.1.2-example.ttl"
ORG = IMPORT / "org-council.ttl"
COUNCIL = "http://example.org/vilaexemple/ajuntament"
ORG_SOURCE = SourceDocument(url="https://example.org/vilaexemple/organigrama",
                            title="Organigrama de Vilaexemple", title_lang="ca",
                            seen="2026-12-02")


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    return CliRunner()


def imported(layout, tmp_path: Path, path: Path = ORG, councils=(COUNCIL,),
             source: SourceDocument = ORG_SOURCE):
    out = tmp_path / "data"
    report = import_org([path], source, layout, out, councils)
    return out, report


def test_mappings_read_what_their_queries_match(layout):
    mappings = {m.name: m for m in load_mappings(layout.queries_dir / "mappings")}
    org = "http://www.w3.org/ns/org#"
    assert {org + "unitOf", org + "hasUnit", org + "subOrganizationOf",
            org + "hasSubOrganization"} <= mappings["units"].reads
    assert org + "heldBy" in mappings["posts"].reads and org + "holds" in mappings["posts"].reads
    assert "http://www.w3.org/2006/time#inXSDDate" in mappings["owl-time"].reads
    assert org + "ChangeEvent" in mappings["change-events"].reads
    # the CONSTRUCT template is not what a mapping reads
    assert "https://w3id.org/rrii/def#PostHolding" not in mappings["posts"].reads


def test_cpov_example_imports_and_validates_without_violation(layout, tmp_path):
    source = SourceDocument(url="https://semiceu.github.io/CPOV/releases/2.1.2/",
                            title="Core Public Organisation Vocabulary 2.1.2: example",
                            seen="2026-12-02")
    out, report = imported(layout, tmp_path, CPOV, (), source)
    validation = validate_dataset(load_dataset(layout, out), layout.checks_dir)
    assert validation.count("Violation") == 0, validation.to_text()
    missing = {t.iri for t in report.not_understood}
    # the example's own slip (locn: without www) is named, not dropped
    assert "http://w3.org/ns/locn#fullAddress" in missing
    assert "http://data.europa.eu/m8g/contactPoint" not in missing
    assert report.input_triples == 57
    text = report.to_text()
    assert "no mapping: kept as it is" in text and "no council named" in text
    # every statement of the input is kept, in the source graph
    graph = ox.NamedNode(report.graph)
    store = ox.Store()
    store.load(path=str(report.out_file), format=ox.RdfFormat.TRIG)
    assert len(list(store.quads_for_pattern(None, None, None, graph))) >= 57 + \
        report.lifted_triples


def test_org_council_validates_and_shows_in_every_answer(layout, tmp_path):
    out, report = imported(layout, tmp_path)
    data = tmp_path / "all"
    shutil.copytree(layout.data_dir, data)
    shutil.copy(report.out_file, data / report.out_file.name)
    dataset = load_dataset(layout, data)
    validation = validate_dataset(dataset, layout.checks_dir)
    assert validation.count("Violation") == 0, validation.to_text()
    store = dataset.store()

    def rows(name, **params):
        return run_named(store, get_query(layout.queries_dir, name), params, "ca").rows

    units = {r["unitLabel"] for r in rows("units-by-council", council=COUNCIL)}
    assert units == {"Servei de Relacions Internacionals", "Àrea de Presidència",
                     "Oficina de Relacions Exteriors"}
    portfolio = rows("portfolio-and-unit", council=COUNCIL)
    assert [(r["postLabel"], r["holder"], r["head"]) for r in portfolio] == [
        ("Regidoria de Relacions Internacionals", "Persona Exemple A", "Persona Exemple B")]
    timeline = rows("unit-timeline", council=COUNCIL)
    assert any(r.get("start", "") and r["start"].startswith("2016-01-01") or
               (r.get("end") or "").startswith("2016-01-01") for r in timeline), timeline
    memberships = rows("network-memberships", council=COUNCIL)
    assert [(r["networkLabel"], r["start"]) for r in memberships] == [
        ("Xarxa de Ciutats d'Exemple", "2012-03-01")]
    coverage = {c.council: c for c in council_coverage(store, layout.queries_dir)}
    assert coverage[COUNCIL].counts["units"] == 3 and coverage[COUNCIL].counts["posts"] == 2
    axes = {c.axis_code: c.value_code
            for c in classifications(store, {q: get_query(layout.queries_dir, q)
                                             for q in ("typology", "typology-basis")},
                                     "ca", COUNCIL)}
    assert axes["unitat-dedicada"] == "amb-unitat"
    assert axes["lideratge-politic"] != "indeterminat"


def test_typology_is_undetermined_when_the_units_functions_are_unknown(layout, tmp_path):
    plain = tmp_path / "plain.ttl"
    plain.write_text("\n".join(line for line in ORG.read_text(encoding="utf-8").splitlines()
                               if "org:purpose" not in line), encoding="utf-8")
    out, _ = imported(layout, tmp_path, plain)
    dataset = load_dataset(layout, out)
    found = classifications(dataset.store(), {q: get_query(layout.queries_dir, q)
                                              for q in ("typology", "typology-basis")},
                            "ca", COUNCIL)
    axes = {c.axis_code: c.value_code for c in found}
    assert axes["unitat-dedicada"] == "indeterminat"


def test_import_is_deterministic_and_replaces_only_its_own_file(layout, tmp_path):
    out, report = imported(layout, tmp_path)
    first = report.out_file.read_bytes()
    _, again = imported(layout, tmp_path)
    assert again.out_file.read_bytes() == first
    curated = out / "hand.trig"
    curated.write_text("# hand-edited\n", encoding="utf-8")
    with pytest.raises(InputError, match="not written by an import"):
        import_org([ORG], SourceDocument(url="https://example.org/x", title="x", slug="hand"),
                   layout, out, (COUNCIL,))
    assert curated.read_text(encoding="utf-8") == "# hand-edited\n"


def test_bad_input_names_the_file_and_writes_nothing(layout, tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix org: <http://www.w3.org/ns/org#> .\n<a> org:unitOf \n",
                      encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(InputError, match=r"broken\.ttl, line \d+"):
        import_org([broken], ORG_SOURCE, layout, out)
    with pytest.raises(InputError, match="not the subject of any statement"):
        import_org([ORG], ORG_SOURCE, layout, out, ("http://example.org/nobody",))
    with pytest.raises(InputError, match="not an http"):
        SourceDocument(url="file.ttl", title="x")
    assert not out.exists() or not any(out.iterdir())


def test_cli_import_org_prints_the_profile(runner, tmp_path):
    result = runner.invoke(main, ["import", "org", str(ORG), "--source",
                                  ORG_SOURCE.url, "--council", COUNCIL, "--out",
                                  str(tmp_path), "--seen", "2026-12-02"])
    assert result.exit_code == 0, result.output
    assert "org:heldBy" in result.output and "posts" in result.output
    assert "terms no mapping reads" in result.output
    bad = runner.invoke(main, ["import", "org", str(ORG), "--source", "nowhere"])
    assert bad.exit_code == 2 and "not an http" in bad.output


@pytest.mark.parametrize("name", ["council.ttl", "council.jsonld", "council.nt", "council.rdf"])
def test_data_folder_refuses_other_rdf_files(runner, tmp_path, name):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "shapes" / "valid" / "base.trig", data / "base.trig")
    (data / name).write_text("", encoding="utf-8")
    for command in ("build", "validate"):
        args = [command, "--data", str(data)] + (["--out", str(tmp_path / "b")]
                                                 if command == "build" else [])
        result = runner.invoke(main, args)
        assert result.exit_code == 2, result.output
        assert name in result.output and "rrii import org" in result.output


def test_data_folder_with_no_data_fails(runner, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["validate", "--data", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no TriG data file" in result.output
    assert "conforms" not in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder whatever its mode")
def test_unreadable_folder_is_an_error(layout, tmp_path):
    data = tmp_path / "data"
    (data / "locked").mkdir(parents=True)
    shutil.copy(DATA / "shapes" / "valid" / "base.trig", data / "base.trig")
    os.chmod(data / "locked", 0)
    try:
        with pytest.raises(InputError, match="locked"):
            load_dataset(layout, data)
    finally:
        os.chmod(data / "locked", 0o755)


def test_fifo_and_dangling_link_named_trig_are_errors(layout, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(DATA / "shapes" / "valid" / "base.trig", data / "base.trig")
    os.mkfifo(data / "pipe.trig")
    with pytest.raises(InputError, match="not a regular file"):
        load_dataset(layout, data)
    os.unlink(data / "pipe.trig")
    os.symlink(tmp_path / "nowhere.trig", data / "link.trig")
    with pytest.raises(InputError, match="a link to nothing"):
        load_dataset(layout, data)


def test_imported_build_round_trips(layout, tmp_path):
    out, _ = imported(layout, tmp_path)
    result = write_build(load_dataset(layout, out), tmp_path / "build")
    assert result.quads > 0 and result.nquads.is_file()


def test_untagged_names_take_the_language_given(layout, tmp_path):
    plain = tmp_path / "untagged.ttl"
    plain.write_text("@prefix org: <http://www.w3.org/ns/org#> .\n"
                     "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                     "<http://example.org/x/aj> a org:FormalOrganization ;\n"
                     "    rdfs:label \"Ajuntament X\" ; org:hasUnit <http://example.org/x/u> .\n"
                     "<http://example.org/x/u> rdfs:label \"Servei Y\" .\n", encoding="utf-8")
    source = SourceDocument(url="https://example.org/x", title="x", seen="2026-12-02")
    for lang, expected in ((None, set()), ("ca", {"Ajuntament X", "Servei Y"})):
        out = tmp_path / f"out-{lang}"
        import_org([plain], source, layout, out, ("http://example.org/x/aj",), lang=lang)
        store = ox.Store()
        store.load(path=str(out / f"{source.key}.trig"), format=ox.RdfFormat.TRIG)
        pref = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
        names = {q.object for q in store.quads_for_pattern(None, pref, None, None)}
        assert {n.value for n in names} == expected
        assert all(n.language == "ca" for n in names)
