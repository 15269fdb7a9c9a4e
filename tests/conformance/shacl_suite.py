"""The W3C SHACL Core test suite as test data: its cases (data graph, shapes graph, expected
report) and each engine's report on a case, as comparable results.

A result is compared on (severity, focus node, result path, value, source constraint component,
source shape). A blank node compares by what it is, not by its label: it is written ``_:``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as pyshacl_validate
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from rrii_graph.shacl import DataIndex, Validator, compile_shapes, to_ox
from rrii_graph.validate import _shapes_subset

logging.getLogger("rdflib.term").setLevel(logging.ERROR)  # the suite's ill-typed literals
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass(frozen=True)
class Case:
    name: str
    data: rdflib.Graph
    shapes: rdflib.Graph
    expected: Counter | None  # None: the case expects a failure to validate at all


def _load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())


def cases(root: Path) -> list[Case]:
    """Every sht:Validate entry reachable from ``root/manifest.ttl``, in manifest order."""
    found: list[Case] = []
    todo, seen = [root / "manifest.ttl"], set()
    while todo:
        path = todo.pop(0)
        if path in seen:
            continue
        seen.add(path)
        graph = _load(path)
        for manifest in graph.subjects(RDF.type, MF.Manifest):
            for include in graph.objects(manifest, MF.include):
                todo.append(Path(rdflib.URIRef(include).replace("file://", "", 1)))
            for entries in graph.objects(manifest, MF.entries):
                for entry in Collection(graph, entries):
                    if (entry, RDF.type, SHT.Validate) not in graph:
                        continue
                    action = graph.value(entry, MF.action)
                    data_iri = graph.value(action, SHT.dataGraph)
                    shapes_iri = graph.value(action, SHT.shapesGraph)
                    data = graph if str(data_iri) == path.as_uri() else _load(
                        Path(str(data_iri).replace("file://", "", 1)))
                    shapes = graph if str(shapes_iri) == path.as_uri() else _load(
                        Path(str(shapes_iri).replace("file://", "", 1)))
                    result = graph.value(entry, MF.result)
                    expected = None if result == SHT.Failure else results_of(graph, result)
                    name = str(path.relative_to(root).with_suffix(""))
                    if not str(entry).endswith(path.stem):
                        name += "#" + str(entry).rsplit("/", 1)[-1]
                    found.append(Case(name, data, shapes, expected))
    return found


def _text(graph: rdflib.Graph, term) -> str:
    if term is None:
        return "-"
    if isinstance(term, rdflib.BNode):
        return "_:"
    return term.n3()


def _path(graph: rdflib.Graph, node) -> str:
    """A result path written as the fast engine writes it, blank nodes aside."""
    if node is None:
        return "-"
    from rrii_graph.validate import _path_text
    return _path_text(graph, node) or "-"


def results_of(graph: rdflib.Graph, report) -> Counter:
    """The results of a sh:ValidationReport node of ``graph``, comparable."""
    found: Counter = Counter()
    for result in graph.objects(report, SH.result):
        found[(_text(graph, graph.value(result, SH.resultSeverity)),
               _text(graph, graph.value(result, SH.focusNode)),
               _path(graph, graph.value(result, SH.resultPath)),
               _text(graph, graph.value(result, SH.value)),
               _text(graph, graph.value(result, SH.sourceConstraintComponent)),
               _text(graph, graph.value(result, SH.sourceShape)))] += 1
    return found


def pyshacl_report(case: Case) -> Counter | None:
    """pySHACL's results on the case, or None when it refuses the shapes."""
    try:
        _conforms, report, _text_report = pyshacl_validate(
            case.data, shacl_graph=case.shapes, inference="none", advanced=True,
            allow_warnings=True)
    except Exception:  # noqa: BLE001 - a refusal is an outcome of the suite
        return None
    root = report.value(None, RDF.type, SH.ValidationReport, any=True)
    return results_of(report, root)


def _ox_text(term) -> str:
    if term is None:
        return "-"
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    plain = term.language or term.datatype.value == str(rdflib.XSD.string)
    return rdflib.Literal(term.value, lang=term.language,
                          datatype=None if plain else rdflib.URIRef(term.datatype.value)).n3()


def fast_report(case: Case, fallback: bool = True) -> tuple[Counter | None, dict]:
    """The fast engine's results on the case and the shapes it declared unsupported; with
    ``fallback``, those shapes are checked by pySHACL, as ``rrii validate`` does."""
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph())
                 for s, p, o in case.data)
    try:
        compiled = compile_shapes(case.shapes)
    except Exception:  # noqa: BLE001 - a shapes graph the engine refuses as a whole
        return None, {"*": "refused"}
    found: Counter = Counter()
    for r in Validator(compiled, DataIndex(store)).validate(1):
        severity = r.severity if "://" in r.severity else f"{SH}{r.severity}"
        found[(f"<{severity}>", _ox_text(r.focus_term), r.path or "-", _ox_text(r.value_term),
               f"<{r.component}>",
               "_:" if isinstance(r.source_shape, rdflib.BNode) else f"<{r.source_shape}>")] += 1
    if compiled.unsupported and fallback:
        subset = _shapes_subset(case.shapes, compiled.unsupported)
        extra = pyshacl_report(Case(case.name, case.data, subset, None))
        if extra is None:
            return None, compiled.unsupported
        found += extra
    return found, compiled.unsupported


