"""Display labels against label lookups in every query (``python -m benchmarks.labels``).

The named queries read each label from the display graphs that the build derives
(:mod:`rrii_graph.labels`). Before, each query looked every label up itself, with a block of
OPTIONALs per label trying the reader's language, then each of the others. This benchmark runs
both, in one run, on the same store of ``RRII_LABEL_SIZES`` synthetic councils (default 10,000):
the queries as they are, and as they were at the commit before the display labels came
(found in git history, ``--before REV`` to choose another). Each query is asked for the whole
table and for one council (the pairwise questions for a given pair only); where the two versions
answer differently, the benchmark says so (where a term has no label in the reader's language
but has one in another, the display label is that one, where some lookups gave the IRI).
Results go to ``benchmarks/results/labels-<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from rrii_graph.build import load_dataset
from rrii_graph.layout import ProjectLayout
from rrii_graph.queries import NamedQuery, declared_params, load_queries, run_named
from rrii_graph.synth import SYNTH, synthesise

HERE = Path(__file__).resolve().parent
SIZES = [int(s) for s in os.environ.get("RRII_LABEL_SIZES", "10000").split(",") if s]
PAIRWISE = {"council": f"{SYNTH}body/c000002", "other": f"{SYNTH}body/c000009",
            "subject": f"{SYNTH}unit/c000002"}
PAIRWISE_QUERIES = ("shared-networks", "similar-councils", "statement-source")
# a line of the label lookups the display labels replaced
LOOKUP = 'FILTER(LANG(?councilLabel0) = ?lang)'


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout


def before_revision(root: Path) -> str:
    """The last commit whose named queries still looked labels up themselves."""
    if LOOKUP in _git(root, "show", "HEAD:queries/typology.rq"):
        return "HEAD"  # the display labels are not committed yet
    removed = _git(root, "log", "-1", "--format=%H", "-S", LOOKUP, "--",
                   "queries/typology.rq").strip()
    if not removed:
        raise SystemExit("no commit in this history removed the label lookups; pass --before")
    return removed + "^"


def old_queries(root: Path, revision: str, queries: dict[str, NamedQuery], work: Path
                ) -> dict[str, NamedQuery]:
    """The named queries as they were at ``revision`` (those that existed then), written to
    ``work`` and read from there as any query folder is."""
    folder = work / "queries-before"
    folder.mkdir()
    for query in queries.values():
        relative = query.path.resolve().relative_to(root.resolve())
        try:
            text = _git(root, "show", f"{revision}:{relative}")
        except subprocess.CalledProcessError:
            continue
        (folder / query.path.name).write_text(text, encoding="utf-8")
    return load_queries(folder)


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _rows(table) -> Counter:
    return Counter(tuple(row) for row in table.to_rows())


def compare(store, new: dict[str, NamedQuery], old: dict[str, NamedQuery]) -> dict:
    result = {}
    for name in sorted(old):
        query = new[name]
        declared = declared_params(query)
        if name in PAIRWISE_QUERIES:  # asked about a given pair (or unit), as their users do
            asks = {"given pair": {k: v for k, v in PAIRWISE.items() if k in declared}}
        else:
            asks = {"table": {}}
            if "council" in declared:
                asks["one council"] = {"council": PAIRWISE["council"]}
        for ask, params in asks.items():
            after, table_after = _timed(lambda q=query, p=params: run_named(store, q, p, "en"))
            before, table_before = _timed(
                lambda q=old[name], p=params: run_named(store, q, p, "en"))
            same = _rows(table_after) == _rows(table_before)
            result.setdefault(name, {})[ask] = {
                "before_s": round(before, 4), "after_s": round(after, 4),
                "rows": len(table_after.rows), "same_answer": same}
            print(f"  {name:<28} {ask:<12} before {before * 1000:9.1f} ms  after "
                  f"{after * 1000:9.1f} ms  x{before / after if after else float('inf'):6.2f}"
                  f"  rows {len(table_after.rows):>7}{'' if same else '  ANSWERS DIFFER'}",
                  flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", help="the git revision of the queries to compare against")
    args = parser.parse_args()
    layout = ProjectLayout.discover()
    revision = args.before or before_revision(layout.root)
    queries = load_queries(layout.queries_dir)
    print(f"queries before: {_git(layout.root, 'rev-parse', '--short', revision).strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        old = old_queries(layout.root, revision, queries, Path(tmp))
        for n in SIZES:
            folder = Path(tmp) / f"synth-{n}"
            synthesise(n, 1, folder)
            seconds, dataset = _timed(lambda f=folder: load_dataset(layout, f))
            print(f"{n} councils: {len(dataset):,} quads, built in {seconds:.1f} s", flush=True)
            result = {"councils": n, "before": revision, "queries": compare(
                dataset.store(), queries, old)}
            totals = {k: round(sum(a[k] for q in result["queries"].values()
                                   for a in q.values()), 3) for k in ("before_s", "after_s")}
            result["totals"] = totals
            print(f"  all queries: before {totals['before_s']:.2f} s, after "
                  f"{totals['after_s']:.2f} s", flush=True)
            out = HERE / "results" / f"labels-{n}.json"
            out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
            differ = sorted(name for name, q in result["queries"].items()
                            if not all(a["same_answer"] for a in q.values()))
            print(f"  answers differ: {', '.join(differ) or 'none'}")


if __name__ == "__main__":
    main()
