"""A SHACL Core validator that scales: the project's shapes checked on the embedded store.

pySHACL re-walks an rdflib graph for every focus node and constraint, which takes minutes for a
few thousand councils. This engine reads the shapes once (rdflib, they are small), then answers
every constraint from per-predicate indexes built in one pass over the pyoxigraph store, so the
work grows with the number of triples. SPARQL-based constraints (``sh:sparql``) run once on the
store with ``$this`` left free, and their answers are matched to the shape's focus nodes.

Supported (https://www.w3.org/TR/shacl/#core-components): targets ``targetClass`` (with
``rdfs:subClassOf`` in the data), ``targetSubjectsOf``, ``targetObjectsOf``, ``targetNode``;
paths: a predicate, ``sh:inversePath``, sequences, ``sh:alternativePath``; components ``class``,
``datatype``, ``nodeKind``, ``minCount``, ``maxCount``, ``minInclusive``, ``maxInclusive``,
``minExclusive``, ``maxExclusive``, ``minLength``, ``maxLength``, ``pattern`` (with ``flags``),
``languageIn``, ``uniqueLang``, ``in``, ``hasValue``, ``node``, ``or``, ``and``, ``not``,
``qualifiedValueShape`` with ``qualifiedMinCount``/``qualifiedMaxCount``, and SHACL-SPARQL
``sparql`` constraints. A node shape using anything else is reported by :func:`compile_shapes`
as unsupported, and the caller validates it with pySHACL instead (see
:func:`rrii_graph.validate.validate_dataset`).

pySHACL stays the reference: a differential test requires both engines to report the same
(severity, focus node, path, constraint component, shape, value) results.

On large datasets the shapes are shared among forked processes (:meth:`Validator.validate`).
Why not one SPARQL query per constraint on the store: measured at 10,000 councils, such a query
(the shape's targets joined with the path) takes 0.3-1.3 s for the larger shapes, and the
project's hundred-odd constraints took 20 s in all, more than these indexes and checks.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from .errors import ResourceError
from .timing import report

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_LANG_STRING = str(RDF.langString)
log = logging.getLogger(__name__)

# Parameters that configure or describe a shape without being a constraint of their own.
_NON_CONSTRAINTS = {SH.name, SH.message, SH.severity, SH.description, SH.order, SH.group,
                    SH.deactivated, SH.property, SH.path, SH.targetClass, SH.targetNode,
                    SH.targetSubjectsOf, SH.targetObjectsOf, SH.declare, SH.prefixes, SH.flags,
                    SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
                    SH.defaultValue, RDF.type, RDFS.label, RDFS.comment, SH.sparql}
_SUPPORTED = {SH["class"], SH.datatype, SH.nodeKind, SH.minCount, SH.maxCount, SH.minInclusive,
              SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength,
              SH.pattern, SH.languageIn, SH.uniqueLang, SH["in"], SH.hasValue, SH.node, SH["or"],
              SH["and"], SH["not"], SH.qualifiedValueShape}
_COMPONENT_BY_PARAMETER = {  # parameter -> constraint component
    SH["class"]: "ClassConstraintComponent", SH.datatype: "DatatypeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent", SH.minCount: "MinCountConstraintComponent",
    SH.maxCount: "MaxCountConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH.minLength: "MinLengthConstraintComponent", SH.maxLength: "MaxLengthConstraintComponent",
    SH.pattern: "PatternConstraintComponent", SH.languageIn: "LanguageInConstraintComponent",
    SH.uniqueLang: "UniqueLangConstraintComponent", SH["in"]: "InConstraintComponent",
    SH.hasValue: "HasValueConstraintComponent", SH.node: "NodeConstraintComponent",
    SH["or"]: "OrConstraintComponent", SH["and"]: "AndConstraintComponent",
    SH["not"]: "NotConstraintComponent",
}
_COMPONENT = {str(k)[len(str(SH)):]: v for k, v in _COMPONENT_BY_PARAMETER.items()}
_WELL_FORMED = {  # lexical forms checked for ill-typed literals
    str(XSD.integer): r"[+-]?\d+", str(XSD.nonNegativeInteger): r"\+?\d+",
    str(XSD.decimal): r"[+-]?(\d+(\.\d*)?|\.\d+)", str(XSD.boolean): r"true|false|1|0",
    str(XSD.gYear): r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
    str(XSD.gYearMonth): r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?",
    str(XSD.date): r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?",
    str(XSD.dateTime): r"-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
    str(XSD.time): r"\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
}


def to_ox(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def term_text(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


@dataclass
class Shape:
    """A node or property shape, compiled."""

    node: rdflib.term.Node
    path: tuple | None = None            # ("p", iri) | ("inv", iri) | ("seq", (...))
    constraints: list = field(default_factory=list)   # (parameter local name, value, extra)
    properties: list = field(default_factory=list)
    sparql: list = field(default_factory=list)        # (constraint node, query, severity)
    severity: str = "Violation"
    targets: list = field(default_factory=list)       # (kind, ox term)
    deactivated: bool = False

    @property
    def path_text(self) -> str | None:
        return _path_text(self.path)

    @cached_property
    def on_value_only(self) -> bool:
        """Whether the shape only tests the node itself (no path, property shapes, SPARQL or
        constraint on a set of values): then a node conforms if it passes each constraint."""
        return (self.path is None and not self.properties and not self.sparql
                and not self.deactivated and all(
                    c[0] not in ("minCount", "maxCount", "hasValue", "uniqueLang",
                                 "qualifiedValueShape") for c in self.constraints))

    @cached_property
    def split(self) -> tuple[list, list]:
        """The counts ((minCount|maxCount, limit)) and the other constraints."""
        counts = [(p, int(arg.value)) for p, arg, _ in self.constraints
                  if p in ("minCount", "maxCount")]
        return counts, [c for c in self.constraints if c[0] not in ("minCount", "maxCount")]


def _path_text(path) -> str | None:
    if path is None:
        return None
    kind, value = path
    if kind == "p":
        return value.value
    if kind == "inv":
        return "^" + value.value
    if kind == "alt":
        return "(" + "|".join(_path_text(p) for p in value) + ")"
    return "/".join(_path_text(p) for p in value)


@dataclass
class Compiled:
    """The shapes graph, compiled: every shape by node, the targeted ones, and the node shapes
    (with the reason) this engine cannot check."""

    shapes: dict
    targeted: list
    unsupported: dict
    prefixes: str
    graph: rdflib.Graph


def compile_shapes(graph: rdflib.Graph) -> Compiled:
    shapes: dict = {}

    def path_of(node) -> tuple:
        if isinstance(node, rdflib.URIRef):
            return ("p", ox.NamedNode(str(node)))
        alternatives = graph.value(node, SH.alternativePath)
        if alternatives is not None:
            items = list(Collection(graph, alternatives))
            if not items:
                raise ValueError("empty alternative path")
            return ("alt", tuple(path_of(i) for i in items))
        inverse = graph.value(node, SH.inversePath)
        if inverse is not None:
            if not isinstance(inverse, rdflib.URIRef):
                raise ValueError("nested inverse path")
            return ("inv", ox.NamedNode(str(inverse)))
        items = list(Collection(graph, node))
        if not items:
            raise ValueError("unsupported path")
        return ("seq", tuple(path_of(i) for i in items))

    def shape(node) -> Shape:
        if node in shapes:
            return shapes[node]
        compiled = shapes[node] = Shape(node)
        severity = graph.value(node, SH.severity)
        if severity is not None:
            compiled.severity = str(severity).rsplit("#", 1)[-1]
        compiled.deactivated = bool(graph.value(node, SH.deactivated))
        path = graph.value(node, SH.path)
        if path is not None:
            compiled.path = path_of(path)
        for kind in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            for t in graph.objects(node, kind):
                compiled.targets.append((kind, to_ox(t)))
        for p, o in sorted(graph.predicate_objects(node)):
            if p in _NON_CONSTRAINTS:
                continue
            if p not in _SUPPORTED:
                raise ValueError(f"unsupported parameter {p}")
            code = str(p)[len(str(SH)):]
            if p in (SH.languageIn, SH["in"]):
                compiled.constraints.append((code, [to_ox(i) for i in Collection(graph, o)], None))
            elif p in (SH["or"], SH["and"]):
                compiled.constraints.append((code, [shape(i) for i in Collection(graph, o)], None))
            elif p in (SH.node, SH["not"]):
                compiled.constraints.append((code, shape(o), None))
            elif p == SH.qualifiedValueShape:
                if graph.value(node, SH.qualifiedValueShapesDisjoint):
                    raise ValueError("qualifiedValueShapesDisjoint")
                bounds = (graph.value(node, SH.qualifiedMinCount),
                          graph.value(node, SH.qualifiedMaxCount))
                compiled.constraints.append((code, shape(o), tuple(
                    int(b) if b is not None else None for b in bounds)))
            elif p == SH.pattern:
                flags = graph.value(node, SH.flags)
                compiled.constraints.append((code, re.compile(str(o), _flags(flags)), None))
            else:
                compiled.constraints.append((code, to_ox(o), None))
        for prop in graph.objects(node, SH.property):
            compiled.properties.append(shape(prop))
        for constraint in graph.objects(node, SH.sparql):
            select = graph.value(constraint, SH.select)
            csev = graph.value(constraint, SH.severity)
            compiled.sparql.append((constraint, str(select).replace("$this", "?this"),
                                    str(csev).rsplit("#", 1)[-1] if csev else "Violation"))
        return compiled

    targeted, unsupported = [], {}
    candidates = sorted({s for k in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf,
                                     SH.targetNode) for s in graph.subjects(k, None)}, key=str)
    for node in candidates:
        try:
            targeted.append(shape(node))
        except ValueError as exc:
            unsupported[node] = str(exc)
            shapes.pop(node, None)
    declared = []
    for declaration in graph.objects(None, SH.declare):
        prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration,
                                                                             SH.namespace)
        declared.append(f"PREFIX {prefix}: <{namespace}>")
    return Compiled(shapes, targeted, unsupported, "\n".join(sorted(set(declared))), graph)


def _flags(flags) -> int:
    value = 0
    for ch in str(flags or ""):
        value |= {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}.get(ch, 0)
    return value


class DataIndex:
    """Per-predicate forward and backward indexes over the store's default graph, built on
    first use, and the subclass closure. ``leave_out`` names graphs that are not data (the
    shapes): a triple only they state is left out of the indexes, so that the data graph is the
    merge of the other graphs, as pySHACL is given it."""

    def __init__(self, store: ox.Store, leave_out: list[str] = ()):
        self.store = store
        self._forward: dict = {}
        self._backward: dict = {}
        self._subclasses: dict | None = None
        self._instances: dict = {}
        self._left_out = self._only_in(leave_out)
        self.seconds = 0.0  # spent building indexes

    def _only_in(self, graphs: list[str]) -> dict:
        """Predicate -> the (subject, object) pairs that no graph outside ``graphs`` states."""
        names = {ox.NamedNode(g) for g in graphs}
        found: dict = defaultdict(set)
        for name in sorted(names, key=str):
            for quad in self.store.quads_for_pattern(None, None, None, name):
                elsewhere = any(
                    q.graph_name not in names and not isinstance(q.graph_name, ox.DefaultGraph)
                    for q in self.store.quads_for_pattern(quad.subject, quad.predicate,
                                                          quad.object, None))
                if not elsewhere:
                    found[quad.predicate].add((quad.subject, quad.object))
        return found

    def _build(self, predicate: ox.NamedNode, backward: bool) -> dict:
        """Subject -> objects (or, ``backward``, object -> subjects) of ``predicate``. Each
        direction is built only when a check needs it: most paths are only followed forward."""
        start = time.perf_counter()
        index: dict = defaultdict(list)
        skip = self._left_out.get(predicate, ())
        for quad in self.store.quads_for_pattern(None, predicate, None, ox.DefaultGraph()):
            subject, obj = quad.subject, quad.object
            if skip and (subject, obj) in skip:
                continue
            if backward:
                index[obj].append(subject)
            else:
                index[subject].append(obj)
        self.seconds += time.perf_counter() - start
        return index

    def forward(self, predicate: ox.NamedNode) -> dict:
        if predicate not in self._forward:
            self._forward[predicate] = self._build(predicate, backward=False)
        return self._forward[predicate]

    def backward(self, predicate: ox.NamedNode) -> dict:
        if predicate not in self._backward:
            self._backward[predicate] = self._build(predicate, backward=True)
        return self._backward[predicate]

    def values(self, focus, path) -> list:
        kind, value = path
        if kind == "p":
            return self.forward(value).get(focus, [])
        if kind == "inv":
            return self.backward(value).get(focus, [])
        if kind == "alt":  # the union of the alternatives' value nodes, each once
            return list(dict.fromkeys(v for step in value for v in self.values(focus, step)))
        nodes = [focus]
        for step in value:
            nodes = [v for n in nodes for v in self.values(n, step)]
        return nodes

    def subclasses(self, cls) -> set:
        """``cls`` and every class below it by rdfs:subClassOf in the data."""
        if self._subclasses is None:
            self._subclasses = {}
        if cls not in self._subclasses:
            below = self.backward(_SUBCLASS)
            found, todo = {cls}, [cls]
            while todo:
                for sub in below.get(todo.pop(), []):
                    if sub not in found:
                        found.add(sub)
                        todo.append(sub)
            self._subclasses[cls] = found
        return self._subclasses[cls]

    def instances(self, cls) -> set:
        """The nodes typed with ``cls`` or a class below it, gathered once per class."""
        if cls not in self._instances:
            by_type = self.backward(_RDF_TYPE)
            self._instances[cls] = {node for c in self.subclasses(cls)
                                    for node in by_type.get(c, ())}
        return self._instances[cls]

    def is_instance(self, node, cls) -> bool:
        return node in self.instances(cls)  # a literal is never the subject of rdf:type

    def targets(self, shape: Shape) -> list:
        found: dict = {}
        for kind, term in shape.targets:
            if kind == SH.targetClass:
                by_type = self.backward(_RDF_TYPE)
                for cls in self.subclasses(term):
                    for node in by_type.get(cls, []):
                        found[node] = None
            elif kind == SH.targetSubjectsOf:
                for node in self.forward(term):
                    found[node] = None
            elif kind == SH.targetObjectsOf:
                for node in self.backward(term):
                    found[node] = None
            else:
                found[term] = None
        return list(found)


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL would report it."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    source_shape: rdflib.term.Node
    component: str
    constraint: rdflib.term.Node | None = None


class Validator:
    """Checks the compiled shapes on a :class:`DataIndex`."""

    def __init__(self, compiled: Compiled, data: DataIndex):
        self.compiled, self.data = compiled, data
        self._conforms: dict = {}
        self._sparql_cache: dict = {}

    def validate(self, workers: int = 1, meanwhile: Callable[[], None] | None = None
                 ) -> list[Result]:
        """Every result of the targeted shapes. With ``workers`` > 1 (and where processes can
        be forked), the shapes are shared among that many forked processes, each reading the
        store as it was at the fork and building the indexes it needs; shapes with the most
        constraints go first. Python checks one shape at a time, so this is the way to use
        more cores. If a process is stopped (most often by the kernel, short of memory), this
        raises :class:`ResourceError` instead of waiting for its answer.

        ``meanwhile``, other work on the store (the quality checks), runs while the shapes are
        checked: in this process while the forked ones work (only once they are all started:
        forking beside a running thread can leave a child deadlocked), or else on a thread
        (the store runs SPARQL without holding Python's lock). Its error is raised here."""
        shapes = [shape for shape in self.compiled.targeted if not shape.deactivated]
        results: list[Result] = []
        start = time.perf_counter()
        if workers < 2 or len(shapes) < 2 or \
                "fork" not in multiprocessing.get_all_start_methods():
            with ThreadPoolExecutor(1) as side:
                beside = side.submit(meanwhile) if meanwhile is not None else None
                for shape in shapes:
                    found, timing = self.run_shape(shape)
                    _report(shape, timing)
                    results += found
                report(log, "validate", "all shapes", time.perf_counter() - start,
                       processes=1)
                if beside is not None:
                    beside.result()
            return results
        order = sorted(range(len(shapes)), key=lambda k: (-_size(shapes[k]), k))
        workers = min(workers, len(shapes))
        try:
            with ProcessPoolExecutor(workers,
                                     mp_context=multiprocessing.get_context("fork"),
                                     initializer=_adopt, initargs=(self, shapes)) as pool:
                answers = pool.map(_validate_in_worker, order)  # every process forks here
                if meanwhile is not None:
                    meanwhile()
                for k, (found, timing) in zip(order, answers, strict=True):
                    _report(shapes[k], timing)
                    results += found
        except BrokenProcessPool as exc:
            raise ResourceError(
                f"a validation process was stopped before it finished (by the kernel when the "
                f"machine runs short of memory: each of the {workers} processes copies much of "
                "the store); validate with fewer processes (--workers 1)") from exc
        report(log, "validate", "all shapes", time.perf_counter() - start, processes=workers)
        return results

    def run_shape(self, shape: Shape) -> tuple[list[Result], tuple[float, float, int]]:
        """The results of one targeted shape on all its focus nodes, and (seconds, of which
        building the indexes it was the first to need, focus nodes)."""
        start, indexing = time.perf_counter(), self.data.seconds
        focus_nodes = self.data.targets(shape)
        results = self._check_all(shape, focus_nodes) + self._sparql(shape, set(focus_nodes))
        return results, (time.perf_counter() - start, self.data.seconds - indexing,
                         len(focus_nodes))

    def _check_all(self, shape: Shape, focus_nodes: list) -> list[Result]:
        """The results of ``shape`` (and its property shapes) on every focus node, one shape at
        a time rather than one node at a time (at 10,000 councils, 2 million fewer calls)."""
        if shape.deactivated:
            return []
        out: list[Result] = []
        if shape.constraints:
            path = shape.path
            lookup = self.data.forward(path[1]).get if path and path[0] == "p" else None
            counts, others = shape.split
            for focus in focus_nodes:
                values = lookup(focus, ()) if lookup is not None else \
                    self.data.values(focus, path) if path is not None else [focus]
                for parameter, limit in counts:
                    if (len(values) < limit) if parameter == "minCount" else \
                            (len(values) > limit):
                        out.append(self._result(shape, focus, None, parameter))
                if others:
                    for parameter, value in self._violations(values, others):
                        out.append(self._result(shape, focus, value, parameter))
        for prop in shape.properties:
            out += self._check_all(prop, focus_nodes)
        return out

    def conforms(self, shape: Shape, node) -> bool:
        if shape.on_value_only:  # as check() would find, without the bookkeeping
            return all(self._value_ok(parameter, arg, node)
                       for parameter, arg, _ in shape.constraints)
        key = (shape.node, node)
        if key not in self._conforms:
            self._conforms[key] = True  # a recursive shape conforms on the way down
            self._conforms[key] = not self.check(shape, node) and not self._sparql(shape, {node})
        return self._conforms[key]

    def check(self, shape: Shape, focus) -> list[Result]:
        """The results of ``shape`` (and its property shapes) on one focus node."""
        return self._check_all(shape, [focus])

    def _result(self, shape: Shape, focus, value, parameter) -> Result:
        component = _COMPONENT.get(parameter, parameter)
        return Result(shape.severity, term_text(focus), shape.path_text,
                      None if value is None else term_text(value), shape.node,
                      str(SH) + component)

    def _violations(self, values, constraints: list):
        """(parameter, offending value or None) for each failed constraint of ``constraints``
        (all but the counts, which :meth:`_check_all` checks itself)."""
        for parameter, arg, extra in constraints:
            if parameter == "hasValue":
                if arg not in values:
                    yield parameter, None
            elif parameter == "uniqueLang":
                if arg.value == "true":
                    seen = defaultdict(int)
                    for v in values:
                        if isinstance(v, ox.Literal) and v.language:
                            seen[v.language.lower()] += 1
                    for _ in sorted(lang for lang, n in seen.items() if n > 1):
                        yield parameter, None
            elif parameter == "qualifiedValueShape":
                matching = sum(1 for v in values if self.conforms(arg, v))
                low, high = extra
                if low is not None and matching < low:
                    yield "QualifiedMinCountConstraintComponent", None
                if high is not None and matching > high:
                    yield "QualifiedMaxCountConstraintComponent", None
            else:
                for v in values:
                    if not self._value_ok(parameter, arg, v):
                        yield parameter, v

    def _value_ok(self, parameter, arg, v) -> bool:
        if parameter == "class":
            return self.data.is_instance(v, arg)
        if parameter == "datatype":
            if not isinstance(v, ox.Literal):
                return False
            if arg.value == _LANG_STRING:
                return bool(v.language)
            if v.language or v.datatype != arg:
                return False
            pattern = _WELL_FORMED.get(arg.value)
            return pattern is None or re.fullmatch(pattern, v.value) is not None
        if parameter == "nodeKind":
            kind = arg.value.rsplit("#", 1)[-1]
            is_iri, is_blank = isinstance(v, ox.NamedNode), isinstance(v, ox.BlankNode)
            is_literal = isinstance(v, ox.Literal)
            return {"IRI": is_iri, "Literal": is_literal, "BlankNode": is_blank,
                    "BlankNodeOrIRI": is_blank or is_iri,
                    "BlankNodeOrLiteral": is_blank or is_literal,
                    "IRIOrLiteral": is_iri or is_literal}[kind]
        if parameter == "pattern":
            return not isinstance(v, ox.BlankNode) and arg.search(v.value) is not None
        if parameter in ("minLength", "maxLength"):
            if isinstance(v, ox.BlankNode):
                return False
            limit = int(arg.value)
            return len(v.value) >= limit if parameter == "minLength" else len(v.value) <= limit
        if parameter == "languageIn":
            if not isinstance(v, ox.Literal) or not v.language:
                return False
            tag = v.language.lower()
            return any(tag == r.value.lower() or tag.startswith(r.value.lower() + "-")
                       for r in arg)
        if parameter == "in":
            return v in arg
        if parameter == "node":
            return self.conforms(arg, v)
        if parameter == "not":
            return not self.conforms(arg, v)
        if parameter == "or":
            return any(self.conforms(s, v) for s in arg)
        if parameter == "and":
            return all(self.conforms(s, v) for s in arg)
        return _compare(parameter, arg, v)

    def _sparql(self, shape: Shape, focus_nodes: set) -> list[Result]:
        out = []
        for constraint, select, severity in shape.sparql:
            for focus, value in self._sparql_rows(constraint, select):
                if focus in focus_nodes:
                    out.append(Result(severity, term_text(focus), shape.path_text,
                                      None if value is None else term_text(value), shape.node,
                                      str(SH) + "SPARQLConstraintComponent", constraint))
        return out

    def _sparql_rows(self, constraint, select: str) -> list[tuple]:
        """The (this, value) rows of a SPARQL constraint, run once with ``$this`` free."""
        if constraint not in self._sparql_cache:
            rows = []
            solutions = self.data.store.query(self.compiled.prefixes + "\n" + select)
            names = {v.value for v in solutions.variables}
            for row in solutions:
                rows.append((row["this"], row["value"] if "value" in names else None))
            self._sparql_cache[constraint] = rows
        return self._sparql_cache[constraint]


def _size(shape: Shape) -> int:
    """How many constraints a shape and its property shapes hold."""
    return len(shape.constraints) + len(shape.sparql) + sum(_size(p) for p in shape.properties)


_WORKER: tuple[Validator, list[Shape]] | None = None


def _adopt(validator: Validator, shapes: list[Shape]) -> None:
    """In a forked worker: the validator (and its store and indexes) it inherited."""
    global _WORKER
    _WORKER = (validator, shapes)


def _validate_in_worker(k: int) -> tuple[list[Result], tuple[float, float, int]]:
    validator, shapes = _WORKER
    return validator.run_shape(shapes[k])


def _report(shape: Shape, timing: tuple[float, float, int]) -> None:
    seconds, indexing, focus_nodes = timing
    name = str(shape.node).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    report(log, "validate", f"shape {name}", seconds, focus_nodes=focus_nodes,
           of_which_indexes_s=round(indexing, 3))


def _number(term) -> Decimal | None:
    try:
        return Decimal(term.value)
    except (InvalidOperation, AttributeError):
        return None


def _compare(parameter, arg, v) -> bool:
    if not isinstance(v, ox.Literal):
        return False
    a, b = _number(v), _number(arg)
    if a is None or b is None:
        if v.datatype != arg.datatype:
            return False
        a, b = v.value, arg.value
    if parameter == "minInclusive":
        return a >= b
    if parameter == "maxInclusive":
        return a <= b
    if parameter == "minExclusive":
        return a > b
    return a < b
