"""Benchmarks (``make bench``): every pipeline stage on synthetic councils of growing size, each
against a baseline measured in the same run, with its ratio, throughput and peak memory.

Sizes come from ``RRII_BENCH_SIZES`` (default ``1000,10000``; add ``100000`` for the largest run,
which takes tens of minutes here). For each size N, ``rrii synth`` writes N councils, then:

stage       rrii-graph                                   baseline (same data, same files)
build       parse each file into the pyoxigraph store   rdflib Dataset parsing the same files
            that every later stage shares
typology    the CONSTRUCT rules on that store, their     the same rules on rdflib
            output added back to it
write       the build's sorted N-Quads and TriG,         rdflib writing TriG
            streamed from the store
validate    the fast SHACL engine on that store, then    pySHACL, same shapes, then the
            the quality checks                           same checks
queries     every named query on pyoxigraph              rdflib running the same .rq files
analysis    similarity and clusters, N <= 1,000 (all pairs)  (none: it reads the named queries)
dumps       Turtle, N-Triples, TriG, N-Quads, JSON-LD    rdflib writing TriG (N <= 1,000: the
            (its context applied in Python)               JSON-LD compaction takes minutes beyond)
publish     the whole site (N = 1,000 only)              (none)

A baseline that does not finish within ``RRII_BENCH_LIMIT`` seconds (default 120) is reported as
"> limit", and its ratio as a lower bound. Results go to ``benchmarks/results/N<size>.json`` and
the table in ``benchmarks/README.md``; with two sizes or more, each stage's growth exponent (the
slope of log time against log N) is printed. Each stage also keeps where its time went (its
parts, as :mod:`rrii_graph.timing` reports them: each rule, each shape, the dumps), and the
README shows the slowest parts at 10,000 councils and more. ``python -m benchmarks.run
--readme`` writes the README's table again from the results on record, without measuring.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import rdflib

from rrii_graph.analysis import cluster_councils, similarity
from rrii_graph.build import add_typology, asset_files, data_files, load_dataset, write_build
from rrii_graph.layout import ProjectLayout
from rrii_graph.publish import publish_site
from rrii_graph.publish.dumps import dump_files
from rrii_graph.queries import bind_params, declared_params, load_queries, run_named
from rrii_graph.synth import SYNTH, synthesise
from rrii_graph.timing import collect, describe
from rrii_graph.typology import load_rules
from rrii_graph.validate import validate_dataset

HERE = Path(__file__).resolve().parent
LIMIT = float(os.environ.get("RRII_BENCH_LIMIT", "120"))
SIZES = [int(s) for s in os.environ.get("RRII_BENCH_SIZES", "1000,10000").split(",") if s]
PAIRWISE = ("shared-networks", "similar-councils", "statement-source")
GOALS = {"validate_100k_s": 60, "pipeline_100k_s": 120, "rss_100k_gib": 6,
         "query_10k_ms": 250, "end_to_end_10k_ratio": 20, "exponent": 1.15}


class _TimeLimitError(Exception):
    pass


def _alarm(_signum, _frame):
    raise _TimeLimitError


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(fn):
    """(seconds, peak MiB during the call, result)."""
    _reset_peak()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, _peak_mib(), result


def baseline(fn, limit: float = LIMIT):
    """Seconds of a baseline run, or None when it does not finish within ``limit``."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    start = time.perf_counter()
    try:
        fn()
        return time.perf_counter() - start
    except _TimeLimitError:
        return None
    except Exception as exc:  # noqa: BLE001 - a baseline that cannot run at all
        print(f"    (baseline failed: {type(exc).__name__}: {str(exc)[:80]})", flush=True)
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def rdflib_dataset(layout: ProjectLayout, folder: Path) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    for source in asset_files(layout):
        dataset.graph(rdflib.URIRef(source.graph)).parse(source.path, format="turtle")
    for source in data_files(folder):
        dataset.parse(source.path, format="trig")
    return dataset


def _rdflib_bindings(bindings: dict) -> dict:
    return {name: (rdflib.URIRef(term.value) if isinstance(term, ox.NamedNode)
                   else rdflib.Literal(term.value)) for name, term in bindings.items()}


