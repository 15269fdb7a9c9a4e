"""Validate stage: SHACL validation of the built dataset plus the ontology quality checks.

The shapes are ``ontology/shapes/core.ttl`` (sh:Violation) and ``recommended.ttl`` (sh:Warning,
sh:Info), checked over the merge of the ontology, vocabulary and data graphs by the fast engine of
:mod:`rrii_graph.shacl` (which hands any shape it cannot check to pySHACL), or by pySHACL alone
(``engine="pyshacl"``). The checks are ``queries/checks/*-violation.rq``: each row a check
returns is a Violation. The result is a
:class:`ValidationReport`; it conforms when there is no Violation (Warnings and Infos are reported,
never fatal). See SHACL 1.0, section 3.6 (validation report).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SH, SKOS, XSD

from .build import Dataset, iter_triples, no_gc
from .errors import ConfigError
from .layout import LANGUAGES, NAMESPACES
from .queries import load_queries, run_select
from .shacl import DataIndex, Validator, compile_shapes
from .shacl.paths import path_to_rdf
from .terms import in_language, term_text
from .timing import timed

SEVERITIES = ("Violation", "Warning", "Info")
DATA_KINDS = ("ontology", "imports", "vocabulary", "data", "derived")
PARALLEL_FROM = 200_000  # quads from which the fast engine uses one process per core
# Private memory a forked validation process ends up with, per quad of the dataset (measured at
# 10,000 councils: 1.1-1.25 GiB for 1.8 million quads; reading the store and the inherited
# objects copies their pages). One process alone needs about 0.4 KiB a quad more.
WORKER_BYTES_PER_QUAD = 720
log = logging.getLogger(__name__)
_LABEL_PROPERTIES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name)


@dataclass(frozen=True)
class ValidationResult:
    """One result: a focus node that fails a shape or a check, with messages per language."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    shape: str | None
    component: str | None
    messages: dict[str, str] = field(default_factory=dict)
    # the RDF terms behind focus, value and path, for a faithful sh:ValidationReport:
    # "focus" and "value" (rdflib terms), "path" (a path of rrii_graph.shacl.paths, or the
    # (report graph, node) pySHACL wrote it as)
    terms: dict = field(default_factory=dict, compare=False, repr=False)

    def message(self, lang: str) -> str:
        return in_language(self.messages, lang, next(iter(self.messages.values()), ""))

    def sort_key(self) -> tuple:
        return (SEVERITIES.index(self.severity), self.focus, self.path or "", self.shape or "",
                self.value or "", self.component or "")


@dataclass
class ValidationReport:
    """Results of shapes and checks, the sh:ValidationReport graph they came from (built from
    the results when the fast engine ran), and which engine checked what."""

    results: list[ValidationResult]
    graph: rdflib.Graph | None = None
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    engine: str = "pyshacl"
    fallback: dict[str, str] = field(default_factory=dict)  # shape -> why pySHACL checked it

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def label(self, node: str, lang: str) -> str | None:
        by_lang = self.labels.get(node, {})
        return in_language(by_lang, lang, next(iter(by_lang.values()), None))

    def summary(self) -> str:
        return (f"{self.count('Violation')} violations, {self.count('Warning')} warnings, "
                f"{self.count('Info')} infos")

    def to_text(self, lang: str = "en") -> str:
        """Results grouped by focus node, messages in ``lang``."""
        lines = [f"conforms: {'yes' if self.conforms else 'no'} ({self.summary()})"]
        for shape, why in sorted(self.fallback.items()):
            lines.append(f"checked by pySHACL, not the fast engine: {shape} ({why})")
        current = None
        for result in self.results:
            if result.focus != current:
                current = result.focus
                label = self.label(result.focus, lang)
                lines.append("")
                lines.append(result.focus + (f"  «{label}»" if label else ""))
            where = f" {_short(result.path)}" if result.path else ""
            value = f" = {result.value}" if result.value else ""
            lines.append(f"  [{result.severity}]{where}{value}: {result.message(lang)}")
            if result.shape:
                lines.append(f"      ({_short(result.shape)})")
        return "\n".join(lines) + "\n"

    def to_json(self, lang: str = "en") -> str:
        body = {
            "conforms": self.conforms,
            "counts": {s: self.count(s) for s in SEVERITIES},
            "results": [
                {
                    "severity": r.severity,
                    "focus": r.focus,
                    "focusLabel": self.label(r.focus, lang),
                    "path": r.path,
                    "value": r.value,
                    "shape": r.shape,
                    "component": r.component,
                    "message": r.message(lang),
                    "messages": r.messages,
                }
                for r in self.results
            ],
        }
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        if self.graph is None:
            self.graph = _report_graph(self.results)
        return self.graph.serialize(format="turtle")


