"""The comparison report: sections for each dimension, council names, sources linked, unknown
written as unknown; rendered in a real headless Chromium (Debian's chromium), with a screenshot
kept in tests/artefacts/."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.plots import function_heatmap
from rrii_graph.report import build_report, render_html, render_markdown
from tests.conftest import ROOT, chromium_command

ARTEFACTS = ROOT / "tests" / "artefacts"
SECTIONS = ["programme", "structure", "timeline", "functions", "functioning", "organisation",
            "resources", "model", "coverage"]


@pytest.fixture(scope="module")
def report(layout, shipped_dataset):
    return build_report(shipped_dataset, layout, None, "en")


def test_report_has_every_section_and_the_study_day_councils(report):
    assert [s.key for s in report.sections] == SECTIONS
    assert report.councils == ["Ajuntament de Terrassa", "Ajuntament de Granollers",
                               "Ajuntament de Vilafranca del Penedès"]


def test_unknown_is_written_as_unknown_never_zero(report):
    resources = next(s for s in report.sections if s.key == "resources")
    cells = [c for row in resources.tables[0].rows for c in row]
    assert any(c.unknown and c.text == "unknown" for c in cells)
    assert not any(c.text in ("0", "") for c in cells)
    coverage = next(s for s in report.sections if s.key == "coverage").tables[0]
    terrassa = next(r for r in coverage.rows if r[0].text == "Ajuntament de Terrassa")
    resources_cell = terrassa[coverage.columns.index("resources")]
    assert resources_cell.unknown


def test_function_cells_link_to_their_sources(report):
    functions = next(s for s in report.sections if s.key == "functions").tables[0]
    ticks = [c for row in functions.rows for c in row if c.text == "✓"]
    assert ticks and all(c.href and c.href.startswith("http") for c in ticks)


def test_html_is_self_contained_and_escapes_text(report):
    html = render_html(report)
    assert "<script" not in html
    assert not re.search(r'src="(?!data:)', html), "images are inline data URIs"
    assert html.count('<img alt=') >= 3
    md = render_markdown(report)
    assert md.startswith("# Comparison of international relations units")


def test_heatmap_is_a_png_made_without_a_display():
    png = function_heatmap(["A", "B"], ["f1", "f2"], {("A", "f1"): True}, {"B"}, "t", "unknown")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000
    svg = function_heatmap(["A"], ["f1"], {}, set(), "t", "unknown", fmt="svg")
    assert b"<svg" in svg[:400]


def test_report_is_deterministic(layout, tmp_path, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    runner = CliRunner()
    outs = []
    for name in ("a.html", "b.html"):
        result = runner.invoke(main, ["compare", "--data", str(ROOT / "data"), "--lang", "ca",
                                      "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]


def test_report_renders_in_headless_chromium(layout, tmp_path):
    browser = chromium_command(tmp_path / "profile")
    dataset = load_dataset(layout)
    html = tmp_path / "report.html"
    html.write_text(render_html(build_report(dataset, layout, None, "ca")), encoding="utf-8")
    dom = subprocess.run([*browser, "--dump-dom", html.as_uri()], capture_output=True,
                         text=True, timeout=120).stdout
    for key in SECTIONS:
        assert f'id="{key}"' in dom, key
    for name in ("Ajuntament de Terrassa", "Ajuntament de Granollers",
                 "Ajuntament de Vilafranca del Penedès", "Estructura institucional",
                 "Tipus d'unitat gestora"):
        assert name in dom
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTEFACTS / "report.png"
    shot.unlink(missing_ok=True)
    subprocess.run([*browser, "--window-size=1280,2400", f"--screenshot={shot}",
                    html.as_uri()], capture_output=True, timeout=120)
    assert shot.is_file() and shot.stat().st_size > 50_000
    assert Path(shot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
