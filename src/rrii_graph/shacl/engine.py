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
The constraints are not SPARQL queries on the store: each would join the shape's targets with its
path again, where these indexes are built once per predicate and shared by every constraint
(``make bench`` times both ways of validating).
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from ..errors import ResourceError
from ..terms import term_text
from ..timing import report
from .components import REGISTRY, Failure, UnsupportedError, secondary_parameters
from .paths import Predicate, UnsupportedPathError, parse_path, path_text

_RDF_TYPE = ox.NamedNode(str(RDF.type))
_SUBCLASS = ox.NamedNode(str(RDFS.subClassOf))
_LANG_STRING = str(RDF.langString)
log = logging.getLogger(__name__)

# Parameters that configure or describe a shape without being a constraint of their own.
_NON_CONSTRAINTS = {SH.name, SH.message, SH.severity, SH.description, SH.order, SH.group,
                    SH.deactivated, SH.property, SH.path, SH.targetClass, SH.targetNode,
                    SH.targetSubjectsOf, SH.targetObjectsOf, SH.declare, SH.prefixes,
                    SH.defaultValue, RDF.type, RDFS.label, RDFS.comment, RDFS.subClassOf}


def to_ox(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))




@dataclass
class Shape:
    """A node or property shape, compiled: its path, its components (one object per
    constraint, see :mod:`rrii_graph.shacl.components`) and its property shapes."""

    node: rdflib.term.Node
    path: object | None = None            # a path of :mod:`rrii_graph.shacl.paths`
    components: list = field(default_factory=list)
    properties: list = field(default_factory=list)
    severity: str = "Violation"
    targets: list = field(default_factory=list)       # (kind, ox term)
    deactivated: bool = False

    @property
    def path_text(self) -> str | None:
        return path_text(self.path)

    @cached_property
    def on_value_only(self) -> bool:
        """Whether the shape only tests the node itself (no path, no property shapes, no
        constraint on a set of values): then a node conforms if it passes each constraint."""
        return (self.path is None and not self.properties and not self.deactivated
                and all(not c.on_value_set for c in self.components))


@dataclass
class Compiled:
    """The shapes graph, compiled: every shape by node, the targeted ones, and the node shapes
    (with the reason) this engine cannot check."""

    shapes: dict
    targeted: list
    unsupported: dict
    prefixes: str
    graph: rdflib.Graph


