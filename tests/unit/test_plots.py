"""Plots: every named plot is drawn without a display (Agg), as a non-empty PNG or SVG, with its
labels in the chosen language, and the same data gives the same bytes."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import matplotlib
import pytest
from click.testing import CliRunner

from rrii_graph.cli import main
from rrii_graph.errors import QueryError
from rrii_graph.plots import PLOT_NAMES, named_plot
from rrii_graph.queries import load_queries

BODY = "https://w3id.org/rrii/id/body/"
TRIO = [BODY + "ajuntament-terrassa", BODY + "ajuntament-granollers",
        BODY + "ajuntament-vilafranca"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def graph(shipped_dataset, layout):
    return shipped_dataset.store(), load_queries(layout.queries_dir)


@pytest.mark.parametrize("name", PLOT_NAMES)
def test_named_plot_is_a_non_empty_png_and_svg(graph, name):
    store, queries = graph
    png = named_plot(name, store, queries, TRIO, "ca", "png")
    assert matplotlib.get_backend().lower() == "agg"
    assert png.startswith(PNG_MAGIC) and len(png) > 5_000
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 200 and height > 150
    svg = named_plot(name, store, queries, TRIO, "ca", "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = [t for t in root.iter() if t.tag.endswith("text")]
    assert texts, "the SVG keeps its labels as text"


def test_plots_are_deterministic(graph):
    store, queries = graph
    first = named_plot("heatmap", store, queries, TRIO, "en", "png")
    assert first == named_plot("heatmap", store, queries, TRIO, "en", "png")
    svg = named_plot("organigram", store, queries, TRIO[:1], "en", "svg", "2021")
    assert svg == named_plot("organigram", store, queries, TRIO[:1], "en", "svg", "2021")


def test_labels_follow_the_language(graph):
    store, queries = graph
    catalan = named_plot("organigram", store, queries, TRIO[:1], "ca", "svg").decode()
    english = named_plot("organigram", store, queries, TRIO[:1], "en", "svg").decode()
    assert "Organigrama" in catalan and "Organisation chart" in english
    spanish = named_plot("heatmap", store, queries, TRIO, "es", "svg").decode()
    assert "Funciones de relaciones internacionales" in spanish
    assert "cooperación al desarrollo" in spanish


def test_nothing_to_draw_is_a_clear_error(graph):
    store, queries = graph
    with pytest.raises(QueryError, match="no dated naming or placement"):
        named_plot("timeline", store, queries, [BODY + "ajuntament-igualada"])
    with pytest.raises(QueryError, match="no council"):
        named_plot("heatmap", store, queries, [BODY + "ajuntament-enlloc"])


def test_cli_writes_the_image_atomically(tmp_path, layout):
    out = tmp_path / "org.svg"
    result = CliRunner().invoke(main, ["plot", "organigram", "diputacio-barcelona", "--out",
                                       str(out), "--lang", "en", "--data",
                                       str(layout.data_dir)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().lstrip().startswith(b"<?xml")
    bad = CliRunner().invoke(main, ["plot", "heatmap", "--out", str(tmp_path / "x.gif")])
    assert bad.exit_code == 2
    assert not list(tmp_path.glob(".*"))