def _short(iri: str) -> str:
    for prefix, ns in NAMESPACES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    if "#" in iri:
        return iri.rsplit("#", 1)[1] if "/shapes#" in iri else iri
    return iri


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


def _term_text(node) -> str | None:
    if node is None:
        return None
    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    return str(node)


def _results_from_graph(report: rdflib.Graph, shapes: rdflib.Graph) -> list[ValidationResult]:
    results = []
    # only the report's own results: nested sh:detail results repeat what their parent says
    for node in report.objects(None, SH.result):
        severity = report.value(node, SH.resultSeverity)
        messages: dict[str, str] = {}
        for msg in report.objects(node, SH.resultMessage):
            messages.setdefault(getattr(msg, "language", None) or "", str(msg))
        constraint = report.value(node, SH.sourceConstraint)
        if constraint is not None and (constraint, SH.message, None) in shapes:
            # pySHACL keeps one untagged message of a SPARQL constraint: rebuild them all
            value = report.value(node, SH.value)
            messages = {
                m.language or "": str(m).replace("{?value}", str(value)).replace(
                    "{$this}", str(report.value(node, SH.focusNode)))
                for m in shapes.objects(constraint, SH.message)
            }
        results.append(ValidationResult(
            severity=str(severity).rsplit("#", 1)[-1],
            focus=_term_text(report.value(node, SH.focusNode)),
            path=_path_text(report, report.value(node, SH.resultPath)),
            value=_term_text(report.value(node, SH.value)),
            shape=_shape_text(shapes, report.value(node, SH.sourceShape)),
            component=_term_text(report.value(node, SH.sourceConstraintComponent)),
            messages=messages,
            terms={"focus": report.value(node, SH.focusNode),
                   "value": report.value(node, SH.value),
                   "shape": report.value(node, SH.sourceShape),
                   "path": (report, report.value(node, SH.resultPath))
                   if report.value(node, SH.resultPath) is not None else None},
        ))
    return results


def _path_text(graph: rdflib.Graph, path) -> str | None:
    """A result path as text, written as the fast engine writes it: ``^p``, ``p/q``, ``(p|q)``."""
    if path is None:
        return None
    if isinstance(path, rdflib.BNode):
        inverse = graph.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{_path_text(graph, inverse)}"
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            items = list(rdflib.collection.Collection(graph, alternatives))
            return "(" + "|".join(_path_text(graph, i) or "" for i in items) + ")"
        for repeat, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                             (SH.zeroOrOnePath, "?")):
            step = graph.value(path, repeat)
            if step is not None:
                return f"{_path_text(graph, step)}{mark}"
        items = list(rdflib.collection.Collection(graph, path))
        return "/".join(_path_text(graph, i) or "" for i in items) if items else None
    return str(path)


def _shape_text(shapes: rdflib.Graph, shape) -> str | None:
    """The named shape a result comes from: an anonymous property shape is reported as the node
    shape that holds it."""
    if shape is None:
        return None
    if isinstance(shape, rdflib.BNode):
        owner = shapes.value(None, SH.property, shape, any=True)
        return str(owner) if owner is not None and not isinstance(owner, rdflib.BNode) else None
    return str(shape)


def run_checks(store: ox.Store, checks_dir: Path, base_uri: str) -> list[ValidationResult]:
    """Run every ``*-violation.rq`` check; each row is a Violation about its ``?focus``."""
    results = []
    for name, query in sorted(load_queries(checks_dir).items()):
        if not name.endswith("-violation"):
            continue
        with timed(log, "validate", f"check {name}") as details:
            answer = run_select(store, query, base_uri=base_uri)
            details["rows"] = len(answer.rows)
        messages = {lang: query.message(lang) for lang in LANGUAGES}
        for row in answer.rows:
            focus = row.get("focus")
            detail = row.get("detail")
            results.append(ValidationResult(
                severity="Violation",
                focus=_ox_text(focus) or "",
                path=None,
                value=_ox_text(detail),
                shape=f"{base_uri}checks/{name}",
                component="check",
                messages=messages,
            ))
    return results


_ox_text = term_text


