"""Benchmarks: each stage on the embedded store against a baseline measured in the same run.

Run with ``make bench``. Prints wall time, quads per second and the ratio to the baseline
(rdflib's in-memory Dataset for loading; pySHACL is both the validator and its own baseline today).
"""

from __future__ import annotations

import gc
import os
import platform
import resource
import statistics
import time

import rdflib

from rrii_graph.build import asset_files, data_files, load_dataset
from rrii_graph.layout import ProjectLayout
from rrii_graph.validate import validate_dataset

REPEATS = 5


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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
