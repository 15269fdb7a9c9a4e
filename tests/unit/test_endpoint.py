"""Named queries give the same answers from the embedded store and from a real Oxigraph server
(the `oxigraph` package's `serve-read-only`, started here on 127.0.0.1 and stopped after)."""

from __future__ import annotations

import http.server
import threading

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from rrii_graph.cli import main
from rrii_graph.errors import QueryError
from rrii_graph.queries import bind_params, load_queries, run_named, run_remote
from tests.conftest import ROOT
from tests.servers import free_port, oxigraph_endpoint

TERRASSA = "ajuntament-terrassa"


@pytest.fixture(scope="module")
def server(shipped_dataset, tmp_path_factory):
    """A read-only Oxigraph server holding the curated dataset (named graphs and their merge)."""
    folder = tmp_path_factory.mktemp("oxigraph")
    dump = folder / "rrii.nq"
    shipped_dataset.store().dump(str(dump), format=ox.RdfFormat.N_QUADS)
    yield from oxigraph_endpoint(dump, folder)


def _params(name: str, query) -> dict[str, str]:
    params = {}
    from rrii_graph.queries import declared_params

    declared = declared_params(query)
    if "council" in declared:
        params["council"] = TERRASSA
    if "other" in declared:
        params["other"] = "ajuntament-barcelona"
    if "subject" in declared:
        params["subject"] = "https://w3id.org/rrii/id/unit/terrassa-consell-solidaritat"
    return params


def _canonical(table) -> list[tuple]:
    def norm(v):
        if v is None:
            return ""
        if v.startswith("_:"):
            return "_:"
        # GROUP_CONCAT order is unspecified in SPARQL 1.1: compare the parts as a set
        return ", ".join(sorted(v.split(", ")))
    return sorted(tuple(norm(r.get(c)) for c in table.columns) for r in table.rows)


def test_named_queries_agree_between_store_and_server(server, shipped_dataset, layout):
    store = shipped_dataset.store()
    compared = 0
    for name, query in sorted(load_queries(layout.queries_dir).items()):
        params = _params(name, query)
        local = run_named(store, query, params, "ca")
        remote = run_remote(server, query, bind_params(query, params, "ca"))
        assert remote.columns == local.columns, name
        assert _canonical(remote) == _canonical(local), name
        compared += 1 if local.rows else 0
    assert compared >= 12, "most named queries return rows on the curated data"


def test_cli_endpoint_option(server, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    result = CliRunner().invoke(main, ["query", "study-day-programme", "--endpoint", server,
                                       "--format", "csv", "--lang", "en"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 7 and "Alfredo Vega" in result.output


def test_unreachable_endpoint_is_a_clear_error_exit_2(monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    url = f"http://127.0.0.1:{free_port()}/query"
    result = CliRunner().invoke(main, ["query", "plans", "--endpoint", url, "--timeout", "3"])
    assert result.exit_code == 2
    assert f"endpoint {url} did not answer" in result.output


def test_endpoint_answering_garbage_is_a_clear_error(tmp_path, layout):
    (tmp_path / "query").write_text("<html>not sparql</html>", encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tmp_path), **kwargs)

        def do_POST(self):  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html>not sparql</html>")

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/query"
        query = load_queries(layout.queries_dir)["plans"]
        with pytest.raises(QueryError, match="not SPARQL JSON results|did not answer"):
            run_remote(url, query, {}, timeout=5)
    finally:
        httpd.shutdown()


def test_malformed_adhoc_query_exits_2(tmp_path, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?x WHERE { ?x ?y }", encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--file", str(bad), "--data", str(ROOT / "data")])
    assert result.exit_code == 2
    assert "is malformed" in result.output


def test_adhoc_query_file_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    good = tmp_path / "count.rq"
    good.write_text("# question: how many source graphs?\n"
                    "PREFIX rrii: <https://w3id.org/rrii/def#>\n"
                    "SELECT (COUNT(?g) AS ?graphs) WHERE { ?g a rrii:SourceGraph }\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["query", "--file", str(good), "--data", str(ROOT / "data"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert int(__import__("json").loads(result.output)["rows"][0]["graphs"]) > 200


def test_query_needs_a_name_or_a_file(monkeypatch):
    monkeypatch.setenv("RRII_HOME", str(ROOT))
    result = CliRunner().invoke(main, ["query"])
    assert result.exit_code == 2


