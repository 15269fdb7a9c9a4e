"""Import stage for standard organisation data: W3C ORG, CPOV, OWL-Time, schema.org, FOAF.

The files are read into a scratch store; the mappings of ``queries/mappings/`` (SPARQL
CONSTRUCT, run in file-name order, each one's answer added before the next runs) lift them into
the project's profile. The result is one source graph holding every statement of the input, as
it was, plus what the mappings derived from it; the graph describes its source document. The
:class:`ProfileReport` says, for each class and property of the input, how many triples used it
and which mappings read it: a term that no mapping reads is named, and kept as it is.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.paths import Path as RdflibPath
from rdflib.plugins.sparql import prepareQuery

from ..errors import InputError, QueryError
from ..layout import DEFAULT_BASE, ProjectLayout, compact
from ..queries import NamedQuery, load_query
from .source import GENERATED, RDF_TYPE, SKOLEM, SourceDocument, read_rdf, write_trig

BODY_TYPE = DEFAULT_BASE + "vocab/body-type/"


@dataclass(frozen=True)
class Mapping:
    """One mapping file: a CONSTRUCT query and the IRIs its WHERE clause reads."""

    query: NamedQuery
    reads: frozenset[str]

    @property
    def name(self) -> str:
        return self.query.header.get("mapping", self.query.name)

    @property
    def params(self) -> list[str]:
        text = self.query.header.get("params", "")
        return [part.split("(")[0].strip() for part in text.split(",") if part.strip()]


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


@dataclass(frozen=True)
class TermUse:
    """How the input used one class or property, and which mappings read it."""

    iri: str
    kind: str  # class | property
    triples: int
    mappings: tuple[str, ...]

    @property
    def understood(self) -> bool:
        return bool(self.mappings)


@dataclass
class ProfileReport:
    """What an import read, lifted and kept: per input term, its triples and its readers."""

    out_file: Path
    graph: str
    input_triples: int
    lifted_triples: int
    terms: list[TermUse] = field(default_factory=list)
    councils: list[str] = field(default_factory=list)

    @property
    def not_understood(self) -> list[TermUse]:
        return [t for t in self.terms if not t.understood]

    def to_text(self) -> str:
        lines = [f"imported {self.input_triples} triples into <{self.graph}>, "
                 f"{self.lifted_triples} more derived by the mappings",
                 f"  {self.out_file}", "", "profile of the input:",
                 f"  {'term':<46} {'kind':<9} {'triples':>7}  read by"]
        for t in self.terms:
            readers = ", ".join(t.mappings) or "no mapping: kept as it is, not understood"
            lines.append(f"  {compact(t.iri):<46} {t.kind:<9} {t.triples:>7}  {readers}")
        missing = self.not_understood
        lines.append("")
        if missing:
            lines.append(f"{len(missing)} terms no mapping reads: "
                         + ", ".join(compact(t.iri) for t in missing))
        else:
            lines.append("every term of the input is read by a mapping")
        if not self.councils:
            lines.append("no council named (--council IRI): the input's bodies are public "
                         "bodies of unspecified type, left out of coverage and typology")
        return "\n".join(lines) + "\n"


def _skolem(term):
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def _unskolem(term):
    if isinstance(term, ox.NamedNode) and term.value.startswith(SKOLEM):
        return ox.BlankNode(term.value[len(SKOLEM):])
    return term


def lift(triples: list[ox.Triple], mappings: list[Mapping],
         bindings: dict[str, list[dict[str, ox.NamedNode | ox.Literal]]]) -> set[ox.Triple]:
    """Run the mappings on the triples and return what they derive that the input does not
    state. ``bindings`` gives, for a mapping with parameters, one set of values per run; a
    mapping whose parameters are all optional runs once without them."""
    store = ox.Store()
    store.extend(ox.Quad(_skolem(t.subject), t.predicate, _skolem(t.object), ox.DefaultGraph())
                 for t in triples)
    stated = {ox.Triple(_skolem(t.subject), t.predicate, _skolem(t.object)) for t in triples}
    derived: set[ox.Triple] = set()
    for mapping in mappings:
        runs = bindings.get(mapping.name)
        if runs is None:
            required = [p for p in mapping.params
                        if "optional" not in mapping.query.header.get("params", "")]
            if required:
                continue  # nothing to bind: the mapping does not apply
            runs = [{}]
        for values in runs:
            try:
                answer = store.query(mapping.query.text, substitutions={
                    ox.Variable(k): v for k, v in values.items()} or None)
            except SyntaxError as exc:
                raise QueryError(f"mapping {mapping.query.path} is malformed: {exc}") from exc
            new = [t for t in answer if t not in stated and t not in derived]
            derived.update(new)
            store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                         for t in new)
    return {ox.Triple(_unskolem(t.subject), t.predicate, _unskolem(t.object)) for t in derived}


def profile(triples: list[ox.Triple], mappings: list[Mapping]) -> list[TermUse]:
    """Each class (object of ``rdf:type``) and property of the input, with its triple count
    and the mappings that read it, sorted by IRI."""
    properties = Counter(t.predicate.value for t in triples)
    classes = Counter(t.object.value for t in triples
                      if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode))
    uses = []
    for kind, counts in (("class", classes), ("property", properties)):
        for iri, n in counts.items():
            readers = tuple(m.name for m in mappings if iri in m.reads)
            uses.append(TermUse(iri, kind, n, readers))
    return sorted(uses, key=lambda u: (u.kind, u.iri))


def import_org(files: list[Path], source: SourceDocument, layout: ProjectLayout,
               out_dir: Path | None = None, councils: tuple[str, ...] = (),
               body_type: str = "ajuntament", lang: str | None = None) -> ProfileReport:
    """Lift ORG/CPOV/OWL-Time/schema.org/FOAF files into one source graph and write it to
    ``out_dir/<source slug>.trig`` (default ``data/imported/``), atomically.

    ``councils`` are IRIs of the input's organisations to type as public bodies of
    ``body_type`` (a ``body-type`` notation); ``lang`` is the language of names written without
    a language tag. Raises :class:`InputError` for unreadable input, a council the input does
    not mention, or an output that would replace curated data."""
    if not files:
        raise InputError("give at least one file to import")
    triples: list[ox.Triple] = []
    for index, path in enumerate(files):
        for t in read_rdf(path):  # blank nodes of different files stay apart
            triples.append(ox.Triple(_file_blank(t.subject, index), t.predicate,
                                     _file_blank(t.object, index)))
    if not triples:
        raise InputError("the files hold no statement", files[0])
    mentioned = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    for council in councils:
        if council not in mentioned:
            raise InputError(f"--council {council} is not the subject of any statement in the "
                             "input; give the IRI of the council as the file writes it")
    mappings = load_mappings(layout.queries_dir / "mappings")
    bindings: dict[str, list[dict]] = {}
    if councils:
        bindings["council"] = [{"council": ox.NamedNode(c),
                                "bodyType": ox.NamedNode(BODY_TYPE + body_type)}
                               for c in councils]
    if lang:
        bindings["names"] = [{"lang": ox.Literal(lang)}]
    derived = lift(triples, mappings, bindings)
    graph = source.graph()
    out = (out_dir or layout.data_dir / "imported") / f"{source.key}.trig"
    _refuse_curated(out, layout)
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in (*triples, *derived)]
    quads += source.quads()
    header = (f"{GENERATED} org, do not edit (import again instead)\n"
              f"from {', '.join(p.name for p in files)}; source: {source.url}")
    write_trig(out, quads, header)
    return ProfileReport(out, graph.value, len(set(triples)), len(derived),
                         profile(triples, mappings), list(councils))


def _file_blank(term, index: int):
    return ox.BlankNode(f"f{index}{term.value}") if isinstance(term, ox.BlankNode) else term


def _refuse_curated(out: Path, layout: ProjectLayout) -> None:
    """An import never overwrites a hand-curated file: it writes only into its own folder."""
    if out.exists():
        first = out.read_bytes()[:200]
        if GENERATED.encode() not in first:
            raise InputError("this file exists and was not written by an import; choose "
                             "another --out folder or --slug", out)

