"""Rendering a validation report: as text grouped by focus node, as JSON, and as a faithful
sh:ValidationReport graph (RDF terms, path structure, source shapes) for Turtle."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import rdflib
from rdflib.namespace import RDF, SH

from .layout import NAMESPACES
from .shacl.paths import path_to_rdf

if TYPE_CHECKING:
    from .validation_report import ValidationReport, ValidationResult

SEVERITIES = ("Violation", "Warning", "Info")  # in the order results are sorted and counted


def render_text(self: ValidationReport, lang: str = "en") -> str:
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


def render_json(self: ValidationReport, lang: str = "en") -> str:
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


def _short(iri: str) -> str:
    for prefix, ns in NAMESPACES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    if "#" in iri:
        return iri.rsplit("#", 1)[1] if "/shapes#" in iri else iri
    return iri

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

def report_graph(results: list[ValidationResult]) -> rdflib.Graph:
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
