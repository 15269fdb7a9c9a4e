"""The validation report model: a result (:class:`ValidationResult`), the report that holds the
results and their labels (:class:`ValidationReport`), and the reading of a sh:ValidationReport
graph that pySHACL wrote into results. Rendering is :mod:`rrii_graph.validation_render`;
running the validation, :mod:`rrii_graph.validate`."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH, XSD

from .terms import in_language
from .validation_render import SEVERITIES, render_json, render_text, report_graph


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
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # language -> node -> label
    engine: str = "pyshacl"
    fallback: dict[str, str] = field(default_factory=dict)  # shape -> why pySHACL checked it

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    def label(self, node: str, lang: str) -> str | None:
        """The node's display label for readers of ``lang`` (see :mod:`rrii_graph.labels`)."""
        return self.labels.get(lang, {}).get(node)

    def summary(self) -> str:
        return (f"{self.count('Violation')} violations, {self.count('Warning')} warnings, "
                f"{self.count('Info')} infos")

    def to_text(self, lang: str = "en") -> str:
        """Results grouped by focus node, messages in ``lang``."""
        return render_text(self, lang)

    def to_json(self, lang: str = "en") -> str:
        return render_json(self, lang)

    def to_turtle(self) -> str:
        """The sh:ValidationReport in Turtle: pySHACL's graph, or one made from the results."""
        if self.graph is None:
            self.graph = report_graph(self.results)
        return self.graph.serialize(format="turtle")

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