def bench_size(layout: ProjectLayout, n: int, work: Path) -> dict:
    folder = work / f"synth-{n}"
    synth = synthesise(n, 1, folder)
    stages: dict[str, dict] = {}

    def record(name, seconds, peak, quads, base, has_baseline=True):
        stages[name] = {"seconds": round(seconds, 4), "peak_mib": round(peak, 1),
                        "quads_per_s": round(quads / seconds) if seconds else None,
                        "baseline_seconds": None if base is None else round(base, 4),
                        "baseline_limit": LIMIT,
                        "ratio": None if base is None else round(base / seconds, 2),
                        "ratio_at_least": None if base is not None or not has_baseline
                        else round(LIMIT / seconds, 1)}
        shown = f"{base:.2f}" if base is not None else f"> {LIMIT:.0f}" if has_baseline else "-"
        ratio = (f"{base / seconds:.1f}x" if base is not None else
                 f">= {LIMIT / seconds:.1f}x" if has_baseline else "-")
        print(f"  {name:<9} {seconds:>9.3f} s {peak:>8.0f} MiB {quads / seconds:>11.0f} q/s   "
              f"baseline {shown:>9} s  {ratio}", flush=True)

    def parts(name, timings):
        """Where the stage's time went, as the library reported it (rrii_graph.timing)."""
        stages[name]["parts"] = [t.to_json() for t in timings]

    # build (parse, then the store every later stage shares), then the typology rules
    with collect() as timings:
        seconds, peak, dataset = measure(lambda: load_dataset(layout, folder, derive=False))
    quads = len(dataset)
    rdflib_graph: dict = {}
    base = baseline(lambda: rdflib_graph.setdefault("g", rdflib_dataset(layout, folder)))
    record("build", seconds, peak, quads, base)
    parts("build", timings)

    with collect() as timings:
        seconds, peak, _ = measure(lambda: add_typology(dataset, layout))
    rules = load_rules(layout.rules_dir)

    def rdflib_rules():
        graph = rdflib_graph.get("g") or rdflib_dataset(layout, folder)
        graph.default_union = True  # patterns outside GRAPH see every graph, like our merge
        for rule in rules:
            for triple in list(graph.query(rule.query.text)):
                graph.default_context.add(triple)
    record("typology", seconds, peak, quads, baseline(rdflib_rules))
    parts("typology", timings)
    full = dataset  # now with the derived graph, as rrii build makes it
    store = full.store()

    built = work / f"build-{n}"
    with collect() as timings:
        seconds, peak, _ = measure(lambda: write_build(full, built))
    base = baseline(lambda: rdflib_graph["g"].serialize(format="trig")) \
        if "g" in rdflib_graph else None
    record("write", seconds, peak, len(full), base, has_baseline="g" in rdflib_graph)
    parts("write", timings)

    # as `rrii validate` runs it: the shapes, then the quality checks (on the store, for both)
    with collect() as timings:
        seconds, peak, report = measure(
            lambda: validate_dataset(full, layout.checks_dir, "fast"))
    pyshacl_base = baseline(lambda: validate_dataset(full, layout.checks_dir, "pyshacl"))
    record("validate", seconds, peak, len(full), pyshacl_base)
    parts("validate", timings)
    stages["validate"]["violations"] = report.count("Violation")
    stages["validate"]["seeded"] = synth.seeded

    queries = load_queries(layout.queries_dir)
    per_query, total, base_total, slowest = {}, 0.0, 0.0, 0.0
    rdflib_graph.clear()
    merged_rdflib = rdflib.Dataset(default_union=True)
    # the baseline's own load is bounded too: beyond it, each query's baseline counts as > limit
    loaded = baseline(lambda: merged_rdflib.parse(str(built / "rrii.nq"), format="nquads"))
    if loaded is None:
        merged_rdflib = None
    # the pairwise questions are asked about given councils, as their users ask them
    pairwise = {"council": f"{SYNTH}body/c000002", "other": f"{SYNTH}body/c000009",
                "subject": f"{SYNTH}unit/c000002"}
    for name, query in sorted(queries.items()):
        params = {k: v for k, v in pairwise.items() if k in declared_params(query)} \
            if name in PAIRWISE else {}
        bindings = bind_params(query, params, "en")
        seconds, _, table = measure(lambda q=query, p=params: run_named(store, q, p, "en"))
        limit = max(LIMIT / len(queries), 5.0)
        base = None if merged_rdflib is None else baseline(
            lambda q=query, b=bindings, g=merged_rdflib: list(g.query(
                q.text, initBindings=_rdflib_bindings(b))), limit)
        per_query[name] = {"seconds": round(seconds, 4), "rows": len(table.rows),
                           "baseline_seconds": None if base is None else round(base, 4),
                           "baseline_limit": limit}
        if name not in PAIRWISE and "council" in declared_params(query):
            # the same question about one council, as an analyst comparing councils asks it
            one = {"council": pairwise["council"]}
            seconds_one, _, table_one = measure(
                lambda q=query, p=one: run_named(store, q, p, "en"))
            per_query[name]["one_council_seconds"] = round(seconds_one, 4)
            per_query[name]["one_council_rows"] = len(table_one.rows)
        total += seconds
        slowest = max(slowest, seconds)
        base_total += base if base is not None else limit
    # when rdflib could not even load the data within the limit, the baseline is "> limit"
    record("queries", total, _peak_mib(), len(full),
           base_total if merged_rdflib is not None else None)
    stages["queries"]["slowest_ms"] = round(slowest * 1000, 1)
    stages["queries"]["each"] = per_query

    if n <= 1000:  # similarity compares every pair of councils: quadratic by definition
        seconds, peak, _ = measure(lambda: cluster_councils(similarity(store, queries)))
        record("analysis", seconds, peak, len(full), None, has_baseline=False)

    if n <= 1000:  # the JSON-LD dump is compacted in Python: minutes beyond 1,000 councils
        seconds, peak, _ = measure(
            lambda: dump_files(full.quads, full.merged_triples(), full.base_uri))
        base = None if merged_rdflib is None else baseline(
            lambda: merged_rdflib.serialize(format="trig"))
        record("dumps", seconds, peak, len(full), base, has_baseline=merged_rdflib is not None)
        site = work / f"site-{n}"
        seconds, peak, _ = measure(lambda: publish_site(full, layout, site))
        record("publish", seconds, peak, len(full), None, has_baseline=False)
        shutil.rmtree(site, ignore_errors=True)
    # a baseline stopped at the limit counts as the limit; one that could not start, as nothing
    pipeline = ("build", "typology", "write", "validate", "queries")
    end_to_end = sum(stages[s]["seconds"] for s in pipeline)
    end_base = sum(stages[s]["baseline_seconds"] if stages[s]["baseline_seconds"] is not None
                   else LIMIT if stages[s]["ratio_at_least"] else 0.0 for s in pipeline)
    shutil.rmtree(built, ignore_errors=True)
    return {"councils": n, "quads": len(full), "synthetic_quads": synth.quads,
            "stages": stages, "end_to_end_seconds": round(end_to_end, 2),
            "end_to_end_ratio_at_least": round(end_base / end_to_end, 1)}


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, "
            f"{platform.system()} {platform.machine()}, pyoxigraph {ox.__version__}")


