"""rrii import wikidata, against a real Oxigraph server started here on 127.0.0.1 and loaded
with a small graph in Wikidata's statement shape."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.errors import InputError
from rrii_graph.ingest.wikidata import import_wikidata
from rrii_graph.layout import ProjectLayout
from rrii_graph.validate import validate_dataset
from tests.conftest import BASE, DATA
from tests.servers import free_port, oxigraph_endpoint

FIXTURE = DATA / "import" / "wikidata-fixture.ttl"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    yield from oxigraph_endpoint(FIXTURE, tmp_path_factory.mktemp("wikidata"))


@pytest.fixture
def project(tmp_path, layout):
    root = tmp_path / "project"
    for part in ("ontology", "queries"):
        shutil.copytree(layout.root / part, root / part)
    (root / "data").mkdir()
    shutil.copy(BASE, root / "data" / BASE.name)
    return ProjectLayout(root)


def test_population_twinnings_and_memberships_come_in_as_a_source_graph(endpoint, project):
    result = import_wikidata(endpoint, project, "2026-12-02")
    assert result.statements == {"population": 1, "twinnings": 1, "memberships": 1}
    dataset = load_dataset(project)
    report = validate_dataset(dataset, project.checks_dir)
    assert report.count("Violation") == 0, report.to_text()
    store = dataset.store()
    value = ox.NamedNode("http://schema.org/value")
    # the curated 12345 and Wikidata's 12000 are both kept, each in its own graph
    by_graph = {(q.graph_name.value, q.object.value)
                for q in store.quads_for_pattern(None, value, None)
                if not isinstance(q.graph_name, ox.DefaultGraph)}
    graph = result.graphs[0]
    assert (graph, "12000") in by_graph
    assert any(v == "12345" and g != graph for g, v in by_graph)
    match = ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch")
    sameas = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    assert ox.NamedNode("http://www.wikidata.org/entity/Q9990001") in {
        q.object for q in store.quads_for_pattern(None, match, None, ox.NamedNode(graph))}
    assert not list(store.quads_for_pattern(None, sameas, None, None))
    page = ox.NamedNode("http://xmlns.com/foaf/0.1/page")
    assert {q.object.value for q in store.quads_for_pattern(None, page, None,
                                                            ox.NamedNode(graph))} == {endpoint}
    assert "2026-12-02" in result.out_file.read_text(encoding="utf-8")


def test_unknown_council_and_unreachable_endpoint_are_errors(project, endpoint):
    with pytest.raises(InputError, match="no council of the data folder"):
        import_wikidata(endpoint, project, "2026-12-02", ("08279",))
    result = CliRunner().invoke(main, ["import", "wikidata", "--endpoint",
                                       f"http://127.0.0.1:{free_port()}/query", "--timeout",
                                       "2"], env={"RRII_HOME": str(project.root)})
    assert result.exit_code == 2 and "did not answer" in result.output
    assert not (project.data_dir / "imported").exists()
