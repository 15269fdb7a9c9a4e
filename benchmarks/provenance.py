"""How derived typology values name their basis: candidates side by side
(``python -m benchmarks.provenance``).

Each typology assignment names the exact statements it rests on and the graph of each
(``rrii:basis``, see docs/model.md). This benchmark runs the typology rules on the same
``RRII_PROVENANCE_SIZE`` synthetic councils (default 10,000), once per way of writing that
basis down, each in a process of its own (so that each peak memory is its own):

- ``reified``: one ``rdf:Statement`` per statement *and graph* (``a rdf:Statement``,
  ``rdf:subject``, ``rdf:predicate``, ``rdf:object``, ``rrii:statedIn``), as the rules were
  at the commit before the lean model (``--before REV`` to choose another);
- ``lean``: one node per statement, named by the triple alone, without the type that
  ``rdf:subject``'s domain already gives, with one ``rrii:statedIn`` per graph that states it
  (the rules as they are);
- ``triple-terms``: the lean node, with the statement as an RDF 1.2 triple term
  (``rdf:reifies <<( s p o )>>``) instead of its three parts: the lean rules, with every
  ``rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o`` written as ``rdf:reifies <<( ?s ?p ?o )>>``
  (the rules' templates, their reading of earlier rules' basis, and ``typology-basis.rq``).

For each: the quads of the derived graph and of the whole store (the default graph holds the
merge), the seconds of the rules, the peak memory, and what ``--explain`` still says: the rows
of ``typology-basis`` (every assignment, statement and graph), for all councils and for one,
compared across candidates. Results go to ``benchmarks/results/provenance-<size>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from rrii_graph.build import load_dataset
from rrii_graph.layout import ProjectLayout
from rrii_graph.queries import load_query, run_named
from rrii_graph.synth import SYNTH, synthesise
from rrii_graph.typology import derive_typology, typology_graph

from .labels import _git
from .run import _peak_mib, _reset_peak

HERE = Path(__file__).resolve().parent
SIZE = int(os.environ.get("RRII_PROVENANCE_SIZE", "10000"))
CANDIDATES = ("reified", "lean", "triple-terms")
ONE_COUNCIL = f"{SYNTH}body/c000002"
# the statement's three parts, as the rules and typology-basis.rq write them
PARTS = re.compile(r"rdf:subject (\?\w+) ; rdf:predicate (\?\w+) ; rdf:object (\?\w+)")
# a line only the reified rules have
REIFIED = "?st a rdf:Statement"


def before_revision(root: Path) -> str:
    """The last commit whose rules still typed each statement and named it with its graph."""
    rule = "queries/rules/20-placement.rq"
    if REIFIED in _git(root, "show", f"HEAD:{rule}"):
        return "HEAD"  # the lean rules are not committed yet
    removed = _git(root, "log", "-1", "--format=%H", "-S", REIFIED, "--", rule).strip()
    if not removed:
        raise SystemExit("no commit in this history removed the reified basis; pass --before")
    return removed + "^"


def as_triple_terms(text: str) -> str:
    return PARTS.sub(r"rdf:reifies <<( \1 \2 \3 )>>", text)


def candidate_files(candidate: str, layout: ProjectLayout, revision: str, work: Path
                    ) -> tuple[Path, Path]:
    """The rule folder and the typology-basis query of ``candidate``, written under ``work``."""
    rules = work / f"rules-{candidate}"
    rules.mkdir()
    basis = layout.queries_dir / "typology-basis.rq"
    files = sorted(layout.rules_dir.glob("*.rq")) + [basis]
    for path in files:
        relative = path.resolve().relative_to(layout.root.resolve())
        if candidate == "reified":
            text = _git(layout.root, "show", f"{revision}:{relative}")
        else:
            text = path.read_text(encoding="utf-8")
            if candidate == "triple-terms":
                text = as_triple_terms(text)
        (rules if path != basis else work).joinpath(
            path.name if path != basis else f"basis-{candidate}.rq").write_text(
                text, encoding="utf-8")
    return rules, work / f"basis-{candidate}.rq"


def measure(candidate: str, folder: Path, work: Path, revision: str) -> dict:
    """One candidate, in this process: build, rules, explain."""
    layout = ProjectLayout.discover()
    rules, basis_file = candidate_files(candidate, layout, revision, work)
    dataset = load_dataset(layout, folder, derive=False)
    store = dataset.store()
    source_quads = len(store)
    _reset_peak()
    start = time.perf_counter()
    derive_typology(store, rules, dataset.base_uri)
    seconds = time.perf_counter() - start
    peak = _peak_mib()
    graph = ox.NamedNode(typology_graph(dataset.base_uri))
    derived = Counter(q.predicate.value for q in store.quads_for_pattern(None, None, None, graph))
    basis = load_query(basis_file)
    answers = {}
    for ask, params in (("all councils", {}), ("one council", {"council": ONE_COUNCIL})):
        start = time.perf_counter()
        table = run_named(store, basis, params, "en")
        answers[ask] = {"seconds": round(time.perf_counter() - start, 4),
                        "rows": len(table.rows),
                        # what --explain shows: assignment, statement and graph
                        "answer": sorted("\t".join(str(v) for v in (
                            r["assignment"], r["subject"], r["predicate"], r["object"],
                            r["graph"])) for r in table.rows)}
    nodes = sum(1 for _ in store.quads_for_pattern(
        None, ox.NamedNode(dataset.base_uri + "def#statedIn"), None, graph))
    return {"candidate": candidate, "typology_seconds": round(seconds, 3),
            "peak_mib": round(peak, 1), "source_quads": source_quads,
            "derived_quads": sum(derived.values()), "store_quads": len(store),
            "basis_links": derived[dataset.base_uri + "def#basis"],
            "stated_in": nodes, "derived_by_predicate": dict(sorted(derived.items())),
            "explain": answers}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", help="the git revision of the reified rules")
    parser.add_argument("--one", choices=CANDIDATES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    layout = ProjectLayout.discover()
    revision = args.before or before_revision(layout.root)
    if args.one:  # a child process: one candidate, its result on stdout
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(measure(args.one, args.folder, Path(tmp), revision)))
        return
    print(f"reified rules from {_git(layout.root, 'rev-parse', '--short', revision).strip()}; "
          f"{SIZE:,} synthetic councils", flush=True)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synth"
        synthesise(SIZE, 1, folder)
        for candidate in CANDIDATES:
            child = subprocess.run(
                [sys.executable, "-m", "benchmarks.provenance", "--one", candidate,
                 "--folder", str(folder), "--before", revision],
                check=True, capture_output=True, text=True, cwd=layout.root)
            result = json.loads(child.stdout.splitlines()[-1])
            results[candidate] = result
            print(f"  {candidate:<13} derived {result['derived_quads']:>10,} quads  store "
                  f"{result['store_quads']:>10,}  rules {result['typology_seconds']:7.1f} s  "
                  f"peak {result['peak_mib']:7.0f} MiB  explain all "
                  f"{result['explain']['all councils']['seconds']:6.1f} s, one council "
                  f"{result['explain']['one council']['seconds'] * 1000:6.0f} ms", flush=True)
    reference = results["reified"]["explain"]
    for result in results.values():
        for ask, answer in result["explain"].items():
            answer["same_as_reified"] = answer.pop("answer") == reference[ask].get(
                "answer", None) if result is not results["reified"] else True
    for ask in reference:
        reference[ask].pop("answer", None)
    for name, result in results.items():
        same = all(a["same_as_reified"] for a in result["explain"].values())
        print(f"  {name:<13} explains as reified: {'yes' if same else 'NO'}")
    out = HERE / "results" / f"provenance-{SIZE}.json"
    out.write_text(json.dumps({"councils": SIZE, "reified_rules_from": revision,
                               "candidates": results}, indent=2) + "\n", encoding="utf-8")
    print(f"written to {out.relative_to(layout.root)}")


if __name__ == "__main__":
    main()
