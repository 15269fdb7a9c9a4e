"""Build stage: load the ontology, vocabularies, shapes and curated data into one RDF dataset.

Every source file becomes one or more named graphs: the ontology, each vocabulary and each shapes
file get a graph named after them; each TriG file under ``data/`` brings its own named graphs (one
per source document). The merged dataset is written to ``build/`` as TriG and N-Quads, sorted and
with blank-node labels derived from the file they come from, so that the same input always gives
the same bytes. Nothing is written unless every file parses.

The embedded store is pyoxigraph; rdflib stays the interop API (pySHACL, the SPARQL parser). How
the two compare on this project's work is what ``make bench`` measures.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from .errors import BuildMissingError, InputError
from .labels import KIND as DISPLAY_KIND
from .labels import add_display_labels
from .layout import DEFAULT_BASE, GRAPH, ProjectLayout, check_base_uri, prefixes
from .timing import report, timed
from .typology import derive_typology, typology_graph

DATASET_TRIG = "rrii.trig"
DATASET_NQUADS = "rrii.nq"
MANIFEST = "manifest.json"

XSD_ANYURI = "http://www.w3.org/2001/XMLSchema#anyURI"
MERGE_DEFAULT_GRAPH = Path(__file__).parent / "sparql" / "merge-default-graph.ru"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    """One hand-edited source file and the graph it loads into (``None``: the file names its
    own graphs, as TriG data files do)."""

    path: Path
    kind: str  # ontology | imports | vocabulary | shapes | data
    graph: str | None = None


class Dataset:
    """The merged dataset, held in an in-memory pyoxigraph store: every named graph, and as the
    default graph their RDF merge (each triple once). ``graphs`` gives each named graph's kind
    and source file.

    Queries run on the default graph; pyoxigraph's union-of-graphs mode would match a triple once
    per graph that states it, and our entities are restated in many source graphs. The merge is
    made inside the store (``sparql/merge-default-graph.ru``), rather than by adding each triple
    again from Python.

    No stage that must scale keeps a list of every quad: the build parses one file at a time
    into the store, the typology rules, validation and the named queries read the store, and
    writing the build sorts one graph at a time. :attr:`quads`, the sorted list of all of them,
    is made only when a stage asks for it (publishing, pushing, the reference validator)."""

    def __init__(self, quads: Iterable[ox.Quad] = (),
                 graphs: dict[str, dict[str, str]] | None = None,
                 base_uri: str = DEFAULT_BASE, *, store: ox.Store | None = None,
                 merged_size: int | None = None):
        """``quads`` (in any order, repeats allowed) are added to ``store`` (a new one by
        default), which must hold named graphs only; then the default graph is filled. With
        ``merged_size``, the quads already hold the merge as their default graph (as a build's
        N-Quads file does) and ``merged_size`` of them are in named graphs."""
        store = store if store is not None else ox.Store()
        store.extend(quads)
        if merged_size is not None:
            self._size = merged_size
        else:
            if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
                    None) is not None:
                raise ValueError("a dataset's quads are all in named graphs")
            self._size = len(store)
            with timed(log, "build", "merge into the default graph") as details:
                store.update(MERGE_DEFAULT_GRAPH.read_text(encoding="utf-8"))
                details["quads"] = self._size
        self._store = store
        self._quads: list[ox.Quad] | None = None
        self.graphs = dict(graphs or {})
        self.base_uri = base_uri

    def __len__(self) -> int:
        """The number of quads in the named graphs (the merge is not counted)."""
        return self._size

    def graphs_of_kind(self, *kinds: str) -> list[str]:
        return sorted(g for g, info in self.graphs.items() if info["kind"] in kinds)

    def store(self) -> ox.Store:
        """The store every stage shares (see the class)."""
        return self._store

    @property
    def quads(self) -> list[ox.Quad]:
        """Every quad of the named graphs, sorted by graph, subject, predicate and object (as
        text), as the build writes them. Made on first use."""
        if self._quads is None:
            self._quads = list(ox.parse(b"".join(self.nquads()), format=ox.RdfFormat.N_QUADS))
        return self._quads

    def nquads(self, clock: dict[str, float] | None = None) -> Iterator[bytes]:
        """The named graphs as N-Quads, one chunk per graph, sorted by graph, subject,
        predicate and object (as text): the same input gives the same bytes. ``clock``, if
        given, adds up the seconds spent dumping (``dump``) and sorting (``sort``)."""
        for graph in self._named_graphs():
            tail = b" " + str(graph).encode() + b" .\n"
            yield b"".join(line[:-2] + tail for line in self._sorted_lines(graph, clock))

    def default_nquads(self, clock: dict[str, float] | None = None) -> bytes:
        """The merged default graph (each triple of the named graphs once) as N-Quads lines
        without a graph name, sorted: what a store that loads a dump puts in its default graph,
        so that the named queries answer there as they do here."""
        return b"".join(line + b"\n" for line in self._sorted_lines(ox.DefaultGraph(), clock))

    def merged_triples(self) -> list[ox.Triple]:
        """The merged default graph's triples, in the order of :meth:`default_nquads` (the
        display graphs of :mod:`rrii_graph.labels` are not part of it)."""
        return list(ox.parse(self.default_nquads(), format=ox.RdfFormat.N_TRIPLES))

    def shown_quads(self) -> list[ox.Quad]:
        """:attr:`quads` without the display graphs: the statements a page or a description
        shows as data."""
        display = set(self.graphs_of_kind(DISPLAY_KIND))
        return [q for q in self.quads if q.graph_name.value not in display]

    def triples(self, graphs: Iterable[str]) -> Iterator[ox.Triple]:
        """The triples of the named graphs ``graphs`` (IRIs or blank-node labels), in the order
        of :meth:`nquads`."""
        wanted = set(graphs)
        for graph in self._named_graphs():
            if graph.value in wanted:
                yield from ox.parse(b"\n".join(self._sorted_lines(graph)),
                                    format=ox.RdfFormat.N_TRIPLES)

    def _named_graphs(self) -> list[ox.NamedNode | ox.BlankNode]:
        return sorted(self._store.named_graphs(), key=str)

    def _sorted_lines(self, graph: ox.NamedNode | ox.BlankNode,
                      clock: dict[str, float] | None = None) -> list[bytes]:
        """The graph's triples as N-Triples lines, sorted as bytes: the order of the terms'
        text, subject first (each N-Triples term ends in a character that sorts after the space
        between terms, and UTF-8 keeps the order of code points)."""
        start = time.perf_counter()
        lines = self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines()
        sorting = time.perf_counter()
        lines.sort()
        if clock is not None:
            clock["dump"] = clock.get("dump", 0.0) + sorting - start
            clock["sort"] = clock.get("sort", 0.0) + time.perf_counter() - sorting
        return lines

    def add_derived(self, graph: str, info: dict[str, str]) -> None:
        """Record a derived graph that a stage has added to the store (to its named graph, and to
        the default graph if it belongs to the merge)."""
        if graph in self.graphs:
            raise ValueError(f"the dataset already has the graph <{graph}>")
        self.graphs[graph] = info
        self._size += sum(1 for _ in self._store.quads_for_pattern(
            None, None, None, ox.NamedNode(graph)))
        self._quads = None


@dataclass(frozen=True)
class BuildResult:
    trig: Path
    nquads: Path
    manifest: Path
    quads: int
    graphs: int


def asset_files(layout: ProjectLayout, base_uri: str = DEFAULT_BASE) -> list[SourceFile]:
    """The ontology, its imports, the vocabularies and the shapes, each with its graph IRI."""
    files = [SourceFile(layout.ontology_file, "ontology", base_uri + "def")]
    for path in sorted(layout.imports_dir.glob("*.ttl")):
        files.append(SourceFile(path, "imports", f"{base_uri}def/{path.stem}"))
    for path in sorted(layout.vocabularies_dir.glob("*.ttl")):
        files.append(SourceFile(path, "vocabulary", f"{base_uri}vocab/{path.stem}"))
    for path in sorted(layout.shapes_dir.glob("*.ttl")):
        files.append(SourceFile(path, "shapes", f"{base_uri}shapes/{path.stem}"))
    return files


# RDF files that a data folder may not hold as they are: their triples have no source graph.
# ``rrii import org`` lifts such a file into the project's profile, as TriG with source graphs.
FOREIGN_RDF = {".ttl": "Turtle", ".nt": "N-Triples", ".nq": "N-Quads", ".rdf": "RDF/XML",
               ".owl": "RDF/XML", ".xml": "RDF/XML", ".jsonld": "JSON-LD", ".n3": "N3"}


def data_files(data_dir: Path) -> list[SourceFile]:
    """Every TriG file below ``data_dir``, in a stable order.

    Nothing is skipped without a word: an RDF file in another syntax, a folder or file that
    cannot be read, or an entry named ``*.trig`` that is not a regular file raises
    :class:`InputError` naming it, and so does a folder that holds no TriG file at all."""
    if not data_dir.is_dir():
        raise InputError("data folder not found; pass an existing folder with --data", data_dir)
    found: list[Path] = []

    def unreadable(exc: OSError) -> None:
        raise InputError(f"cannot read this folder ({exc.strerror}); fix its permissions or "
                         "move it out of the data folder", exc.filename)

    for folder, subfolders, names in os.walk(data_dir, onerror=unreadable, followlinks=False):
        subfolders.sort()
        for name in sorted(names):
            path = Path(folder) / name
            suffix = path.suffix.lower()
            if suffix == ".trig":
                _check_data_file(path)
                found.append(path)
            elif suffix in FOREIGN_RDF:
                raise InputError(
                    f"this {FOREIGN_RDF[suffix]} file would be left out: a data folder holds "
                    "TriG files whose facts sit in the named graph of their source. Lift it "
                    "with 'rrii import org FILE --source URL' (it writes such a TriG file), or "
                    "move it out of the data folder", path)
    if not found:
        raise InputError("no TriG data file (*.trig) in this folder, so there is nothing to "
                         "build or validate; pass the folder that holds the data with --data",
                         data_dir)
    return [SourceFile(p, "data") for p in sorted(found)]


def _check_data_file(path: Path) -> None:
    """A data file must be a readable regular file (a FIFO would block the build forever)."""
    try:
        info = path.stat()
    except OSError as exc:
        reason = "a link to nothing" if path.is_symlink() else exc.strerror
        raise InputError(f"cannot read the file ({reason}); fix or remove it", path) from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError("not a regular file; a data file must be a TriG file", path)
    if not os.access(path, os.R_OK):
        raise InputError("cannot read the file (permission denied); fix its permissions",
                         path)


def rebase_term(term, base_uri: str):
    """Move an IRI (or an xsd:anyURI literal, as in sh:declare) from the default base to
    ``base_uri``; anything else is returned as it is."""
    if isinstance(term, ox.NamedNode):
        if term.value.startswith(DEFAULT_BASE):
            return ox.NamedNode(base_uri + term.value[len(DEFAULT_BASE):])
    elif isinstance(term, ox.Literal):
        if term.datatype.value == XSD_ANYURI and term.value.startswith(DEFAULT_BASE):
            return ox.Literal(base_uri + term.value[len(DEFAULT_BASE):], datatype=term.datatype)
    return term


def _file_key(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve())
    except ValueError:
        rel = path
    return hashlib.sha1(str(rel).encode()).hexdigest()[:10]


def parse_file(source: SourceFile, root: Path, base_uri: str = DEFAULT_BASE) -> list[ox.Quad]:
    """Parse one source file into quads. Blank nodes get labels derived from the file's path and
    their order of appearance, so they are stable from build to build.

    Raises :class:`InputError` naming the file, line and column of a syntax error, or the subject
    of a data triple that sits outside any named graph."""
    is_trig = source.path.suffix == ".trig"
    fmt = ox.RdfFormat.TRIG if is_trig else ox.RdfFormat.TURTLE
    target = rebase_term(ox.NamedNode(source.graph), base_uri) if source.graph else None
    prefix = "f" + _file_key(source.path, root) + "x"
    labels: dict[str, ox.BlankNode] = {}

    def relabel(term):
        if isinstance(term, ox.BlankNode):
            found = labels.get(term.value)
            if found is None:
                found = ox.BlankNode(f"{prefix}{len(labels)}")
                labels[term.value] = found
            return found
        if base_uri != DEFAULT_BASE:
            return rebase_term(term, base_uri)
        return term

    quads: list[ox.Quad] = []
    try:
        for quad in ox.parse(path=str(source.path), format=fmt):
            graph = quad.graph_name
            if target is not None:
                if not isinstance(graph, ox.DefaultGraph):
                    raise InputError(
                        "named graphs are not allowed here; ontology, vocabulary and shapes files "
                        "are plain Turtle",
                        source.path,
                    )
                graph = target
            elif isinstance(graph, ox.DefaultGraph):
                raise InputError(
                    f"the triple about {quad.subject} is outside any named graph; put every fact "
                    f"in the GRAPH of the source document it comes from ({GRAPH}...)",
                    source.path,
                )
            else:
                graph = relabel(graph)
            quads.append(
                ox.Quad(relabel(quad.subject), relabel(quad.predicate), relabel(quad.object),
                        graph)
            )
    except SyntaxError as exc:
        raise syntax_error(exc, "TriG" if is_trig else "Turtle", source.path) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", source.path) from exc
    return quads


def syntax_error(exc: SyntaxError, syntax: str, path: Path) -> InputError:
    """The parser's error as an :class:`InputError` naming the file, line and column."""
    reason = str(exc.msg if hasattr(exc, "msg") else exc).split(": ", 1)[-1]
    return InputError(f"malformed {syntax}: {reason}; fix the syntax there", path,
                      exc.lineno, exc.offset)


