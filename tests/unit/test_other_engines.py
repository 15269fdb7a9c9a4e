"""The dumps stand alone: `build/rrii.nq` and the published N-Quads and TriG dumps, loaded as they
are by another engine's own loader, answer every named query with the rows of the embedded
store. Engines: the Oxigraph server loaded by its command line with no flags, and Virtuoso Open
Source 7 loaded by its bulk loader and by `rrii push`. Each is started here on 127.0.0.1 and
stopped after."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rrii_graph.build import Dataset, write_build
from rrii_graph.cli import main
from rrii_graph.publish.dumps import dump_files
from rrii_graph.push import PushError, push_dataset
from rrii_graph.queries import ResultTable, bind_params, load_queries, run_named, run_remote
from tests.conftest import ROOT
from tests.servers import oxigraph_endpoint, virtuoso_server
from tests.unit.test_endpoint import _params

MERGE = "https://w3id.org/rrii/merged"


@pytest.fixture(scope="module")
def dumps(shipped_dataset, tmp_path_factory):
    """``build/`` as ``rrii build`` writes it, and the site's N-Quads and TriG dumps."""
    folder = tmp_path_factory.mktemp("dumps")
    write_build(shipped_dataset, folder / "build")
    site = folder / "site"
    site.mkdir()
    for name, data in dump_files(shipped_dataset.quads, shipped_dataset.merged_triples(),
                                     shipped_dataset.base_uri).items():
        if name in ("rrii.nq", "rrii.trig"):
            (site / name).write_bytes(data)
    return folder


def _order_variables(text: str) -> list[str] | None:
    """The variables of the query's final ORDER BY, when it orders by plain variables."""
    match = re.search(r"ORDER\s+BY\s+(.+?)\s*(LIMIT\b.*|OFFSET\b.*)?$", text.strip(), re.S | re.I)
    if not match:
        return None
    key = r"(?:(?:ASC|DESC)\()?(?:STR\()?\?(\w+)\)*"
    keys = re.findall(key, match.group(1))
    rest = re.sub(key, "", match.group(1)).strip()
    return keys if keys and not rest else None


def _norm(value: str | None) -> str:
    if value is None:
        return ""
    if value.startswith("_:"):
        return "_:"
    # GROUP_CONCAT order is unspecified in SPARQL 1.1: compare the parts as a set
    return ", ".join(sorted(value.split(", ")))


def _booleans_as_virtuoso_writes_them(local: ResultTable, remote: ResultTable) -> ResultTable:
    """Virtuoso answers a boolean expression with 1 or 0 (queries/README.md, "Other
    engines"): read those as true and false in the columns where the embedded store has
    booleans."""
    columns = [c for c in local.columns
               if local.rows and {r.get(c) for r in local.rows} <= {"true", "false", None}
               and any(r.get(c) is not None for r in local.rows)]
    rows = [{**r, **{c: {"1": "true", "0": "false"}.get(r.get(c), r.get(c)) for c in columns}}
            for r in remote.rows]
    return ResultTable(remote.columns, rows)


def assert_same_answers(dataset, layout, endpoint: str, default_graph: str | None = None,
                        virtuoso: bool = False) -> int:
    """Every named query gives the embedded store's rows (in its order where it orders)."""
    store = dataset.store()
    answered = 0
    for name, query in sorted(load_queries(layout.queries_dir).items()):
        params = _params(name, query)
        local = run_named(store, query, params, "ca")
        remote = run_remote(endpoint, query, bind_params(query, params, "ca"), timeout=300,
                            default_graph=default_graph)
        if virtuoso:
            remote = _booleans_as_virtuoso_writes_them(local, remote)
        assert remote.columns == local.columns, name
        rows = [tuple(_norm(r.get(c)) for c in local.columns) for r in local.rows]
        got = [tuple(_norm(r.get(c)) for c in local.columns) for r in remote.rows]
        assert sorted(got) == sorted(rows), name
        order = _order_variables(query.text)
        if order:
            positions = [local.columns.index(v) for v in order if v in local.columns]
            assert [[row[i] for i in positions] for row in got] == \
                [[row[i] for i in positions] for row in rows], f"{name}: order"
        answered += 1 if local.rows else 0
    assert answered >= 15, "most named queries return rows on the curated data"
    return answered


@pytest.mark.parametrize("dump", ["build/rrii.nq", "site/rrii.nq", "site/rrii.trig"])
def test_oxigraph_loaded_by_its_own_cli_answers_like_the_embedded_store(
        dump, dumps, shipped_dataset, layout, tmp_path):
    for endpoint in oxigraph_endpoint(dumps / dump, tmp_path):  # no flags: no union mode
        assert_same_answers(shipped_dataset, layout, endpoint)


@pytest.fixture(scope="module")
def virtuoso_loaded(dumps, tmp_path_factory):
    """Virtuoso with the site's N-Quads dump loaded by its bulk loader: the source graphs into
    their graphs, the dump's default graph (the merge) into the graph MERGE."""
    for server in virtuoso_server(tmp_path_factory.mktemp("virtuoso"), dumps / "site"):
        server.bulk_load(dumps / "site", "rrii.nq", MERGE)
        yield server


def test_virtuoso_bulk_loaded_answers_like_the_embedded_store(virtuoso_loaded, shipped_dataset,
                                                              layout):
    assert_same_answers(shipped_dataset, layout, virtuoso_loaded.sparql, MERGE, virtuoso=True)


def test_cli_queries_virtuoso_with_the_merge_as_default_graph(virtuoso_loaded, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    result = CliRunner().invoke(main, [
        "query", "study-day-programme", "--endpoint", virtuoso_loaded.sparql,
        "--default-graph-uri", MERGE, "--format", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 7 and "Alfredo Vega" in result.output


def test_push_into_virtuoso_with_digest_authentication(shipped_dataset, layout, tmp_path):
    for server in virtuoso_server(tmp_path, tmp_path):
        with pytest.raises(PushError, match="HTTP 401"):
            push_dataset(shipped_dataset, server.graph_store, auth="dba:wrong",
                         merge_graph=MERGE, timeout=60)
        small = Dataset([ox.Quad(ox.NamedNode("https://example.org/rrii-test/a"),
                                 ox.NamedNode("https://example.org/rrii-test/p"),
                                 ox.Literal("b"),
                                 ox.NamedNode("https://example.org/rrii-test/graph"))],
                        {"https://example.org/rrii-test/graph": {"kind": "data", "source": "t"}})
        with pytest.raises(PushError, match="default"):
            # Virtuoso's Graph Store has no default graph: a clear refusal, not a silent loss
            push_dataset(small, server.graph_store, auth="dba:dba", timeout=60)
        result = push_dataset(shipped_dataset, server.graph_store, auth="dba:dba",
                              merge_graph=MERGE, timeout=300)
        assert result.graphs == len(shipped_dataset.graphs)
        assert_same_answers(shipped_dataset, layout, server.sparql, MERGE, virtuoso=True)


def test_ci_installs_virtuoso():
    """A machine without Virtuoso skips the tests above; CI (.ci/run) installs it so that they
    run there."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "virtuoso-opensource" in ci and "apt-get install" in ci
