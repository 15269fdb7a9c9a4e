"""Benchmarks: each stage on the embedded store against a baseline measured in the same run.

Run with ``make bench``. Prints wall time, quads per second and the ratio to the baseline:
rdflib's in-memory Dataset for loading, rdflib's SPARQL engine on the same merged graph for every
named query (same .rq files, same bindings, with a time limit), and pySHACL, which is both the
validator and its own baseline today.
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import signal
import statistics
import time

import pyoxigraph as ox
import rdflib

from rrii_graph.build import asset_files, data_files, load_dataset
from rrii_graph.layout import ProjectLayout
from rrii_graph.queries import bind_params, load_queries, run_named
from rrii_graph.validate import validate_dataset

REPEATS = 5
BASELINE_LIMIT_S = 60


class _TimeLimitError(Exception):
    pass


def _alarm(_signum, _frame):
    raise _TimeLimitError


def rdflib_query(graph: rdflib.Dataset, text: str, bindings: dict) -> int:
    """Run the same query with rdflib, values bound with initBindings; returns the row count."""
    init = {}
    for name, term in bindings.items():
        init[name] = (rdflib.URIRef(term.value) if term.__class__.__name__ == "NamedNode"
                      else rdflib.Literal(term.value))
    return len(list(graph.query(text, initBindings=init)))


def timed(fn, repeats: int = REPEATS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def rdflib_load(layout: ProjectLayout) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    for source in asset_files(layout):
        dataset.graph(rdflib.URIRef(source.graph)).parse(source.path, format="turtle")
    for source in data_files(layout.data_dir):
        dataset.parse(source.path, format="trig")
    return dataset


def main() -> None:
    layout = ProjectLayout.discover()
    t_ox, dataset = timed(lambda: load_dataset(layout))
    t_rdflib, _ = timed(lambda: rdflib_load(layout))
    quads = len(dataset.quads)
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"median of {REPEATS} runs")
    print(f"{'stage':<10} {'quads':>8} {'rrii s':>8} {'quads/s':>10} {'baseline s':>11} "
          f"{'ratio':>6}")
    print(f"{'load':<10} {quads:>8} {t_ox:>8.3f} {quads / t_ox:>10.0f} {t_rdflib:>11.3f} "
          f"{t_rdflib / t_ox:>5.1f}x")
    t_val, _ = timed(lambda: validate_dataset(dataset, layout.checks_dir), repeats=1)
    print(f"{'validate':<10} {quads:>8} {t_val:>8.3f} {quads / t_val:>10.0f} {'(pySHACL)':>11} "
          f"{'1.0x':>6}")
    store = dataset.store()
    merged = rdflib.Dataset()
    merged.parse(data=bytes(store.dump(format=ox.RdfFormat.N_QUADS)).decode("utf-8"),
                 format="nquads")
    signal.signal(signal.SIGALRM, _alarm)
    for name, query in sorted(load_queries(layout.queries_dir).items()):
        subject = "https://w3id.org/rrii/id/unit/terrassa-consell-solidaritat"
        params = {"subject": subject} if name == "statement-source" else {}
        t_q, table = timed(lambda q=query, p=params: run_named(store, q, p, "ca"))
        bindings = bind_params(query, params, "ca")
        signal.alarm(BASELINE_LIMIT_S)
        try:
            start = time.perf_counter()
            rdflib_query(merged, query.text, bindings)
            t_base = time.perf_counter() - start
            base, ratio = f"{t_base:>11.3f}", f"{t_base / t_q:>5.0f}x"
        except _TimeLimitError:
            base = f"{'>' + str(BASELINE_LIMIT_S):>11}"
            ratio = f"{'>' + str(int(BASELINE_LIMIT_S / t_q)):>5}x"
        except Exception as exc:  # rdflib does not support everything oxigraph does
            base, ratio = f"{'failed':>11}", f" ({type(exc).__name__})"
        finally:
            signal.alarm(0)
        print(f"{'q:' + name[:24]:<28} {len(table.rows):>6} rows {t_q:>8.4f} s {base} {ratio}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
