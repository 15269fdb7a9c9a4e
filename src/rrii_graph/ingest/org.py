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

from ..errors import InputError
from ..layout import DEFAULT_BASE, ProjectLayout, compact
from .mapping import Mapping, lift, load_mappings
from .source import GENERATED, RDF_TYPE, SourceDocument, read_rdf, write_trig

BODY_TYPE = DEFAULT_BASE + "vocab/body-type/"


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
    derived = set().union(*lift(triples, mappings, bindings).values())
    graph = source.graph()
    out = (out_dir or layout.data_dir / "imported") / f"{source.key}.trig"
    quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in (*triples, *derived)]
    quads += source.quads()
    header = (f"{GENERATED} org, do not edit (import again instead)\n"
              f"from {', '.join(p.name for p in files)}; source: {source.url}")
    write_trig(out, quads, header)
    return ProfileReport(out, graph.value, len(set(triples)), len(derived),
                         profile(triples, mappings), list(councils))


def _file_blank(term, index: int):
    return ox.BlankNode(f"f{index}{term.value}") if isinstance(term, ox.BlankNode) else term
