"""Synthetic councils and the scalable validator: rrii synth writes a deterministic dataset in
its own namespace with a known set of seeded violations; the fast engine finds exactly those, and
reports what pySHACL reports, result for result, on every fixture, the curated data and synthetic
data; a shape it cannot check goes to pySHACL, and the report says so."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from rrii_graph import validate
from rrii_graph.build import Dataset, asset_files, iter_triples, load_dataset, write_build
from rrii_graph.cli import main
from rrii_graph.errors import ConfigError, QueryError, ResourceError
from rrii_graph.layout import DEFAULT_BASE
from rrii_graph.shacl import DataIndex, Validator, compile_shapes
from rrii_graph.synth import SEEDS, SYNTH, synthesise
from rrii_graph.timing import collect
from rrii_graph.typology import load_rules
from rrii_graph.validate import (
    PARALLEL_FROM,
    WORKER_BYTES_PER_QUAD,
    default_workers,
    to_rdflib,
    validate_dataset,
)
from tests.conftest import BASE, DATA, fixture_folder

INVALID = sorted((DATA / "shapes" / "invalid").glob("*.trig"))


def _key(result) -> tuple:
    """What the two engines must agree on; blank-node labels differ between the engines."""
    focus = "_:" if result.focus.startswith("_:") else result.focus
    return (result.severity, focus, result.path, result.component, result.shape, result.value)


def _agree(dataset) -> int:
    reference = validate_dataset(dataset, None, "pyshacl")
    fast = validate_dataset(dataset, None, "fast")
    assert fast.fallback == {}
    assert Counter(map(_key, fast.results)) == Counter(map(_key, reference.results))
    return len(fast.results)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory, layout):
    out = tmp_path_factory.mktemp("synth") / "s"
    result = synthesise(120, 11, out, period=20)
    return out, result, load_dataset(layout, out)


def test_synth_is_deterministic_and_in_its_own_namespace(synthetic, tmp_path):
    out, result, dataset = synthetic
    again = synthesise(120, 11, tmp_path / "again", period=20)
    for path in sorted(out.iterdir()):
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(
            (again.out_dir / path.name).read_bytes()).digest(), path.name
    own = [q for q in dataset.quads if dataset.graphs[q.graph_name.value]["kind"] == "data"]
    assert own and all(q.graph_name.value.startswith(SYNTH) for q in own)
    assert not any(isinstance(q.subject, ox.NamedNode)
                   and q.subject.value.startswith("https://w3id.org/rrii/id/") for q in own)
    assert result.quads / 120 > 40, "shaped like the curated data: tens of triples per council"


def test_seeded_violations_are_exactly_what_validation_reports(synthetic, layout):
    out, result, dataset = synthetic
    manifest = json.loads((out / "manifest.json").read_text())
    expected = {tuple(e) for e in manifest["expected_violations"]}
    assert {shape for shape, _ in expected} == {shape for _, shape, _ in SEEDS.values()}
    assert sum(s["count"] for s in manifest["seeded"].values()) == len(expected) == result.seeded
    report = validate_dataset(dataset, layout.checks_dir)
    found = {(r.shape.rsplit("#", 1)[-1].rsplit("/", 1)[-1], r.focus) for r in report.results
             if r.severity == "Violation"}
    assert found == expected


def test_the_typology_classifies_synthetic_councils_of_every_model(synthetic, layout):
    from rrii_graph.queries import load_queries
    from rrii_graph.typology import classifications

    _, _, dataset = synthetic
    values = {(c.axis_code, c.value_code) for c in classifications(
        dataset.store(), load_queries(layout.queries_dir), "en")}
    assert ("unitat-dedicada", "amb-unitat") in values
    assert ("unitat-dedicada", "sense-unitat") in values
    assert ("unitat-dedicada", "indeterminat") in values


@pytest.mark.parametrize("fixture", [None, *INVALID],
                         ids=["base", *[p.stem for p in INVALID]])
def test_fast_engine_agrees_with_pyshacl_on_every_fixture(fixture, layout, tmp_path):
    files = (BASE,) if fixture is None else (BASE, fixture)
    _agree(load_dataset(layout, fixture_folder(tmp_path, *files)))


def test_fast_engine_agrees_with_pyshacl_on_synthetic_data(layout, tmp_path):
    synthesise(20, 5, tmp_path / "s", period=10)
    assert _agree(load_dataset(layout, tmp_path / "s")) > 20


def test_shapes_shared_among_forked_workers_give_the_same_results(synthetic):
    _, _, dataset = synthetic
    alone = validate_dataset(dataset, None, "fast", workers=1)
    shared = validate_dataset(dataset, None, "fast", workers=2)
    assert alone.results and Counter(map(_key, shared.results)) == Counter(
        map(_key, alone.results))
    with pytest.raises(ConfigError, match="workers"):
        validate_dataset(dataset, None, "fast", workers=0)


def test_a_stopped_validation_process_is_an_error_not_a_hang(synthetic):
    _, _, dataset = synthetic
    compiled = compile_shapes(to_rdflib(iter_triples(dataset, ("shapes",))))
    validator = Validator(compiled, DataIndex(dataset.store()))
    parent, real = os.getpid(), validator.run_shape

    def stop_in_worker(shape):
        if os.getpid() != parent:  # as the kernel stops a process when memory runs out
            os.kill(os.getpid(), signal.SIGKILL)
        return real(shape)

    def hung(_signum, _frame):
        raise TimeoutError("validation waited for a stopped process")

    validator.run_shape = stop_in_worker
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(120)
    try:
        with pytest.raises(ResourceError, match="--workers 1"):
            validator.validate(workers=2)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_default_workers_fit_the_memory_available(monkeypatch):
    cores = os.cpu_count() or 1
    assert default_workers(PARALLEL_FROM - 1) == 1
    quads = 10 * PARALLEL_FROM
    monkeypatch.setattr(validate, "_available_memory", lambda: 64 * WORKER_BYTES_PER_QUAD * quads)
    assert default_workers(quads) == cores
    monkeypatch.setattr(validate, "_available_memory", lambda: WORKER_BYTES_PER_QUAD * quads - 1)
    assert default_workers(quads) == 1, "not even one forked process fits: validate in this one"
    monkeypatch.setattr(validate, "_available_memory", lambda: None)
    assert default_workers(quads) == cores


def test_fast_engine_agrees_with_pyshacl_on_the_curated_data(shipped_dataset):
    assert _agree(shipped_dataset) > 500


def test_a_shape_the_fast_engine_cannot_check_goes_to_pyshacl(base_fixture_dataset):
    sh, ex = "http://www.w3.org/ns/shacl#", "https://example.org/rrii-test/"
    shapes_graph = ox.NamedNode(ex + "extra-shapes")
    shape, prop = ox.NamedNode(ex + "PathQueryShape"), ox.BlankNode("labels")
    constraint = ox.BlankNode("query")
    # a SPARQL constraint on a property shape needs $PATH substituted: not supported
    extra = [
        ox.Quad(shape, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(sh + "NodeShape"), shapes_graph),
        ox.Quad(shape, ox.NamedNode(sh + "targetClass"),
                ox.NamedNode("http://data.europa.eu/m8g/PublicOrganisation"), shapes_graph),
        ox.Quad(shape, ox.NamedNode(sh + "property"), prop, shapes_graph),
        ox.Quad(prop, ox.NamedNode(sh + "path"),
                ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), shapes_graph),
        ox.Quad(prop, ox.NamedNode(sh + "sparql"), constraint, shapes_graph),
        ox.Quad(constraint, ox.NamedNode(sh + "select"),
                ox.Literal("SELECT $this ?value WHERE { $this $PATH ?value . }"), shapes_graph),
        ox.Quad(prop, ox.NamedNode(sh + "severity"), ox.NamedNode(sh + "Info"), shapes_graph),
    ]
    graphs = dict(base_fixture_dataset.graphs)
    graphs[shapes_graph.value] = {"kind": "shapes", "source": "test"}
    dataset = Dataset(base_fixture_dataset.quads + extra, graphs)
    report = validate_dataset(dataset, None, "fast")
    assert list(report.fallback) == [ex + "PathQueryShape"]
    assert "$PATH" in report.fallback[ex + "PathQueryShape"]
    assert {r.shape for r in report.results} == {ex + "PathQueryShape"}
    assert "checked by pySHACL, not the fast engine" in report.to_text()
    reference = validate_dataset(dataset, None, "pyshacl")
    assert Counter(map(_key, report.results)) == Counter(map(_key, reference.results))


def test_cli_synth_keeps_synthetic_data_out_of_data(tmp_path):
    refused = CliRunner().invoke(main, ["synth", "--councils", "2", "--out", "data/synthetic"])
    assert refused.exit_code == 2 and "never goes into data/" in refused.output
    made = CliRunner().invoke(main, ["synth", "--councils", "30", "--seed", "1", "--out",
                                     str(tmp_path / "s")])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["validate", "--data", str(tmp_path / "s")])
    assert checked.exit_code == 1 and "violations" in checked.output.splitlines()[0]


def test_each_stage_reports_where_its_time_goes(synthetic, layout, tmp_path):
    folder, _, _ = synthetic
    with collect() as built:
        dataset = load_dataset(layout, folder)
    parts = {t.part: t for t in built}
    assert {"parsing the files", "adding to the store", "merge into the default graph",
            "counting the derived quads"} <= set(parts)
    assert parts["parsing the files"].details["files"] == len(
        list(folder.glob("*.trig"))) + len(asset_files(layout))
    for rule in load_rules(layout.rules_dir):  # each rule, and what it produced
        assert parts[f"rule {rule.name}"].details["quads"] > 0  # what it added
    assert all(t.seconds >= 0 for t in built)

    with collect() as written:
        write_build(dataset, tmp_path / "b")
    assert {t.stage for t in written} == {"write"} and {
        "N-Quads file", "N-Quads file: sorting the lines", "TriG file"} <= {t.part for t in written}

    basis = ox.NamedNode(DEFAULT_BASE + "def#basis")
    statements = {q.object for q in dataset.store().quads_for_pattern(None, basis, None,
                                                                      ox.DefaultGraph())}
    shapes = {s.node for s in compile_shapes(to_rdflib(iter_triples(
        dataset, ("shapes",)))).targeted if not s.deactivated}
    checks = [p.stem for p in layout.checks_dir.glob("*.rq")
              if p.stem.rsplit("-", 1)[-1] in ("violation", "warning", "info")]
    for workers in (1, 2):  # the same parts whether the shapes share one process or two
        with collect() as checked:
            validate_dataset(dataset, layout.checks_dir, "fast", workers=workers)
        by_part = Counter(t.part for t in checked)
        assert checks and by_part == Counter({"all shapes": 1, "quality checks (SPARQL)": 1, **{
            "shape " + str(s).rsplit("#", 1)[-1]: 1 for s in shapes}, **{
            f"check {name}": 1 for name in checks}})
        timed = {t.part: t for t in checked}
        assert timed["all shapes"].details["processes"] == workers
        assert timed["shape BasisStatementShape"].details["focus_nodes"] == len(statements)
    assert logging.getLogger("rrii_graph").handlers == []


def test_cli_verbose_prints_the_parts_and_leaves_logging_as_it_was(tmp_path):
    made = CliRunner().invoke(main, ["synth", "--councils", "5", "--out", str(tmp_path / "s")])
    assert made.exit_code == 0, made.output
    result = CliRunner().invoke(main, ["-v", "build", "--data", str(tmp_path / "s"),
                                       "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    assert "typology: rule dedicated-unit" in result.stderr
    assert "rule dedicated-unit" not in result.stdout
    quiet = CliRunner().invoke(main, ["build", "--data", str(tmp_path / "s"),
                                      "--out", str(tmp_path / "b")])
    assert quiet.exit_code == 0 and "typology:" not in quiet.stderr
    assert logging.getLogger("rrii_graph").handlers == []


def test_quality_checks_beside_the_shapes_give_the_same_report(layout, tmp_path):
    """The checks run on a thread beside the shapes (one process) or in this process while
    the forked ones check the shapes: the same results either way, and a broken check still
    stops validation with its name."""
    fired = 0
    for k, fixture in enumerate(INVALID):
        (tmp_path / str(k)).mkdir()
        dataset = load_dataset(layout, fixture_folder(tmp_path / str(k), BASE, fixture))
        alone = validate_dataset(dataset, layout.checks_dir, "fast", workers=1)
        if not any(r.component == "check" for r in alone.results):
            continue
        shared = validate_dataset(dataset, layout.checks_dir, "fast", workers=2)
        assert Counter(map(_key, shared.results)) == Counter(map(_key, alone.results))
        if not fired:  # the reference engine runs the same checks after its shapes
            reference = validate_dataset(dataset, layout.checks_dir, "pyshacl")
            assert Counter(map(_key, (r for r in reference.results if r.component == "check"))) \
                == Counter(map(_key, (r for r in alone.results if r.component == "check")))
        fired += 1
    assert fired >= 2
    broken = tmp_path / "checks"
    broken.mkdir()
    (broken / "broken-violation.rq").write_text(
        (layout.checks_dir / "twinning-shortcut-violation.rq").read_text().replace(
            "SELECT DISTINCT", "SELECT DISTINCT DISTINCT"))
    for workers in (1, 2):
        with pytest.raises(QueryError, match="broken-violation"):
            validate_dataset(dataset, broken, "fast", workers=workers)


def _report_terms(turtle: str) -> Counter:
    """The results of a Turtle sh:ValidationReport, term for term (blank nodes as ``_:``, paths
    as their structure)."""
    from rrii_graph.validate import _path_text

    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")

    def term(t):
        return "-" if t is None else "_:" if isinstance(t, rdflib.BNode) else t.n3()
    found: Counter = Counter()
    for result in graph.objects(None, sh.result):
        path = graph.value(result, sh.resultPath)
        found[(term(graph.value(result, sh.resultSeverity)),
               term(graph.value(result, sh.focusNode)),
               _path_text(graph, path) if path is not None else "-",
               term(graph.value(result, sh.value)),
               term(graph.value(result, sh.sourceConstraintComponent)),
               term(graph.value(result, sh.sourceShape)))] += 1
    return found


@pytest.mark.parametrize("fixture", ["periods.trig", "source-graph.trig", "post-person.trig",
                                     "mentions.trig"])
def test_turtle_report_is_term_for_term_what_pyshacl_writes(fixture, layout, tmp_path):
    data = fixture_folder(tmp_path, BASE, DATA / "shapes" / "invalid" / fixture)
    dataset = load_dataset(layout, data)
    fast = validate_dataset(dataset, None, "fast").to_turtle()
    reference = validate_dataset(dataset, None, "pyshacl").to_turtle()
    found, expected = _report_terms(fast), _report_terms(reference)
    assert found == expected
    assert found, "the fixture fires shapes"
    # values keep their kind: IRIs stay IRIs, typed literals keep their datatype
    assert not any(value.startswith('"http') for _, _, _, value, _, _ in found)
