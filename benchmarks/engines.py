"""What loading the published dumps elsewhere costs (``python -m benchmarks.engines``): the size of
the dataset dumps without and with the merged default graph, and for each engine the time to
load ``build/rrii.nq`` and to answer every named query, side by side with the embedded store in
the same run. Engines: the embedded pyoxigraph store, the Oxigraph server loaded by its own
command line, and Virtuoso Open Source 7 loaded by its bulk loader (skipped when not installed).

Data: the curated graph, and synthetic councils for each size of ``RRII_ENGINE_SIZES`` (default
``10000``). Results go to ``benchmarks/results/engines-<data>.json`` and are printed as a table.
The servers are started on 127.0.0.1 by the helpers the tests use (``tests/servers.py``).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

from rrii_graph.build import load_dataset, write_build
from rrii_graph.layout import ProjectLayout
from rrii_graph.publish.dumps import SYNTAXES, serialize
from rrii_graph.queries import bind_params, declared_params, load_queries, run_named, run_remote
from rrii_graph.synth import SYNTH, synthesise

HERE = Path(__file__).resolve().parent
MERGE = "https://w3id.org/rrii/merged"
SIZES = [int(s) for s in os.environ.get("RRII_ENGINE_SIZES", "10000").split(",") if s]
PAIRWISE = ("shared-networks", "similar-councils", "statement-source")


def _params(name: str, query, synthetic: bool) -> dict[str, str]:
    """The parameters each named query is asked with: none, but for the pairwise questions."""
    if name not in PAIRWISE:
        return {}
    pair = ({"council": f"{SYNTH}body/c000002", "other": f"{SYNTH}body/c000009",
             "subject": f"{SYNTH}unit/c000002"} if synthetic else
            {"council": "ajuntament-terrassa", "other": "ajuntament-barcelona",
             "subject": "https://w3id.org/rrii/id/unit/terrassa-consell-solidaritat"})
    return {k: v for k, v in pair.items() if k in declared_params(query)}


def sizes(dataset) -> dict[str, dict[str, int]]:
    """Bytes of each dataset dump (and gzipped) with the source graphs only and with the merge."""
    quads = dataset.quads
    merge = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
             for t in dataset.merged_triples()]
    out = {}
    for syntax in SYNTAXES:
        if syntax.extension in ("nq", "trig"):
            before = serialize(quads, syntax, dataset.base_uri)
            after = serialize(merge + quads, syntax, dataset.base_uri)
            out[syntax.extension] = {"before": len(before), "after": len(after),
                                     "before_gz": len(gzip.compress(before, 6)),
                                     "after_gz": len(gzip.compress(after, 6))}
    return out


def all_queries(run) -> tuple[float, int]:
    start = time.perf_counter()
    rows = sum(len(run(name, query).rows) for name, query in QUERIES.items())
    return time.perf_counter() - start, rows


def measure(label: str, layout: ProjectLayout, data: Path | None, synthetic: bool,
            work: Path) -> dict:
    from tests.servers import oxigraph_endpoint, virtuoso_server  # the tests' server helpers

    result: dict = {"data": label}
    start = time.perf_counter()
    dataset = load_dataset(layout, data)
    result["embedded_load_s"] = round(time.perf_counter() - start, 2)
    result["quads"] = len(dataset)
    build = work / f"build-{label}"
    write_build(dataset, build)
    result["sizes"] = sizes(dataset)
    store = dataset.store()
    seconds, rows = all_queries(lambda n, q: run_named(store, q, _params(n, q, synthetic), "en"))
    result["embedded_queries_s"], result["rows"] = round(seconds, 2), rows
    print(f"  embedded: load {result['embedded_load_s']} s, queries {seconds:.2f} s", flush=True)

    def remote(endpoint, default_graph=None):
        """Seconds and rows of every named query; a query the engine gives up on is recorded
        (with the seconds spent until then) rather than ending the measurement."""
        failed: list[str] = []

        def run(name, query):
            try:
                return run_remote(endpoint, query, bind_params(query, _params(
                    name, query, synthetic), "en"), timeout=3600, default_graph=default_graph)
            except Exception as exc:  # noqa: BLE001 - an engine's refusal is a result here
                failed.append(f"{name}: {str(exc)[:160]}")
                return type("Empty", (), {"rows": []})()
        seconds, rows = all_queries(run)
        result.setdefault("failed", []).extend(failed)
        return seconds, rows

    folder = work / f"oxigraph-{label}"
    folder.mkdir()
    start = time.perf_counter()
    for endpoint in oxigraph_endpoint(build / "rrii.nq", folder):
        result["oxigraph_load_s"] = round(time.perf_counter() - start, 2)
        seconds, rows = remote(endpoint)
        result["oxigraph_queries_s"], result["oxigraph_rows"] = round(seconds, 2), rows
    print(f"  oxigraph: load {result['oxigraph_load_s']} s, "
          f"queries {result['oxigraph_queries_s']} s", flush=True)
    folder = work / f"virtuoso-{label}"
    folder.mkdir()
    try:
        for server in virtuoso_server(folder, build):
            start = time.perf_counter()
            server.bulk_load(build, "rrii.nq", MERGE)
            result["virtuoso_load_s"] = round(time.perf_counter() - start, 2)
            seconds, rows = remote(server.sparql, MERGE)
            result["virtuoso_queries_s"], result["virtuoso_rows"] = round(seconds, 2), rows
        print(f"  virtuoso: load {result['virtuoso_load_s']} s, "
              f"queries {result['virtuoso_queries_s']} s", flush=True)
    except BaseException as exc:  # pytest.skip raises outside pytest too
        if type(exc).__name__ != "Skipped":
            raise
        print("  virtuoso: not installed, skipped", flush=True)
    return result


def main() -> None:
    global QUERIES
    layout = ProjectLayout.discover()
    QUERIES = load_queries(layout.queries_dir)
    runs = [("curated", None, False)]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in SIZES:
            folder = work / f"synth-{n}"
            synthesise(n, 1, folder)
            runs.append((f"synth-{n}", folder, True))
        for label, data, synthetic in runs:
            print(label, flush=True)
            result = measure(label, layout, data, synthetic, work)
            out = HERE / "results" / f"engines-{label}.json"
            out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            nq = result["sizes"]["nq"]
            print(f"  N-Quads {nq['before']:,} -> {nq['after']:,} bytes "
                  f"({nq['after'] / nq['before']:.2f}x)", flush=True)


QUERIES: dict = {}

if __name__ == "__main__":
    main()