class _Compiler:
    """Turns the shapes graph into :class:`Shape` objects, component by component."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph
        self.shapes: dict = {}
        self.declared_prefixes = bool(list(graph.objects(None, SH.declare)))

    @staticmethod
    def term(value):
        return to_ox(value)

    def shape(self, node) -> Shape:
        graph = self.graph
        if node in self.shapes:
            return self.shapes[node]
        compiled = self.shapes[node] = Shape(node)
        severity = graph.value(node, SH.severity)
        if severity is not None:
            compiled.severity = str(severity).rsplit("#", 1)[-1] \
                if str(severity).startswith(str(SH)) else str(severity)
        compiled.deactivated = str(graph.value(node, SH.deactivated) or "").lower() == "true"
        path = graph.value(node, SH.path)
        if path is not None:
            try:
                compiled.path = parse_path(graph, path)
            except UnsupportedPathError as exc:
                raise UnsupportedError(str(exc)) from exc
        for kind in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
            for t in graph.objects(node, kind):
                compiled.targets.append((kind, to_ox(t)))
        if _implicit_class(graph, node):
            compiled.targets.append((SH.targetClass, to_ox(node)))
        secondary = secondary_parameters()
        for p, o in sorted(graph.predicate_objects(node)):
            if p in _NON_CONSTRAINTS or p in secondary:
                continue
            component = REGISTRY.get(p)
            if component is None:
                if str(p).startswith(str(SH)):
                    raise UnsupportedError(f"unsupported parameter {p}")
                continue  # a triple of another vocabulary says nothing to SHACL
            compiled.components.append(component.compile(graph, node, o, self))
        for prop in graph.objects(node, SH.property):
            compiled.properties.append(self.shape(prop))
        _disjoint_siblings(compiled)
        return compiled


def _disjoint_siblings(shape: Shape) -> None:
    """Give each qualified value shape that must be disjoint the qualified value shapes of its
    sibling property shapes (SHACL 4.7.3)."""
    qualified = [(prop, c) for prop in shape.properties for c in prop.components
                 if c.__class__.__name__ == "QualifiedValueShapeComponent"]
    for prop, component in qualified:
        if component.disjoint:
            component.siblings = [c.value for other, c in qualified if other is not prop]


def _implicit_class(graph: rdflib.Graph, node) -> bool:
    """A shape that is also an rdfs:Class targets its own instances (SHACL 2.1.3.3)."""
    return isinstance(node, rdflib.URIRef) and (node, RDF.type, RDFS.Class) in graph and any(
        (node, RDF.type, t) in graph for t in (SH.NodeShape, SH.PropertyShape))


def compile_shapes(graph: rdflib.Graph) -> Compiled:
    compiler = _Compiler(graph)
    targeted, unsupported = [], {}
    candidates = {s for k in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf,
                              SH.targetNode) for s in graph.subjects(k, None)}
    candidates |= {s for s in graph.subjects(RDF.type, RDFS.Class) if _implicit_class(graph, s)}
    for node in sorted(candidates, key=str):
        before = set(compiler.shapes)
        try:
            targeted.append(compiler.shape(node))
        except (UnsupportedError, ValueError) as exc:
            unsupported[node] = str(exc)
            for half_compiled in set(compiler.shapes) - before:  # what this attempt cached
                del compiler.shapes[half_compiled]
    declared = []
    for declaration in graph.objects(None, SH.declare):
        prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration,
                                                                             SH.namespace)
        declared.append(f"PREFIX {prefix}: <{namespace}>")
    return Compiled(compiler.shapes, targeted, unsupported, "\n".join(sorted(set(declared))),
                    graph)


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
        return path.values(self, focus)

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
    """One validation result, as pySHACL would report it (``focus_term`` and ``value_term``
    keep the RDF terms for a faithful report)."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    source_shape: rdflib.term.Node
    component: str
    constraint: rdflib.term.Node | None = None
    focus_term: object = field(default=None, compare=False)
    value_term: object = field(default=None, compare=False)
    path_object: object = field(default=None, compare=False)  # a path of .paths


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
        results = self._check_all(shape, focus_nodes)
        return results, (time.perf_counter() - start, self.data.seconds - indexing,
                         len(focus_nodes))

    def _check_all(self, shape: Shape, focus_nodes: list) -> list[Result]:
        """The results of ``shape`` (and its property shapes) on every focus node, one shape at
        a time rather than one node at a time (a call per shape, not per node and shape)."""
        if shape.deactivated:
            return []
        out: list[Result] = []
        path = shape.path
        # the property shapes of a property shape check its value nodes, not its focus nodes
        nested: list | None = [] if path is not None and shape.properties else None
        if shape.components or nested is not None:
            lookup = self.data.forward(path.iri).get if isinstance(path, Predicate) else None
            for focus in focus_nodes:
                values = lookup(focus, ()) if lookup is not None else \
                    path.values(self.data, focus) if path is not None else [focus]
                for component in shape.components:
                    for failure in component.check(self, shape, focus, values):
                        out.append(self._result(shape, focus, component, failure))
                if nested is not None:
                    nested.extend(values)  # a value reached from two focus nodes counts twice
        for prop in shape.properties:
            out += self._check_all(prop, nested if nested is not None else focus_nodes)
        return out

    def conforms(self, shape: Shape, node) -> bool:
        if shape.on_value_only:  # as check() would find, without the bookkeeping
            return all(c.value_ok(self, node) for c in shape.components)
        key = (shape.node, node)
        if key not in self._conforms:
            self._conforms[key] = True  # a recursive shape conforms on the way down
            self._conforms[key] = not self.check(shape, node)
        return self._conforms[key]

    def check(self, shape: Shape, focus) -> list[Result]:
        """The results of ``shape`` (and its property shapes) on one focus node."""
        return self._check_all(shape, [focus])

    def _result(self, shape: Shape, focus, component, failure) -> Result:
        path_object = shape.path
        if isinstance(failure, Failure):
            value, iri = failure.value, failure.component or component.iri
            if failure.path is not None:
                path_object = Predicate(ox.NamedNode(failure.path))
            severity = failure.severity or shape.severity
            constraint = failure.constraint
        else:
            value, iri, severity, constraint = (failure, component.iri, shape.severity, None)
        path = path_text(path_object)
        if value is None and shape.path is None and not component.on_value_set:
            value = focus  # a node shape's constraint: the value is the focus node itself
        return Result(severity, term_text(focus), path,
                      None if value is None else term_text(value), shape.node, iri, constraint,
                      focus, value, path_object)

    def sparql_rows(self, constraint, select: str) -> dict:
        """The rows of a SPARQL constraint by ``this``, the query run once with it unbound."""
        if constraint not in self._sparql_cache:
            rows: dict = defaultdict(list)
            solutions = self.data.store.query(self.compiled.prefixes + "\n" + select)
            names = {v.value for v in solutions.variables}
            for row in solutions:
                rows[row["this"]].append(row["value"] if "value" in names else None)
            self._sparql_cache[constraint] = rows
        return self._sparql_cache[constraint]


def _size(shape: Shape) -> int:
    """How many constraints a shape and its property shapes hold."""
    return len(shape.components) + sum(_size(p) for p in shape.properties)


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
