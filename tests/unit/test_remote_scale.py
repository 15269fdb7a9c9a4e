"""Beyond one machine's embedded store (docs/scale.md): 10,000 synthetic councils built, pushed by
`rrii push` into a second engine (an Oxigraph server on 127.0.0.1) and queried there by
`rrii query --endpoint`, give the embedded store's answers for one council and for the whole
typology table."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from rrii_graph.build import read_build
from rrii_graph.cli import main
from rrii_graph.queries import load_queries, run_named
from tests.conftest import ROOT
from tests.unit.test_push import _start

COUNCILS = 10_000


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("remote-scale")
    runner = CliRunner(env={"RRII_HOME": str(ROOT)})
    made = runner.invoke(main, ["synth", "--councils", str(COUNCILS), "--out",
                                str(work / "synth")])
    assert made.exit_code == 0, made.output
    done = runner.invoke(main, ["build", "--data", str(work / "synth"), "--out",
                                str(work / "build")])
    assert done.exit_code == 0, done.output
    return work, runner


def _rows(output: str) -> list[tuple]:
    return sorted(tuple(r) for r in csv.reader(io.StringIO(output)))


def test_ten_thousand_councils_pushed_and_queried_remotely_answer_as_embedded(built, layout):
    work, runner = built
    dataset = read_build(work / "build")  # the embedded answers, read once
    queries = load_queries(layout.queries_dir)
    units = run_named(dataset.store(), queries["units-by-council"], {}, "en")
    one = units.rows[0]["council"]  # a council with a unit
    process, url = _start(["serve", "--location", str(work / "db")])
    try:
        pushed = runner.invoke(main, ["push", "--endpoint", url + "/store", "--build-dir",
                                      str(work / "build"), "--timeout", "600"])
        assert pushed.exit_code == 0, pushed.output
        for name, params in (("typology", {}), ("units-by-council", {"council": one}),
                             ("network-memberships", {"council": one}),
                             ("typology-basis", {"council": one})):
            local = run_named(dataset.store(), queries[name], params, "en")
            args = [f"{k}={v}" for k, v in params.items()]
            remote = runner.invoke(main, [
                "query", name, *(x for a in args for x in ("--param", a)), "--lang", "en",
                "--format", "csv", "--endpoint", url + "/query", "--timeout", "600"])
            assert remote.exit_code == 0, (name, remote.output)
            assert _rows(remote.output) == _rows(local.to_csv()), name
            assert local.rows, name
    finally:
        process.terminate()
        process.wait(timeout=30)