@contextmanager
def no_gc():
    """Pause Python's cyclic garbage collector while millions of small term objects are made:
    they hold no cycles, and each collection would walk all of them (40% of the time at a few
    thousand councils)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load_dataset(
    layout: ProjectLayout,
    data_dir: Path | None = None,
    base_uri: str = DEFAULT_BASE,
    include_data: bool = True,
    derive: bool = True,
) -> Dataset:
    """Parse every asset and data file into one sorted, deduplicated dataset (no network access).
    With ``derive``, the typology rules of ``queries/rules/`` then add the derived classification
    in its own graph (with data; see :mod:`rrii_graph.typology`), and the display labels are
    chosen (see :mod:`rrii_graph.labels`)."""
    with no_gc():
        return _load_dataset(layout, data_dir, base_uri, include_data, derive)


def _load_dataset(layout: ProjectLayout, data_dir: Path | None, base_uri: str,
                  include_data: bool, derive: bool) -> Dataset:
    check_base_uri(base_uri)
    sources = asset_files(layout)
    if include_data:
        sources += data_files(data_dir if data_dir is not None else layout.data_dir)
    graphs: dict[str, dict[str, str]] = {}
    store = ox.Store()
    parsing = adding = 0.0
    for source in sources:
        rel = _relative(source.path, layout.root)
        start = time.perf_counter()
        quads = parse_file(source, layout.root, base_uri)
        parsing += time.perf_counter() - start
        for name in {quad.graph_name.value for quad in quads}:
            info = graphs.setdefault(name, {"kind": source.kind, "source": rel})
            if info["source"] != rel and source.kind == "data":
                raise InputError(
                    f"graph <{name}> is already defined in {info['source']}; each source graph "
                    "lives in one file",
                    source.path,
                )
        start = time.perf_counter()
        store.extend(quads)  # one file at a time: no list of the whole dataset is kept
        adding += time.perf_counter() - start
    report(log, "build", "parsing the files", parsing, files=len(sources))
    report(log, "build", "adding to the store", adding)
    dataset = Dataset(graphs=graphs, base_uri=base_uri, store=store)
    if derive:
        if include_data:
            add_typology(dataset, layout)
        add_display_labels(dataset)
    return dataset


def add_typology(dataset: Dataset, layout: ProjectLayout) -> None:
    """Run the typology rules of ``queries/rules/`` on the dataset's store and add what they
    derive, in its own graph, to the dataset (and its store)."""
    with no_gc():
        derive_typology(dataset.store(), layout.rules_dir, dataset.base_uri)
        with timed(log, "typology", "counting the derived quads"):
            dataset.add_derived(typology_graph(dataset.base_uri),
                                {"kind": "derived",
                                 "source": _relative(layout.rules_dir, layout.root)})


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary handle on a temporary file beside ``path``, renamed over ``path`` when the block
    ends without error: a reader never sees a half-written file, and a failure leaves the
    previous file in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``path`` atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as handle:
        for chunk in chunks:
            handle.write(chunk)


def write_build(dataset: Dataset, out_dir: Path) -> BuildResult:
    """Write the dataset as N-Quads and TriG plus a manifest of its graphs, each file atomically
    (a temporary file, then a rename). Both dumps stream: the N-Quads come sorted from the
    store graph by graph, and the TriG is written from the N-Quads file as it is read."""
    trig = out_dir / DATASET_TRIG
    nquads = out_dir / DATASET_NQUADS
    manifest = out_dir / MANIFEST
    clock: dict[str, float] = {}
    with timed(log, "write", "N-Quads file"):
        # the merge first, as the default graph, then each named graph (see docs/model.md,
        # "Loading the dumps elsewhere")
        write_atomically(nquads, chain((dataset.default_nquads(clock),),
                                       dataset.nquads(clock)))
    report(log, "write", "N-Quads file: N-Triples from the store", clock.get("dump", 0.0))
    report(log, "write", "N-Quads file: sorting the lines", clock.get("sort", 0.0))
    with timed(log, "write", "TriG file"), atomic_output(trig) as handle:
        handle.write(b"# generated by rrii build from ontology/ and data/: do not edit\n")
        ox.serialize(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS), handle,
                     ox.RdfFormat.TRIG, prefixes=prefixes(dataset.base_uri))
    body = {
        "base_uri": dataset.base_uri,
        "quads": len(dataset),
        "graphs": {g: dataset.graphs[g] for g in sorted(dataset.graphs)},
    }
    write_atomically(
        manifest, [json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True).encode() + b"\n"]
    )
    return BuildResult(trig, nquads, manifest, len(dataset), len(dataset.graphs))


def build(
    layout: ProjectLayout,
    data_dir: Path | None = None,
    out_dir: Path | None = None,
    base_uri: str = DEFAULT_BASE,
) -> tuple[Dataset, BuildResult]:
    """Load everything and write ``build/``. Nothing is written if any file fails to parse."""
    dataset = load_dataset(layout, data_dir, base_uri)
    result = write_build(dataset, out_dir if out_dir is not None else layout.build_dir)
    return dataset, result


def read_build(build_dir: Path) -> Dataset:
    """Load a dataset that ``rrii build`` wrote (into the store, quad by quad as the N-Quads
    file is read)."""
    nquads = build_dir / DATASET_NQUADS
    manifest = build_dir / MANIFEST
    if not nquads.is_file() or not manifest.is_file():
        raise BuildMissingError(
            f"no built dataset in {build_dir}; run 'rrii build' first"
        )
    try:
        info = json.loads(manifest.read_text(encoding="utf-8"))
        with no_gc():
            # the file's default graph is the merge (the display graphs stay out of it)
            return Dataset(ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS),
                           graphs=info["graphs"], base_uri=info["base_uri"],
                           merged_size=int(info["quads"]))
    except (SyntaxError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"the built dataset is damaged ({exc}); run 'rrii build' again",
                         build_dir) from exc


def iter_triples(dataset: Dataset, kinds: Iterable[str]) -> Iterator[ox.Triple]:
    """The triples of every graph of the given kinds, in dataset order."""
    return dataset.triples(dataset.graphs_of_kind(*kinds))
