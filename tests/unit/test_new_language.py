"""A language is data: in a temporary copy of the project, a new language ``xx`` (one line in
messages/languages.toml, one catalogue file, a label or two) builds, validates, publishes and
reports, with no Python edit; what it lacks falls back to the other languages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _copy(tmp: Path) -> Path:
    project = tmp / "project"
    for folder in ("src", "ontology", "data", "queries", "templates", "publish"):
        shutil.copytree(ROOT / folder, project / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    messages = project / "src" / "rrii_graph" / "messages"
    languages = messages / "languages.toml"
    languages.write_text(languages.read_text(encoding="utf-8").replace(
        'order = ["ca", "es", "en"]', 'order = ["ca", "es", "en", "xx"]'), encoding="utf-8")
    # a partial catalogue: the rest of the words fall back
    (messages / "xx.toml").write_text('[language]\nname = "Xxish"\n\n[report]\n'
                                      'title = "Xx comparison"\n', encoding="utf-8")
    function = project / "ontology" / "vocabularies" / "function.ttl"
    text = function.read_text(encoding="utf-8")
    function.write_text(text.replace('"International relations functions"@en ;',
                                     '"International relations functions"@en , "Xx functions"@xx ;',
                                     1), encoding="utf-8")
    return project


def _rrii(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RRII_HOME": str(project),
           "PYTHONPATH": str(project / "src") + os.pathsep + str(ROOT)}
    return subprocess.run([sys.executable, "-m", "rrii_graph.cli", *args], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def test_a_new_language_builds_validates_publishes_and_reports(tmp_path):
    project = _copy(tmp_path)
    built = _rrii(project, "build")
    assert built.returncode == 0, built.stderr
    checked = _rrii(project, "validate", "--lang", "xx")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("conforms: yes")
    # the new language has almost no labels: its display labels fall back, and the quality
    # check counts how many of the project's own resources do
    counted = checked.stdout.split("derived/labels/xx", 1)[1].split("\n")[1]
    assert "[Info]" in counted and int(counted.split("xx: ")[1].split(":")[0]) > 100, counted
    typology = _rrii(project, "query", "typology", "--lang", "xx", "--format", "csv")
    assert typology.returncode == 0, typology.stderr
    assert "Ajuntament de Terrassa" in typology.stdout  # the Catalan label, by fallback
    site = tmp_path / "site"
    published = _rrii(project, "publish", "--out", str(site))
    assert published.returncode == 0, published.stderr
    assert (site / "index.xx.html").is_file() or any(site.glob("*.xx.html"))
    page = next(site.glob("vocab/function*.xx.html"), None) or next(site.rglob("*.xx.html"))
    assert "Xxish" in page.read_text(encoding="utf-8")
    report = tmp_path / "report.html"
    compared = _rrii(project, "compare", "--lang", "xx", "--out", str(report))
    assert compared.returncode == 0, compared.stderr
    html = report.read_text(encoding="utf-8")
    assert "Xx comparison" in html  # its own word
    assert "Funcions" in html or "Functions" in html  # a word it lacks, from the fallback
    coverage = _rrii(project, "coverage", "--lang", "xx")
    assert coverage.returncode == 0 and "estructura" in coverage.stdout  # falls back to ca
