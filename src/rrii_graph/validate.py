"""Validate stage: SHACL validation of the built dataset plus the ontology quality checks.

The shapes are ``ontology/shapes/core.ttl`` (sh:Violation) and ``recommended.ttl`` (sh:Warning,
sh:Info), checked over the merge of the ontology, vocabulary and data graphs by the fast engine of
:mod:`rrii_graph.shacl` (which hands any shape it cannot check to pySHACL), or by pySHACL alone
(``engine="pyshacl"``). The checks are ``queries/checks/*-{violation,warning,info}.rq``: each
row a check returns is a result of the severity its name ends in. The result is a
:class:`~rrii_graph.validation_report.ValidationReport` (the report model;
:mod:`rrii_graph.validation_render` renders it); it conforms when there is no Violation
(Warnings and Infos are reported, never fatal). See SHACL 1.0, section 3.6.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from .build import Dataset, iter_triples, no_gc
from .errors import ConfigError
from .labels import display_labels
from .layout import LANGUAGES
from .queries import load_queries, run_select
from .shacl import DataIndex, Validator, compile_shapes
from .terms import term_text
from .timing import timed
from .validation_render import _add_check_results, _copy_closure
from .validation_report import (  # noqa: F401 - the report model, also imported from here
    SEVERITIES,
    ValidationReport,
    ValidationResult,
    _path_text,
    _results_from_graph,
    _shape_text,
    _to_rdflib,
)

DATA_KINDS = ("ontology", "imports", "vocabulary", "data", "derived")
PARALLEL_FROM = 200_000  # quads from which the fast engine uses one process per core
# Private memory a forked validation process ends up with, per quad of the dataset (measured at
# 10,000 councils: 1.1-1.25 GiB for 1.8 million quads; reading the store and the inherited
# objects copies their pages). One process alone needs about 0.4 KiB a quad more.
WORKER_BYTES_PER_QUAD = 720
log = logging.getLogger(__name__)


def check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ConfigError(f"language {lang!r} is not supported; use one of {', '.join(LANGUAGES)}")
    return lang

def to_rdflib(triples) -> rdflib.Graph:
    """Copy pyoxigraph triples into an rdflib graph (the API pySHACL needs). rdflib logs a
    traceback for every ill-typed literal; the shapes report those properly, so it is silenced."""
    graph = rdflib.Graph()
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    term_log = logging.getLogger("rdflib.term")
    level = term_log.level
    term_log.setLevel(logging.CRITICAL)
    try:
        graph.parse(data=bytes(data).decode("utf-8"), format="nt")
    finally:
        term_log.setLevel(level)
    return graph

CHECK_SEVERITIES = {"violation": "Violation", "warning": "Warning", "info": "Info"}


def run_checks(store: ox.Store, checks_dir: Path, base_uri: str) -> list[ValidationResult]:
    """Run every check of ``checks_dir``: a file named ``*-violation.rq``, ``*-warning.rq`` or
    ``*-info.rq``; each row it returns is a result of that severity about its ``?focus``."""
    results = []
    for name, query in sorted(load_queries(checks_dir).items()):
        severity = CHECK_SEVERITIES.get(name.rsplit("-", 1)[-1])
        if severity is None:
            continue
        with timed(log, "validate", f"check {name}") as details:
            answer = run_select(store, query, base_uri=base_uri)
            details["rows"] = len(answer.rows)
        messages = {lang: query.message(lang) for lang in LANGUAGES}
        for row in answer.rows:
            focus = row.get("focus")
            detail = row.get("detail")
            results.append(ValidationResult(
                severity=severity,
                focus=_ox_text(focus) or "",
                path=None,
                value=_ox_text(detail),
                shape=f"{base_uri}checks/{name}",
                component="check",
                messages=messages,
            ))
    return results


_ox_text = term_text

def default_workers(quads: int) -> int:
    """One process per core for a dataset of ``PARALLEL_FROM`` quads or more (a few thousand
    councils; below that, starting processes costs more than it saves), as many as the memory
    the system has available holds at ``WORKER_BYTES_PER_QUAD`` each; one otherwise."""
    if quads < PARALLEL_FROM:
        return 1
    cores = os.cpu_count() or 1
    available = _available_memory()
    if available is None:
        return cores
    return max(1, min(cores, available // (WORKER_BYTES_PER_QUAD * quads)))

def _available_memory() -> int | None:
    """Bytes of memory the system can still give (Linux's MemAvailable), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None

def validate_dataset(dataset: Dataset, checks_dir: Path | None = None,
                     engine: str = "fast", workers: int | None = None) -> ValidationReport:
    """Validate the dataset's data, ontology and vocabulary graphs against its shapes graphs,
    and run the quality checks on the whole dataset (the fast engine runs them while it checks
    the shapes, see :meth:`rrii_graph.shacl.Validator.validate`). ``engine`` is ``fast`` (the
    scalable engine of :mod:`rrii_graph.shacl`, which hands any shape it cannot check to
    pySHACL) or ``pyshacl`` (the reference). ``workers``: how many processes the fast engine
    shares the shapes among (by default :func:`default_workers`)."""
    if engine not in ("fast", "pyshacl"):
        raise ConfigError(f"unknown validation engine {engine!r}; use fast or pyshacl")
    if workers is None:
        workers = default_workers(len(dataset))
    elif workers < 1:
        raise ConfigError(f"workers must be 1 or more, not {workers}")
    shapes_graph = to_rdflib(iter_triples(dataset, ("shapes",)))
    checks: list[ValidationResult] = []

    def quality_checks() -> None:
        with timed(log, "validate", "quality checks (SPARQL)"):
            checks.extend(run_checks(dataset.store(), checks_dir, dataset.base_uri))
    checking = quality_checks if checks_dir is not None else None
    if engine == "pyshacl":
        data_graph = to_rdflib(iter_triples(dataset, DATA_KINDS))
        report_graph, results = _pyshacl(data_graph, shapes_graph)
        if checking is not None:
            checking()
        report = ValidationReport(results=results, graph=report_graph, engine="pyshacl")
    else:
        with no_gc():
            store = dataset.store()
            compiled = compile_shapes(shapes_graph)
            not_data = [g for g, info in dataset.graphs.items() if info["kind"] not in DATA_KINDS]
            data = DataIndex(store, leave_out=not_data)
            # the checks run while the shapes are checked
            found = Validator(compiled, data).validate(workers, meanwhile=checking)
            del data  # its millions of term objects go now, not in a later collection
            messages: dict = {}
            results = [_from_fast(r, shapes_graph, messages) for r in found]
        fallback = {str(node): why for node, why in compiled.unsupported.items()}
        if compiled.unsupported:
            subset = _shapes_subset(shapes_graph, compiled.unsupported)
            with timed(log, "validate", "shapes pySHACL checked"):
                results += _pyshacl(to_rdflib(iter_triples(dataset, DATA_KINDS)), subset)[1]
        report = ValidationReport(results=results, engine="fast", fallback=fallback)
    if checks_dir is not None:
        if report.graph is not None:
            _add_check_results(report.graph, checks)
        report.results += checks
    report.results.sort(key=ValidationResult.sort_key)
    focus = {r.focus for r in report.results}
    report.labels = {lang: display_labels(dataset.store(), lang, dataset.base_uri, focus)
                     for lang in LANGUAGES}
    return report

def _pyshacl(data_graph: rdflib.Graph, shapes_graph: rdflib.Graph
             ) -> tuple[rdflib.Graph, list[ValidationResult]]:
    _conforms, report_graph, _text = shacl_validate(
        data_graph,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    return report_graph, _results_from_graph(report_graph, shapes_graph)

def _shapes_subset(shapes: rdflib.Graph, nodes) -> rdflib.Graph:
    """The named shapes ``nodes`` with everything they reach through blank nodes and the shapes
    they name (``sh:node``, ``sh:property``), and the prefix declarations SPARQL constraints
    need."""
    subset = rdflib.Graph()
    _copy_closure(shapes, nodes, subset, follow=(SH.node, SH.property, SH.sparql, SH.prefixes))
    for s, p, o in shapes.triples((None, SH.declare, None)):
        subset.add((s, p, o))
        for triple in shapes.triples((o, None, None)):
            subset.add(triple)
    return subset

def _from_fast(result, shapes: rdflib.Graph, cache: dict) -> ValidationResult:
    """A fast-engine result with the messages of its shape (or SPARQL constraint). ``cache``
    keeps what is read from the shapes graph once per shape: its messages (by the shape or
    constraint node) and the name it is reported under (by ``("shape", node)``)."""
    source = result.constraint if result.constraint is not None else result.source_shape
    if source not in cache:
        cache[source] = [(m.language or "", str(m)) for m in shapes.objects(source, SH.message)]
    messages = {lang: text.replace("{?value}", str(result.value)).replace("{$this}", result.focus)
                for lang, text in cache[source]}
    if not messages:
        component = result.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        messages = {"": f"{component} constraint not met"
                        + (f" on {result.path}" if result.path else "")}
    key = ("shape", result.source_shape)
    if key not in cache:
        cache[key] = _shape_text(shapes, result.source_shape)
    return ValidationResult(
        severity=result.severity, focus=result.focus, path=result.path, value=result.value,
        shape=cache[key], component=result.component, messages=messages,
        terms={"focus": _to_rdflib(result.focus_term), "value": _to_rdflib(result.value_term),
               "path": result.path_object, "shape": result.source_shape})

