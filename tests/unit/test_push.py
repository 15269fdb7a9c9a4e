"""rrii push: the graph goes into a real Oxigraph server (started here on 127.0.0.1 through the
`oxigraph` package) by the Graph Store Protocol, and that store then answers the named queries as
the embedded graph does; a store that refuses writes, or is not there, is a clear error."""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest
from click.testing import CliRunner

from rrii_graph.cli import main
from rrii_graph.push import PushError, push_dataset
from rrii_graph.queries import bind_params, load_queries, run_named, run_remote
from rrii_graph.serve import free_port, oxigraph_binary
from tests.conftest import DATA


def _start(args: list[str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), *args, "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=1).read()
            return process, url
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the Oxigraph server did not start")
            time.sleep(0.1)


@pytest.fixture
def store(tmp_path):
    process, url = _start(["serve", "--location", str(tmp_path / "db")])
    yield url
    process.terminate()
    process.wait(timeout=10)


def test_pushed_store_answers_named_queries_like_the_embedded_graph(store, base_fixture_dataset,
                                                                   layout):
    seen = []
    result = push_dataset(base_fixture_dataset, store + "/store",
                          progress=lambda name, n: seen.append(name))
    assert result.graphs == len({q.graph_name for q in base_fixture_dataset.quads})
    assert seen[-1] == "default graph"
    queries = load_queries(layout.queries_dir)
    local_store = base_fixture_dataset.store()
    for name in ("typology", "units-by-council", "coverage", "network-memberships"):
        remote = run_remote(store + "/query", queries[name],
                            bind_params(queries[name], {}, "en"))
        local = run_named(local_store, queries[name], {}, "en")
        assert sorted(map(str, remote.rows)) == sorted(map(str, local.rows)), name
    # pushing again replaces each graph rather than adding to it
    push_dataset(base_fixture_dataset, store + "/store")
    again = run_remote(store + "/query", queries["coverage"], bind_params(queries["coverage"],
                                                                          {}, "en"))
    assert again.rows == run_named(local_store, queries["coverage"], {}, "en").rows


def test_a_store_that_refuses_writes_is_a_clear_error(tmp_path, base_fixture_dataset):
    subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "ro"), "--file",
                    str(DATA / "shapes" / "valid" / "base.trig")], check=True,
                   capture_output=True)
    process, url = _start(["serve-read-only", "--location", str(tmp_path / "ro")])
    try:
        with pytest.raises(PushError, match="refused .* with HTTP 4"):
            push_dataset(base_fixture_dataset, url + "/store")
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_unreachable_store_exits_2_with_the_url():
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(main, ["push", "--endpoint", url, "--data",
                                       str(DATA / "shapes" / "valid")])
    assert result.exit_code == 2
    assert "cannot reach the Graph Store" in result.output and url in result.output
