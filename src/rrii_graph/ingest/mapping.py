"""Mappings: SPARQL CONSTRUCT files that lift outside data into the project's profile.

A folder of mappings (``queries/mappings/`` for ``rrii import org``,
``queries/wikidata/mappings/`` for ``rrii import wikidata``) runs in file-name order on a
scratch store holding the input, each mapping's answer added before the next runs, so that a
later mapping reads what an earlier one derived. Values are bound as a VALUES block. Blank
nodes of the input become RDF 1.1 skolem IRIs while the mappings run (so that a mapping can mint
an IRI from one) and blank nodes again afterwards; a mapping that needs a new blank node mints
a skolem IRI from a hash, which gives it a stable label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery

from ..errors import QueryError
from ..queries import NamedQuery, load_query, with_values
from .source import SKOLEM

_PARAM = re.compile(r"([A-Za-z]\w*)\s*(\([^)]*\))?")


@dataclass(frozen=True)
class Mapping:
    """One mapping file: a CONSTRUCT query and the IRIs its WHERE clause reads."""

    query: NamedQuery
    reads: frozenset[str]

    @property
    def name(self) -> str:
        return self.query.header.get("mapping", self.query.name)

    @property
    def required_params(self) -> list[str]:
        """The parameters of the ``# params:`` header not marked ``optional``: without values
        for them the mapping does not apply (it would match every resource)."""
        parts = _PARAM.findall(self.query.header.get("params", ""))
        return [name for name, note in parts if "optional" not in note]


def load_mappings(folder: Path) -> list[Mapping]:
    """The ``*.rq`` files of ``folder`` in name order, each a CONSTRUCT with a ``# mapping:``
    name; what each reads comes from its parsed query, not from a hand-kept list."""
    if not folder.is_dir():
        raise QueryError(f"mapping folder {folder} not found")
    mappings = []
    for path in sorted(folder.glob("*.rq")):
        query = load_query(path)
        if "mapping" not in query.header:
            raise QueryError(f"mapping {path} needs a '# mapping: NAME' header line")
        try:
            parsed = prepareQuery(query.text)
        except Exception as exc:  # pyparsing raises its own exception types
            raise QueryError(f"mapping {path} is malformed: {exc}") from exc
        if parsed.algebra.name != "ConstructQuery":
            raise QueryError(f"mapping {path} is not a CONSTRUCT query")
        mappings.append(Mapping(query, frozenset(_iris_read(parsed.algebra.p))))
    return mappings


def _iris_read(node) -> set[str]:
    """Every IRI in the query's pattern: the predicates and objects of its triple patterns and
    paths, and the values of its VALUES blocks (the CONSTRUCT template is not visited)."""
    found: set[str] = set()
    seen: set[int] = set()

    def walk(item) -> None:
        if id(item) in seen:
            return
        seen.add(id(item))
        if isinstance(item, URIRef):
            found.add(str(item))
        elif isinstance(item, RdflibPath):
            for value in vars(item).values():
                walk(value)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list | tuple | set | frozenset):
            for value in item:
                walk(value)

    walk(node)
    return found


def _skolem(term):
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def _unskolem(term):
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM):
        return ox.BlankNode(term.value[len(SKOLEM):])
    return term


def lift(triples: list[ox.Triple], mappings: list[Mapping],
         bindings: dict[str, list[dict[str, ox.NamedNode | ox.Literal]]]
         ) -> dict[str, set[ox.Triple]]:
    """Run the mappings on the triples and return, for each mapping by name, what it derived
    that the input and the earlier mappings do not state. ``bindings`` gives, for a mapping
    with parameters, one set of values per run; a mapping whose parameters are all optional
    runs once without them, and one with required parameters and no values does not run."""
    store = ox.Store()
    store.extend(ox.Quad(_skolem(t.subject), t.predicate, _skolem(t.object), ox.DefaultGraph())
                 for t in triples)
    stated = {ox.Triple(_skolem(t.subject), t.predicate, _skolem(t.object)) for t in triples}
    derived: set[ox.Triple] = set()
    by_mapping: dict[str, set[ox.Triple]] = {}
    for mapping in mappings:
        runs = bindings.get(mapping.name)
        if runs is None:
            if mapping.required_params:
                continue  # nothing to bind: the mapping does not apply
            runs = [{}]
        for values in runs:
            try:
                # a VALUES block, as for the named queries: a substitution does not reach
                # the expressions (BIND, FILTER) that use the value
                answer = store.query(with_values(mapping.query.text, values))
            except SyntaxError as exc:
                raise QueryError(f"mapping {mapping.query.path} is malformed: {exc}") from exc
            new = [t for t in answer if t not in stated and t not in derived]
            derived.update(new)
            by_mapping.setdefault(mapping.name, set()).update(
                ox.Triple(_unskolem(t.subject), t.predicate, _unskolem(t.object)) for t in new)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                         for t in new)
    return by_mapping