def exponents(results: list[dict]) -> dict[str, float]:
    """Per stage, the least-squares slope of log(seconds) against log(N)."""
    out = {}
    stages = set.intersection(*(set(r["stages"]) for r in results))
    for stage in sorted(stages):
        xs = [math.log(r["councils"]) for r in results]
        ys = [math.log(max(r["stages"][stage]["seconds"], 1e-6)) for r in results]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        den = sum((x - mx) ** 2 for x in xs)
        out[stage] = round(sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / den,
                           2) if den else float("nan")
    return out


def write_readme(results: list[dict], slopes: dict[str, float], where: str,
                 unfinished: dict[int, str]) -> None:
    readme = HERE / "README.md"
    runs = "; ".join(f"{r['councils']:,} councils {r.get('measured_at', '?')}" for r in results)
    lines = [f"Measured on: {where}. Baseline limit {LIMIT:.0f} s per stage. When measured (UTC): "
             f"{runs}.", "",
             "| councils | quads | stage | rrii-graph s | peak MiB | baseline s | ratio |",
             "|---:|---:|---|---:|---:|---:|---:|"]
    for r in results:
        for stage, s in r["stages"].items():
            base = (f"{s['baseline_seconds']:.2f}" if s["baseline_seconds"] is not None
                    else (f"> {LIMIT:.0f}" if s.get("ratio_at_least") else "-"))
            ratio = (f"{s['ratio']:.1f}x" if s["ratio"] is not None
                     else (f">= {s['ratio_at_least']:.1f}x" if s.get("ratio_at_least") else "-"))
            lines.append(f"| {r['councils']:,} | {r['quads']:,} | {stage} | {s['seconds']:.3f} "
                         f"| {s['peak_mib']:.0f} | {base} | {ratio} |")
    for r in results:
        each = r["stages"].get("queries", {}).get("each", {})
        if r["councils"] < 10_000 or not each:
            continue
        lines += ["", f"Each named query at {r['councils']:,} councils: the whole table, "
                  "and the same question about one council (the pairwise ones are always asked "
                  "about a pair: their whole-table time is that of one pair).", "",
                  "| query | rows | whole table s | one council s |", "|---|---:|---:|---:|"]
        for name, q in sorted(each.items()):
            one = q.get("one_council_seconds")
            lines.append(f"| {name} | {q['rows']:,} | {q['seconds']:.3f} | "
                         f"{'-' if one is None else f'{one:.3f}'} |")
    for r in results:
        if r["councils"] >= 10_000:
            lines += where_the_time_goes(r)
    for n, why in sorted(unfinished.items()):
        lines += ["", f"N = {n:,} councils did not finish: {why}."]
    if slopes:
        lines += ["", "Growth exponent (slope of log time against log N): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in slopes.items()) + "."]
    text = readme.read_text(encoding="utf-8")
    begin, end = "<!-- results: begin -->", "<!-- results: end -->"
    new = re.sub(re.escape(begin) + ".*?" + re.escape(end),
                 begin + "\n" + "\n".join(lines) + "\n" + end, text, flags=re.S)
    readme.write_text(new, encoding="utf-8")


TOP_PARTS = 6  # per stage, in the README


def where_the_time_goes(result: dict) -> list[str]:
    """README lines: each stage's slowest parts, as the library timed them."""
    staged = [(name, s) for name, s in result["stages"].items() if s.get("parts")]
    if not staged:
        return []
    lines = ["", f"Where the time goes at {result['councils']:,} councils: each stage's "
             f"{TOP_PARTS} slowest parts, as the library times them (`rrii --verbose` prints "
             "the same). The parts of a stage may overlap (a file and the sorting inside it; "
             "the quality checks run beside the shapes), and shapes checked in several "
             "processes at once add up to more than the stage.", "",
             "| stage | part | s | share of the stage | details |", "|---|---|---:|---:|---|"]
    for name, stage in staged:
        slowest = sorted(stage["parts"], key=lambda p: -p["seconds"])[:TOP_PARTS]
        for part in slowest:
            details = describe({k: v for k, v in part.items() if k not in ("part", "seconds")})
            share = part["seconds"] / stage["seconds"] if stage["seconds"] else 0.0
            lines.append(f"| {name} | {part['part']} | {part['seconds']:.2f} | {share:.0%} "
                         f"| {details} |")
    return lines


def run_size(n: int, work: Path) -> None:
    """One size, in its own process (see :func:`main`): its result goes to results/N<n>.json."""
    layout = ProjectLayout.discover()
    result = bench_size(layout, n, work)
    result["machine"] = machine()
    result["measured_at"] = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    print(f"  end to end (build, typology, write, validate, queries) "
          f"{result['end_to_end_seconds']:.1f} s, >= "
          f"{result['end_to_end_ratio_at_least']}x the baseline", flush=True)
    (HERE / "results" / f"N{n}.json").write_text(json.dumps(result, indent=1) + "\n",
                                                 encoding="utf-8")


def main() -> None:
    """Each size runs in a process of its own, so that its peak memory is its own and a size
    that does not fit (the kernel stops a process that runs out of memory) still leaves the
    results of the others, and the README says which size did not finish."""
    where = machine()
    print(f"machine: {where}; sizes {SIZES}; baseline limit {LIMIT:.0f} s", flush=True)
    unfinished: dict[int, str] = {}
    (HERE / "results").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rrii-bench-") as tmp:
        for n in SIZES:
            print(f"N = {n:,} councils", flush=True)
            out = HERE / "results" / f"N{n}.json"
            out.unlink(missing_ok=True)
            code = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--size",
                                   str(n), tmp], check=False).returncode
            if code != 0 or not out.is_file():
                unfinished[n] = ("stopped by signal 9 (as the kernel stops a process when memory "
                                 "runs out)" if code == -9 else f"exit status {code}")
                print(f"  N = {n:,} did not finish: {unfinished[n]}", flush=True)
    refresh_readme(where, unfinished)


def refresh_readme(where: str, unfinished: dict[int, str]) -> None:
    """The README's table from every size on record: those not run this time as last measured
    (their files say when). A size that did not finish has no file: its old one was removed
    before it ran."""
    results = [json.loads(path.read_text(encoding="utf-8"))
               for path in sorted((HERE / "results").glob("N*.json"))]
    results.sort(key=lambda r: r["councils"])
    slopes = exponents(results) if len(results) > 1 else {}
    if slopes:
        print("growth exponents: " + ", ".join(f"{k} {v:.2f}" for k, v in slopes.items()))
    if results:
        write_readme(results, slopes, where, unfinished)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--size":
        run_size(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:] == ["--readme"]:  # the README again from the results on record
        refresh_readme(machine(), {})
    else:
        main()
