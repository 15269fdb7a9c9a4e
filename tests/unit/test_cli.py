"""The rrii command: exit codes 0 (no Violation), 1 (Violations), 2 (usage or input errors)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rrii_graph.cli import main
from tests.conftest import BASE, DATA, ROOT, fixture_folder


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    return CliRunner()


def test_build_then_validate_exits_0(runner, tmp_path):
    out = tmp_path / "build"
    result = runner.invoke(main, ["build", "--data", str(DATA / "shapes" / "valid"),
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "quads in" in result.output
    result = runner.invoke(main, ["validate", "--build-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms: yes (0 violations")


def test_commands_without_a_lang_of_their_own_speak_the_global_one(runner, tmp_path):
    args = ["build", "--data", str(DATA / "shapes" / "valid"), "--out", str(tmp_path / "b")]
    said = {lang: runner.invoke(main, ["--lang", lang, *args]) for lang in ("ca", "es", "en")}
    assert all(r.exit_code == 0 for r in said.values()), said
    assert said["ca"].output.startswith("construïts ")
    assert said["es"].output.startswith("construidos ")
    assert said["en"].output.startswith("built ")
    missing = runner.invoke(main, ["--lang", "ca", "build", "--data", str(tmp_path / "none")])
    assert missing.exit_code == 2 and missing.output.startswith("error: ")  # the same word
    by_env = runner.invoke(main, args, env={"RRII_LANG": "ca"})
    assert by_env.output.startswith("construïts "), by_env.output


def test_validate_with_violations_exits_1_and_speaks_each_language(runner, tmp_path):
    data = fixture_folder(tmp_path, BASE, DATA / "shapes" / "invalid" / "twinning.trig")
    texts = {}
    for lang in ("ca", "es", "en"):
        result = runner.invoke(main, ["validate", "--data", str(data), "--lang", lang])
        assert result.exit_code == 1, result.output
        texts[lang] = result.output
    assert "Una col·laboració o agrupació necessita almenys dues parts" in texts["ca"]
    assert "Una colaboración o agrupación necesita al menos dos partes" in texts["es"]
    assert "A collaboration or grouping needs at least two partners" in texts["en"]
    assert "https://example.org/rrii-test/tw-one  «Agermanament coix»" in texts["ca"]


def test_validate_json_and_turtle_reports(runner, tmp_path):
    data = fixture_folder(tmp_path, BASE, DATA / "shapes" / "invalid" / "periods.trig")
    result = runner.invoke(main, ["validate", "--data", str(data), "--format", "json"])
    assert result.exit_code == 1
    body = json.loads(result.output)
    assert body["conforms"] is False
    assert body["counts"]["Violation"] == len(
        [r for r in body["results"] if r["severity"] == "Violation"]) >= 4
    shared = runner.invoke(main, ["validate", "--data", str(data), "--format", "json",
                                  "--workers", "2"])
    assert shared.exit_code == 1 and json.loads(shared.output) == body
    assert runner.invoke(main, ["validate", "--data", str(data), "--workers", "0"]
                         ).exit_code == 2
    result = runner.invoke(main, ["validate", "--data", str(data), "--format", "turtle"])
    assert result.exit_code == 1
    import rdflib
    graph = rdflib.Graph().parse(data=result.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    assert (None, rdflib.RDF.type, sh.ValidationReport) in graph
    assert (None, sh.conforms, rdflib.Literal(False)) in graph


def test_unknown_option_is_a_usage_error(runner):
    result = runner.invoke(main, ["build", "--no-such-option"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_unknown_language_is_a_usage_error(runner):
    result = runner.invoke(main, ["validate", "--lang", "fr"])
    assert result.exit_code == 2


def test_malformed_input_exits_2_naming_the_file(runner, tmp_path):
    data = fixture_folder(tmp_path, DATA / "invalid-input" / "unterminated-literal.trig")
    out = tmp_path / "build"
    result = runner.invoke(main, ["build", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 2
    assert "unterminated-literal.trig, line 6, column" in result.output
    assert not out.exists()


def test_validate_without_build_exits_2(runner, tmp_path):
    result = runner.invoke(main, ["validate", "--build-dir", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "run 'rrii build' first" in result.output


def test_console_script_is_installed_and_runs(tmp_path):
    """The real `rrii` entry point, as a user runs it."""
    script = Path(sys.executable).parent / "rrii"
    if not script.exists():
        pytest.skip("the rrii console script is not installed in this environment")
    env = dict(os.environ, RRII_HOME=str(ROOT))
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, env=env)
    assert done.returncode == 0
    assert done.stdout.startswith("rrii, version ")
    done = subprocess.run([str(script), "validate", "--build-dir", str(tmp_path)],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 2


def test_coverage_covers_every_council_and_says_where_data_is_thin(runner, tmp_path):
    result = runner.invoke(main, ["coverage", "--data", str(ROOT / "data"), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {r["label"]: r for r in json.loads(result.output)}
    assert len(rows) >= 30
    terrassa = rows["Ajuntament de Terrassa"]
    assert terrassa["council"] == "https://w3id.org/rrii/id/body/ajuntament-terrassa"
    assert terrassa["dimensions"]["structure"] and terrassa["dimensions"]["functions"]
    assert terrassa["thin"] is False
    reus = rows["Ajuntament de Reus"]
    assert reus["unknown"] == ["structure", "functions", "functioning", "resources"]
    assert reus["dimensions"]["resources"] is None, "unknown is null, never zero"
    assert rows["Ajuntament de Sitges"]["dimensions"]["functioning"] == 1
    text = runner.invoke(main, ["coverage", "--data", str(ROOT / "data"), "--lang", "en"]).output
    assert "Ajuntament de Reus" in text and "nothing known beyond the council itself" in text
    assert "thin: only functioning known" in text
    # the table speaks --lang, from the message catalogue
    catalan = runner.invoke(main, ["coverage", "--data", str(ROOT / "data"), "--lang", "ca"])
    assert "no se'n sap res més que l'ens mateix" in catalan.output
    assert "escàs: només se'n sap funcionament" in catalan.output
    assert "nothing known" not in catalan.output


def test_every_message_is_in_every_language():
    from rrii_graph.layout import LANGUAGES
    from rrii_graph.messages import catalogue

    keys = {lang: set(catalogue(lang)) for lang in LANGUAGES}
    assert keys["en"], "the English catalogue is empty"
    for lang in LANGUAGES:
        assert keys[lang] == keys["en"], (lang, keys["en"] ^ keys[lang])


def test_query_errors_exit_2(runner):
    data = ["--data", str(ROOT / "data")]
    unknown = runner.invoke(main, ["query", "no-such-query", *data])
    assert unknown.exit_code == 2 and "not found in" in unknown.output
    bad_param = runner.invoke(main, ["query", "plans", "--param", "colour=blue", *data])
    assert bad_param.exit_code == 2 and "has no parameter 'colour'" in bad_param.output
    malformed_param = runner.invoke(main, ["query", "plans", "--param", "council", *data])
    assert malformed_param.exit_code == 2