def _add_check_results(report: rdflib.Graph, results: list[ValidationResult]) -> None:
    root = report.value(None, RDF.type, SH.ValidationReport, any=True)
    if root is None:
        root = rdflib.BNode()
        report.add((root, RDF.type, SH.ValidationReport))
    for r in results:
        node = rdflib.BNode()
        report.add((root, SH.result, node))
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.resultSeverity, SH.Violation))
        report.add((node, SH.focusNode, rdflib.URIRef(r.focus)))
        report.add((node, SH.sourceShape, rdflib.URIRef(r.shape)))
        report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
        if r.value:
            report.add((node, SH.value, rdflib.Literal(r.value)))
        for lang, text in r.messages.items():
            report.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang)))
    if results:
        report.set((root, SH.conforms, rdflib.Literal(False)))


def _labels(graph: rdflib.Graph, nodes: set[str]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for text in nodes:
        if text.startswith("_:"):
            continue
        node = rdflib.URIRef(text)
        by_lang: dict[str, str] = {}
        for prop in _LABEL_PROPERTIES:
            for value in graph.objects(node, prop):
                by_lang.setdefault(getattr(value, "language", None) or "", str(value))
        if by_lang:
            labels[text] = by_lang
    return labels


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
        labels_of = lambda nodes: _labels(data_graph, nodes)  # noqa: E731
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
        labels_of = lambda nodes: _store_labels(store, nodes)  # noqa: E731
        report = ValidationReport(results=results, engine="fast", fallback=fallback)
    if checks_dir is not None:
        if report.graph is not None:
            _add_check_results(report.graph, checks)
        report.results += checks
    report.results.sort(key=ValidationResult.sort_key)
    report.labels = labels_of({r.focus for r in report.results})
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


def _to_rdflib(term):
    """A pyoxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # RDF 1.1: a simple literal is an xsd:string
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _store_labels(store: ox.Store, nodes: set[str]) -> dict[str, dict[str, str]]:
    labels: dict[str, dict[str, str]] = {}
    for text in nodes:
        if text.startswith("_:") or not text.startswith(("http://", "https://", "urn:")):
            continue
        by_lang: dict[str, str] = {}
        for prop in _LABEL_PROPERTIES:
            for quad in store.quads_for_pattern(ox.NamedNode(text), ox.NamedNode(str(prop)),
                                                None, ox.DefaultGraph()):
                if isinstance(quad.object, ox.Literal):
                    by_lang.setdefault(quad.object.language or "", quad.object.value)
        if by_lang:
            labels[text] = by_lang
    return labels


def _copy_closure(source: rdflib.Graph, starts, target: rdflib.Graph, follow=()) -> None:
    """Copy the triples of ``starts`` and of what they lead to through blank nodes (and through
    the predicates ``follow``) from ``source`` into ``target``."""
    todo, seen = list(starts), set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in source.predicate_objects(current):
            target.add((current, p, o))
            if isinstance(o, rdflib.BNode) or p in follow:
                todo.append(o)


def _report_graph(results: list[ValidationResult]) -> rdflib.Graph:
    """A sh:ValidationReport graph holding the results."""
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    root = rdflib.BNode("report")
    graph.add((root, RDF.type, SH.ValidationReport))
    graph.add((root, SH.conforms, rdflib.Literal(
        not any(r.severity == "Violation" for r in results))))
    for k, r in enumerate(results):
        node = rdflib.BNode(f"r{k}")
        graph.add((root, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH[r.severity]))
        focus = r.terms.get("focus") or (rdflib.BNode(r.focus[2:]) if r.focus.startswith("_:")
                                          else rdflib.URIRef(r.focus))
        graph.add((node, SH.focusNode, focus))
        path = r.terms.get("path")
        if isinstance(path, tuple):  # a path pySHACL wrote in its own report graph
            source, start = path
            _copy_closure(source, [start], graph)
            graph.add((node, SH.resultPath, start))
        elif path is not None:
            graph.add((node, SH.resultPath, path_to_rdf(path, graph)))
        elif r.path and not r.path.startswith("^") and "/http" not in r.path:
            graph.add((node, SH.resultPath, rdflib.URIRef(r.path)))
        value = r.terms.get("value")
        if value is None and r.value is not None:  # a quality check's detail is text
            value = rdflib.Literal(r.value)
        if value is not None:
            graph.add((node, SH.value, value))
        shape = r.terms.get("shape") or (rdflib.URIRef(r.shape) if r.shape else None)
        if shape is not None:  # the shape itself, a property shape's blank node included
            graph.add((node, SH.sourceShape, shape))
        if r.component:
            component = SH.SPARQLConstraintComponent if r.component == "check" else \
                rdflib.URIRef(r.component)
            graph.add((node, SH.sourceConstraintComponent, component))
        for lang, text in sorted(r.messages.items()):
            graph.add((node, SH.resultMessage, rdflib.Literal(text, lang=lang or None)))
    return graph
