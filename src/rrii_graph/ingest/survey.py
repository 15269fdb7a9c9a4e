"""Import and export stage for the council survey: a spreadsheet a council fills in to describe
its international relations, sheet by sheet along the dimensions of the study day.

The workbook's sheets and columns are declared in ``templates/council-survey.toml`` (see the
comments there); the drop-down lists come from the SKOS schemes of ``ontology/vocabularies/``
(``queries/survey/concepts.rq``). Every row names its source graph, and each source graph is a
row of the sheet "Sources" that cites its document.

- :func:`export_survey` writes the workbook: blank (the template), or filled with what the
  graph says about one council (the resources of ``queries/survey/council-scope.rq``, in the
  source graphs that state them). A statement no column holds goes to "Other statements".
- :func:`import_survey` reads a filled workbook into one TriG file of source graphs. Every cell
  is checked first; the errors name the sheet, the row, the column and what was expected, and
  nothing is written unless there is none.

Export then import gives back the council's statements (isomorphic graphs): every statement
either fills one cell or is one row of "Other statements".
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from ..build import Dataset, load_dataset, write_atomically
from ..errors import ConfigError, InputError
from ..layout import DEFAULT_BASE, LANGUAGE_TAG, LOCAL_NAME, ProjectLayout
from ..layout import Prefixes as BasePrefixes
from ..queries import load_query, run_select
from .source import GENERATED, RDF_TYPE, data_folder, slugify, sorted_quads, term, write_trig

SPEC_FILE = "council-survey.toml"
TEMPLATE_FILE = "council-survey.xlsx"
INSTRUCTIONS = "Instructions"
OTHER = "Other statements"
LISTS = "Lists"
SOURCES = "Sources"
SOURCE_GRAPH_KIND = "source graph"
OTHER_HEADERS = ("source", "subject", "property", "object kind", "object", "language",
                 "datatype")
OBJECT_KINDS = ("iri", "blank", "literal")
FIELD_KINDS = ("iri", "code", "text", "date", "integer", "period")
PERIOD_PARTS = (("from", term("dcat", "startDate")), ("to", term("dcat", "endDate")),
                ("date status", term("rrii", "dateStatus")))
DATE_STATUS_SCHEME = DEFAULT_BASE + "vocab/date-status"
XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = ox.NamedNode(XSD + "string")
XSD_INTEGER = ox.NamedNode(XSD + "integer")
DATE_FORMS = ((re.compile(r"^\d{4}-\d{2}-\d{2}$"), ox.NamedNode(XSD + "date")),
              (re.compile(r"^\d{4}-\d{2}$"), ox.NamedNode(XSD + "gYearMonth")),
              (re.compile(r"^\d{4}$"), ox.NamedNode(XSD + "gYear")))
INTEGER = re.compile(r"^-?(0|[1-9]\d{0,14})$")  # exact in a spreadsheet's numbers
IRI = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
BLANK_LABEL = re.compile(r"^_:[A-Za-z0-9_-]+$")
MAX_CELL = 32767  # characters a spreadsheet cell holds
VALIDATED_ROWS = 2000  # rows of each sheet that get the drop-down lists
FIXED_TIME = dt.datetime(2000, 1, 1)  # the workbook's dates, so that its bytes do not vary
MAX_ERRORS = 50


# --- The declaration of the workbook --------------------------------------------------------

class Prefixes(BasePrefixes):
    """The prefixed names a cell may hold (``iu:my-unit``), both ways."""

    def expand(self, text: str) -> ox.NamedNode:
        """The IRI a cell names; :class:`ValueError` with what is expected otherwise."""
        if IRI.match(text):
            return ox.NamedNode(text)
        found = super().expand(text)
        if found is not None:
            return ox.NamedNode(found)
        prefix, colon, _local = text.partition(":")
        if colon and prefix not in self.mapping and not text.startswith(("http:", "https:")):
            raise ValueError(f"the prefix {prefix!r} of {text!r} is not one of the survey's "
                             "(see the table in the sheet Instructions)")
        raise ValueError(f"{text!r} is neither a prefixed name such as iu:my-unit nor an "
                         "http(s) IRI")


@dataclass(frozen=True)
class Field:
    """One statement a row can make: a property and the kind of its value."""

    header: str
    prop: ox.NamedNode
    kind: str
    lang: str | None = None
    schemes: tuple[str, ...] = ()
    types: frozenset[ox.NamedNode] = frozenset()

    @property
    def headers(self) -> list[str]:
        if self.kind == "period":
            return [f"{self.header} {part}" for part, _ in PERIOD_PARTS]
        return [self.header]


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook: rows by subject (``kinds``) or by property (``prop``)."""

    name: str
    labels: dict[str, str]
    fields: tuple[Field, ...]
    kinds: dict[str, frozenset[ox.NamedNode]] = field(default_factory=dict)
    prop: ox.NamedNode | None = None

    @property
    def headers(self) -> list[str]:
        lead = ["id", "source"] if self.prop is not None else ["id", "kind", "source"]
        return lead + [h for f in self.fields for h in f.headers]


@dataclass(frozen=True)
class SurveySpec:
    prefixes: Prefixes
    instructions: dict[str, str]
    sheets: tuple[Sheet, ...]

    def kind_of(self, types: frozenset[ox.NamedNode]) -> tuple[Sheet, str] | None:
        """The sheet and kind of a resource with exactly these classes, if any."""
        for sheet in self.sheets:
            for kind, kind_types in sheet.kinds.items():
                if kind_types == types:
                    return sheet, kind
        return None


def load_spec(layout: ProjectLayout) -> SurveySpec:
    """Read ``templates/council-survey.toml``; a clear error for a slip in it."""
    path = layout.templates_dir / SPEC_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the survey declaration {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"the survey declaration is not valid TOML: {exc}", path) from exc
    prefixes = Prefixes(raw.get("prefixes", {}))

    def iri(text: str, where: str) -> ox.NamedNode:
        try:
            return prefixes.expand(text)
        except ValueError as exc:
            raise InputError(f"{where}: {exc}", path) from exc

    sheets: list[Sheet] = []
    seen_types: dict[frozenset, str] = {}
    for entry in raw.get("sheets", []):
        name = entry["name"]
        fields: list[Field] = []
        for item in entry["fields"]:
            where = f"sheet {name!r}, field {item.get('header')!r}"
            if item.get("kind") not in FIELD_KINDS:
                raise InputError(f"{where}: kind {item.get('kind')!r} is not one of "
                                 f"{', '.join(FIELD_KINDS)}", path)
            repeat = int(item.get("repeat", 1))
            for lang in item.get("langs", [None]):
                for n in range(1, repeat + 1):
                    header = item["header"]
                    if lang:
                        header += f" ({lang})"
                    if repeat > 1:
                        header += f" {n}"
                    fields.append(Field(
                        header=header, prop=iri(item["property"], where), kind=item["kind"],
                        lang=lang,
                        schemes=tuple(DEFAULT_BASE + "vocab/" + s for s in item.get("schemes", [])),
                        types=frozenset(iri(t, where) for t in item.get("types", []))))
        kinds = {k: frozenset(iri(t, f"sheet {name!r}, kind {k!r}") for t in v)
                 for k, v in entry.get("kinds", {}).items()}
        for kind, types in kinds.items():
            if types in seen_types:
                raise InputError(f"sheet {name!r}, kind {kind!r}: the same classes as "
                                 f"{seen_types[types]}", path)
            seen_types[types] = f"sheet {name!r}, kind {kind!r}"
        prop = iri(entry["property"], f"sheet {name!r}") if "property" in entry else None
        sheet = Sheet(name=name, labels={k: entry[k] for k in ("ca", "es", "en")},
                      fields=tuple(fields), kinds=kinds, prop=prop)
        if len(set(sheet.headers)) != len(sheet.headers):
            raise InputError(f"sheet {name!r} has two columns of one header", path)
        sheets.append(sheet)
    return SurveySpec(prefixes, dict(raw.get("instructions", {})), tuple(sheets))


@dataclass(frozen=True)
class Vocabulary:
    """The concepts of each SKOS scheme, with their names in ca, es and en."""

    concepts: dict[str, list[tuple[str, str, str, str]]]

    def members(self, schemes: Iterable[str]) -> set[str]:
        return {c[0] for s in schemes for c in self.concepts.get(s, [])}


def load_vocabulary(layout: ProjectLayout) -> Vocabulary:
    ontology = load_dataset(layout, include_data=False)
    result = run_select(ontology.store(),
                        load_query(layout.queries_dir / "survey" / "concepts.rq"))
    concepts: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for row in result.rows:
        concepts[row["scheme"].value].append(
            (row["concept"].value, *(row[k].value if row[k] is not None else ""
                                     for k in ("ca", "es", "en"))))
    return Vocabulary(dict(concepts))


# --- What the graph says about a council ----------------------------------------------------

def resolve_council(text: str, spec: SurveySpec) -> ox.NamedNode:
    """``ib:ajuntament-terrassa``, its IRI, ``ajuntament-terrassa`` or ``terrassa``."""
    try:
        return spec.prefixes.expand(text)
    except ValueError:
        pass
    slug = text if text.startswith("ajuntament-") else "ajuntament-" + text
    if not LOCAL_NAME.match(slug):
        raise InputError(f"{text!r} does not name a council; give its IRI, a prefixed name "
                         "such as ib:ajuntament-terrassa, or its slug (terrassa)")
    return ox.NamedNode(DEFAULT_BASE + "id/body/" + slug)


def council_statements(dataset: Dataset, layout: ProjectLayout,
                       council: ox.NamedNode) -> list[ox.Quad]:
    """The statements that describe the council: those of the resources of
    ``council-scope.rq``, of the graphs that state them and of their documents, with the blank
    nodes they lead to, in the data graphs that state them."""
    store = dataset.store()
    data = [ox.NamedNode(g) for g in dataset.graphs_of_kind("data")]
    if not any(next(store.quads_for_pattern(council, RDF_TYPE, term("cv", "PublicOrganisation"),
                                            g), None) for g in data):
        raise InputError(f"no council <{council.value}> in the data; 'rrii coverage' lists "
                         "the councils it holds")
    scope = run_select(store, load_query(layout.queries_dir / "survey" / "council-scope.rq"),
                       {"council": council})
    resources = {row["resource"] for row in scope.rows
                 if isinstance(row["resource"], ox.NamedNode)}
    quads: list[ox.Quad] = []
    for graph in data:
        if not any(next(store.quads_for_pattern(r, None, None, graph), None)
                   for r in resources):
            continue
        wanted = set(resources) | {graph}
        wanted |= {q.object for q in store.quads_for_pattern(
            graph, term("prov", "hadPrimarySource"), None, graph)}
        todo = list(wanted)
        done: set = set()
        while todo:
            subject = todo.pop()
            if subject in done:
                continue
            done.add(subject)
            for quad in store.quads_for_pattern(subject, None, None, graph):
                quads.append(quad)
                if isinstance(quad.object, ox.BlankNode):
                    todo.append(quad.object)
    return sorted_quads(quads)


# --- Export -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurveyExport:
    out_file: Path
    council: str | None
    rows: dict[str, int]
    other: int
    statements: int


class _Rows:
    """The statements of one export, laid out as the rows of the workbook's sheets."""

    def __init__(self, spec: SurveySpec, vocabulary: Vocabulary):
        self.spec = spec
        self.vocabulary = vocabulary
        self.sheets: dict[str, list[list]] = {s.name: [] for s in spec.sheets}
        self.other: list[tuple] = []

    def add_graph(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
        by_subject: dict = defaultdict(list)
        refs: dict = defaultdict(int)
        for quad in quads:
            by_subject[quad.subject].append(quad)
            if isinstance(quad.object, ox.BlankNode):
                refs[quad.object] += 1
        self._by_subject, self._refs = by_subject, refs
        self._referrers = {}
        consumed: set[ox.Quad] = set()
        g = self.spec.prefixes.compact(graph.value)
        named = sorted((s for s in by_subject if isinstance(s, ox.NamedNode)), key=str)
        for subject in named:
            own = by_subject[subject]
            types = frozenset(q.object for q in own
                              if q.predicate == RDF_TYPE and isinstance(q.object, ox.NamedNode))
            hit = self.spec.kind_of(types)
            if hit is None:
                continue
            sheet, kind = hit
            consumed.update(q for q in own if q.predicate == RDF_TYPE)
            row: list = [self.spec.prefixes.compact(subject.value), kind, g]
            for f in sheet.fields:
                row.extend(self._cells(f, own, consumed))
            self.sheets[sheet.name].append(row)
        for sheet in self.spec.sheets:
            if sheet.prop is None:
                continue
            (f,) = sheet.fields
            for subject in named:
                for quad in sorted((q for q in by_subject[subject]
                                    if q.predicate == sheet.prop and q not in consumed
                                    and self._fits(f, q.object)), key=lambda q: str(q.object)):
                    consumed.add(quad)
                    self.sheets[sheet.name].append(
                        [self.spec.prefixes.compact(subject.value), g,
                         *self._cell(f, quad.object)])
        self.other.extend((graph, q) for q in quads if q not in consumed)

    def _cells(self, f: Field, own: list[ox.Quad], consumed: set[ox.Quad]) -> list:
        candidates = [q for q in own if q.predicate == f.prop and q not in consumed
                      and self._fits(f, q.object)]
        if not candidates:
            return [None] * len(f.headers)
        quad = min(candidates, key=lambda q: self._key(q.object))
        consumed.add(quad)
        if f.kind == "period":
            consumed.update(self._by_subject[quad.object])
        return self._cell(f, quad.object)

    def _cell(self, f: Field, value) -> list:
        if f.kind in ("iri", "code"):
            return [self.spec.prefixes.compact(value.value)]
        if f.kind == "integer":
            return [int(value.value)]
        if f.kind == "period":
            parts = {q.predicate: q.object for q in self._by_subject[value]}
            return [None if p not in parts else
                    self.spec.prefixes.compact(parts[p].value) if part == "date status"
                    else parts[p].value for part, p in PERIOD_PARTS]
        return [value.value]

    def _fits(self, f: Field, value) -> bool:
        """Whether a cell of the field can hold the value exactly."""
        if f.kind == "iri":
            return isinstance(value, ox.NamedNode)
        if f.kind == "code":
            return isinstance(value, ox.NamedNode) and value.value in \
                self.vocabulary.members(f.schemes)
        if f.kind == "text":
            return (isinstance(value, ox.Literal) and _writable(value.value)
                    and (value.language == f.lang if f.lang else
                         value.language is None and value.datatype == XSD_STRING))
        if f.kind == "date":
            return _date_fits(value)
        if f.kind == "integer":
            return (isinstance(value, ox.Literal) and value.datatype == XSD_INTEGER
                    and bool(INTEGER.match(value.value)))
        return self._period_fits(f, value)

    def _period_fits(self, f: Field, node) -> bool:
        if not isinstance(node, ox.BlankNode) or self._refs[node] != 1:
            return False
        own = self._by_subject.get(node, [])
        types = frozenset(q.object for q in own if q.predicate == RDF_TYPE)
        if types != f.types:
            return False
        rest = [q for q in own if q.predicate != RDF_TYPE]
        parts = {p for _, p in PERIOD_PARTS}
        if len({q.predicate for q in rest}) != len(rest) or any(q.predicate not in parts
                                                                for q in rest):
            return False
        statuses = self.vocabulary.members([DATE_STATUS_SCHEME])
        return all(q.object.value in statuses if q.predicate == PERIOD_PARTS[2][1]
                   else _date_fits(q.object) for q in rest)

    def _key(self, value, depth: int = 0) -> str:
        """A sort key for a term; a blank node's tells what refers to it and what it says."""
        if isinstance(value, ox.BlankNode):
            if depth > 8:
                return "_"
            referrers = sorted(f"{self._key(q.subject, depth + 1)} {q.predicate}"
                               for q in self._referrers.get(value, []))
            return "_:" + "|".join(referrers) + "=>" + self._signature(value)
        return str(value)

    def _signature(self, node, depth: int = 0) -> str:
        """What a blank node says, as text: an order for blank nodes that does not hang on
        their labels, which change from one load to the next."""
        if depth > 8:
            return "_"
        return "|".join(sorted(
            f"{q.predicate} " + ("_:" + self._signature(q.object, depth + 1)
                                 if isinstance(q.object, ox.BlankNode) else str(q.object))
            for q in self._by_subject.get(node, [])))

    def other_rows(self) -> list[list]:
        """The statements no column holds, one per row, blank nodes labelled in order."""
        # one index over every graph's leftover statements, for the blank nodes' signatures
        self._by_subject = defaultdict(list)
        self._referrers = defaultdict(list)
        for _, quad in self.other:
            self._by_subject[quad.subject].append(quad)
            if isinstance(quad.object, ox.BlankNode):
                self._referrers[quad.object].append(quad)
        ordered = sorted(self.other, key=lambda gq: (str(gq[0]), self._key(gq[1].subject),
                                                str(gq[1].predicate), self._key(gq[1].object)))
        labels: dict[ox.BlankNode, str] = {}

        def label(node: ox.BlankNode) -> str:
            return labels.setdefault(node, f"_:b{len(labels) + 1}")

        rows = []
        compact = self.spec.prefixes.compact
        for graph, quad in ordered:
            s = label(quad.subject) if isinstance(quad.subject, ox.BlankNode) \
                else compact(quad.subject.value)
            o = quad.object
            if isinstance(o, ox.Literal):
                if not _writable(o.value):
                    raise InputError(f"the statement {quad} holds characters a spreadsheet "
                                     "cannot keep; it cannot be exported")
                datatype = None if o.language or o.datatype == XSD_STRING \
                    else compact(o.datatype.value)
                cells = ["literal", o.value, o.language, datatype]
            elif isinstance(o, ox.BlankNode):
                cells = ["blank", label(o), None, None]
            else:
                cells = ["iri", compact(o.value), None, None]
            rows.append([compact(graph.value), s, compact(quad.predicate.value), *cells])
        return rows


def _writable(text: str) -> bool:
    return len(text) <= MAX_CELL and not ILLEGAL_CHARACTERS_RE.search(text)


def _date_fits(value) -> bool:
    return isinstance(value, ox.Literal) and any(
        value.datatype == datatype and form.match(value.value) for form, datatype in DATE_FORMS)


def export_survey(layout: ProjectLayout, out: Path, council: str | None = None,
                  data_dir: Path | None = None) -> SurveyExport:
    """Write the survey workbook to ``out`` (atomically): blank, or filled with the council's
    statements from the data folder (``data_dir``, default ``data/``)."""
    spec = load_spec(layout)
    vocabulary = load_vocabulary(layout)
    rows = _Rows(spec, vocabulary)
    iri = None
    statements = 0
    if council is not None:
        iri = resolve_council(council, spec)
        dataset = load_dataset(layout, data_dir, derive=False)
        quads = council_statements(dataset, layout, iri)
        statements = len(quads)
        by_graph: dict = defaultdict(list)
        for quad in quads:
            by_graph[quad.graph_name].append(quad)
        for graph in sorted(by_graph, key=str):
            rows.add_graph(graph, by_graph[graph])
    other = rows.other_rows()
    for sheet in spec.sheets:
        rows.sheets[sheet.name].sort(key=lambda r: tuple("" if c is None else str(c) for c in r))
    write_atomically(out, [_workbook_bytes(spec, vocabulary, rows.sheets, other)])
    return SurveyExport(out, iri.value if iri else None,
                        {s: len(r) for s, r in rows.sheets.items()}, len(other), statements)


def _put(ws, row: int, column: int, value) -> None:
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    cell.alignment = Alignment(vertical="top", wrap_text=isinstance(value, str)
                               and len(value) > 40)


def _header(ws, headers: list[str]) -> None:
    for column, text in enumerate(headers, start=1):
        _put(ws, 1, column, text)
        ws.cell(row=1, column=column).font = Font(bold=True)
        ws.column_dimensions[get_column_letter(column)].width = max(14, min(40, len(text) + 4))
    ws.freeze_panes = "A2"


def _workbook_bytes(spec: SurveySpec, vocabulary: Vocabulary, sheets: dict[str, list[list]],
                    other: list[list]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _instructions(wb.create_sheet(INSTRUCTIONS), spec)
    lists = _lists(spec, vocabulary)
    for sheet in spec.sheets:
        ws = wb.create_sheet(sheet.name)
        _header(ws, sheet.headers)
        for r, row in enumerate(sheets[sheet.name], start=2):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    _put(ws, r, c, value)
        _validations(ws, sheet, lists, max(VALIDATED_ROWS, len(sheets[sheet.name]) + 1))
    ws = wb.create_sheet(OTHER)
    _header(ws, list(OTHER_HEADERS))
    for r, row in enumerate(other, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _put(ws, r, c, value)
    last = max(VALIDATED_ROWS, len(other) + 1)
    _list_validation(ws, "D", last, '"' + ",".join(OBJECT_KINDS) + '"')
    _list_validation(ws, "A", last, f"'{SOURCES}'!$A$2:$A${VALIDATED_ROWS * 4}")
    ws = wb.create_sheet(LISTS)
    for column, (name, codes) in enumerate(lists.items()):
        first = 4 * column + 1
        _header(ws, [])
        for offset, text in enumerate((name, "ca", "es", "en")):
            _put(ws, 1, first + offset, text)
            ws.cell(row=1, column=first + offset).font = Font(bold=True)
        for r, concept in enumerate(codes, start=2):
            for offset, value in enumerate(concept):
                _put(ws, r, first + offset, value)
    wb.properties.creator = "rrii-graph"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    # ExcelWriter rather than Workbook.save, which stamps the time of saving into the file
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _fixed_zip(buffer.getvalue())


def _instructions(ws, spec: SurveySpec) -> None:
    ws.column_dimensions["A"].width = 22
    for column in "BCD":
        ws.column_dimensions[column].width = 70
    _put(ws, 1, 1, "Instruccions · Instrucciones · Instructions")
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 3
    for lang in ("ca", "es", "en"):
        _put(ws, row, 1, lang)
        _put(ws, row, 2, spec.instructions.get(lang, ""))
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
    row += 1
    for c, text in enumerate(("sheet", "ca", "es", "en"), start=1):
        _put(ws, row, c, text)
        ws.cell(row=row, column=c).font = Font(bold=True)
    for sheet in spec.sheets:
        row += 1
        _put(ws, row, 1, sheet.name)
        for c, lang in enumerate(("ca", "es", "en"), start=2):
            _put(ws, row, c, sheet.labels[lang])
    row += 2
    for c, text in enumerate(("prefix", "namespace"), start=1):
        _put(ws, row, c, text)
        ws.cell(row=row, column=c).font = Font(bold=True)
    for prefix, ns in spec.prefixes.mapping.items():
        row += 1
        _put(ws, row, 1, prefix)
        _put(ws, row, 2, ns)


def _lists(spec: SurveySpec, vocabulary: Vocabulary) -> dict[str, list[tuple[str, ...]]]:
    """One list of codes per set of schemes a column draws from, with their names."""
    lists: dict[str, list[tuple[str, ...]]] = {}
    fields = [f for s in spec.sheets for f in s.fields if f.kind == "code"]
    fields.append(Field("date status", PERIOD_PARTS[2][1], "code",
                        schemes=(DATE_STATUS_SCHEME,)))
    for f in fields:
        name = _list_name(f.schemes)
        if name not in lists:
            lists[name] = [(spec.prefixes.compact(c[0]), *c[1:])
                           for s in f.schemes for c in vocabulary.concepts.get(s, [])]
    return lists


def _list_name(schemes: tuple[str, ...]) -> str:
    return " + ".join(s.rsplit("/", 1)[-1] for s in schemes)


def _validations(ws, sheet: Sheet, lists: dict[str, list], last: int) -> None:
    names = list(lists)
    if sheet.prop is None:
        _list_validation(ws, "B", last, '"' + ",".join(sheet.kinds) + '"')
    source_column = "B" if sheet.prop is not None else "C"
    _list_validation(ws, source_column, last,
                     f"'{SOURCES}'!$A$2:$A${VALIDATED_ROWS * 4}")
    column = 3 if sheet.prop is not None else 4
    for f in sheet.fields:
        schemes = f.schemes if f.kind == "code" else None
        for offset, _ in enumerate(f.headers):
            if f.kind == "period" and offset == 2:
                schemes = (DATE_STATUS_SCHEME,)
            if schemes:
                index = names.index(_list_name(schemes))
                letter = get_column_letter(4 * index + 1)
                size = len(lists[names[index]]) + 1
                _list_validation(ws, get_column_letter(column + offset), last,
                                 f"'{LISTS}'!${letter}$2:${letter}${size}")
        column += len(f.headers)


def _list_validation(ws, letter: str, last: int, formula: str) -> None:
    validation = DataValidation(
        type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
        errorTitle="rrii",
        error="Trieu un valor de la llista · Elija un valor de la lista · "
              "Choose a value from the list")
    validation.add(f"{letter}2:{letter}{last}")
    ws.add_data_validation(validation)


def _fixed_zip(data: bytes) -> bytes:
    """The workbook with its archive's dates fixed: the same content gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


# --- Import -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SurveyImport:
    out_file: Path
    graphs: list[str]
    statements: int
    rows: dict[str, int]


class _CellError(ValueError):
    pass


class _Reader:
    """Turns the rows of a filled workbook into quads, collecting every problem it meets."""

    def __init__(self, spec: SurveySpec, vocabulary: Vocabulary):
        self.spec = spec
        self.vocabulary = vocabulary
        self.errors: list[str] = []
        self.quads: list[ox.Quad] = []
        self.blanks: dict[str, ox.BlankNode] = {}
        self.sources_used: list[tuple[str, ox.NamedNode]] = []  # (where, graph)
        self.source_graphs: dict[ox.NamedNode, bool] = {}  # graph -> cites a document
        self.rows: dict[str, int] = {}

    def problem(self, sheet: str, row: int, column: int, header: str, message: str) -> None:
        self.errors.append(f"sheet {sheet!r}, row {row}, column {get_column_letter(column)} "
                           f"({header}): {message}")

    def read(self, wb) -> None:
        for sheet in self.spec.sheets:
            self._sheet(wb, sheet.name, sheet.headers,
                        lambda r, cells, s=sheet: self._subject_row(s, r, cells))
        self._sheet(wb, OTHER, list(OTHER_HEADERS), self._other_row)
        for where, graph in self.sources_used:
            if graph not in self.source_graphs:
                self.errors.append(f"{where}: the source {self.spec.prefixes.compact(graph.value)}"
                                   f" is not a row of kind '{SOURCE_GRAPH_KIND}' in the sheet "
                                   f"{SOURCES!r}; add it there, citing its document")
        for graph, cites in self.source_graphs.items():
            if not cites:
                self.errors.append(f"sheet {SOURCES!r}: the source graph "
                                   f"{self.spec.prefixes.compact(graph.value)} cites no "
                                   "document; fill its column 'primary source'")

    def _sheet(self, wb, name: str, headers: list[str], read_row) -> None:
        if name not in wb.sheetnames:
            self.errors.append(f"sheet {name!r} is missing; fill in the survey template "
                               "(templates/council-survey.xlsx, or 'rrii export survey')")
            return
        ws = wb[name]
        count = 0
        for r, row in enumerate(ws.iter_rows(), start=1):
            values = []
            for c, cell in enumerate(row, start=1):
                if getattr(cell, "data_type", None) == "f":
                    self.problem(name, r, c, headers[c - 1] if c <= len(headers) else "-",
                                 f"holds the formula {cell.value!r}; write its value instead "
                                 "(a text that starts with = must be a text cell)")
                    values.append(None)
                else:
                    values.append(cell.value)
            cells = values + [None] * (len(headers) - len(values))
            if r == 1:
                for c, expected in enumerate(headers, start=1):
                    if cells[c - 1] != expected:
                        self.problem(name, 1, c, expected,
                                     f"the header is {cells[c - 1]!r}, expected {expected!r}; "
                                     "keep the template's columns as they are")
                for c in range(len(headers) + 1, len(cells) + 1):
                    if cells[c - 1] not in (None, ""):
                        self.problem(name, 1, c, str(cells[c - 1]),
                                     "the template has no such column; move what it holds to "
                                     f"the sheet {OTHER!r}")
                if any(e.startswith(f"sheet {name!r}, row 1,") for e in self.errors):
                    return
                continue
            cells = [None if isinstance(v, str) and not v.strip() else v for v in cells]
            if all(v is None for v in cells[:len(headers)]):
                continue
            for c in range(len(headers) + 1, len(cells) + 1):
                if cells[c - 1] is not None:
                    self.problem(name, r, c, "-", "a value outside the template's columns")
            count += 1
            read_row(r, cells[:len(headers)])
        self.rows[name] = count

    def _subject_row(self, sheet: Sheet, r: int, cells: list) -> None:
        headers = sheet.headers
        bad = len(self.errors)

        def get(column: int, parse, required: bool = False):
            value = cells[column - 1]
            if value is None:
                if required:
                    self.problem(sheet.name, r, column, headers[column - 1],
                                 "is empty; every row needs it")
                return None
            try:
                return parse(value)
            except _CellError as exc:
                self.problem(sheet.name, r, column, headers[column - 1], str(exc))
                return None

        subject = get(1, self._iri, True)
        if sheet.prop is None:
            kind = get(2, lambda v: self._choice(v, list(sheet.kinds)), True)
            graph = get(3, self._iri, True)
            column = 4
        else:
            kind, graph = None, get(2, self._iri, True)
            column = 3
        if graph is not None:
            self.sources_used.append((f"sheet {sheet.name!r}, row {r}", graph))
        quads: list[tuple] = []
        if kind is not None:
            quads += [(RDF_TYPE, t) for t in sorted(sheet.kinds[kind], key=str)]
        for f in sheet.fields:
            if f.kind == "period":
                parts = [get(column + i, self._date if part != "date status"
                             else lambda v: self._code(v, (DATE_STATUS_SCHEME,)))
                         for i, (part, _) in enumerate(PERIOD_PARTS)]
                if any(p is not None for p in parts):
                    node = ox.BlankNode()
                    quads.append((f.prop, node))
                    quads += [(RDF_TYPE, t, node) for t in sorted(f.types, key=str)]
                    quads += [(p, value, node) for (_, p), value
                              in zip(PERIOD_PARTS, parts, strict=True) if value is not None]
            else:
                value = get(column, lambda v, f=f: self._value(f, v))
                if value is not None:
                    quads.append((f.prop, value))
            column += len(f.headers)
        if len(self.errors) > bad or subject is None or graph is None:
            return
        if sheet.name == SOURCES and kind == SOURCE_GRAPH_KIND:
            cites = any(p == term("prov", "hadPrimarySource") for p, *_ in quads)
            self.source_graphs[subject] = self.source_graphs.get(subject, False) or cites
        for item in quads:
            s = item[2] if len(item) == 3 else subject
            self.quads.append(ox.Quad(s, item[0], item[1], graph))

    def _other_row(self, r: int, cells: list) -> None:
        bad = len(self.errors)
        terms = []
        for column, parse in enumerate((self._iri, self._subject, self._iri), start=1):
            try:
                if cells[column - 1] is None:
                    raise _CellError("is empty; every statement needs it")
                terms.append(parse(cells[column - 1]))
            except _CellError as exc:
                self.problem(OTHER, r, column, OTHER_HEADERS[column - 1], str(exc))
        try:
            obj = self._object(cells[3:])
        except _CellError as exc:
            column, message = exc.args
            self.problem(OTHER, r, column, OTHER_HEADERS[column - 1], message)
            obj = None
        if len(self.errors) > bad:
            return
        self.sources_used.append((f"sheet {OTHER!r}, row {r}", terms[0]))
        self.quads.append(ox.Quad(terms[1], terms[2], obj, terms[0]))

    # cell parsers: each returns a term or raises _CellError with what is expected

    def _text(self, value) -> str:
        if isinstance(value, bool) or not isinstance(value, str):
            raise _CellError(f"expected text, found the {type(value).__name__} {value!r}; "
                             "format the cell as text (a code written as a number loses its "
                             "leading zeros)")
        return value

    def _iri(self, value) -> ox.NamedNode:
        try:
            return self.spec.prefixes.expand(self._text(value).strip())
        except ValueError as exc:
            raise _CellError(str(exc)) from exc

    def _subject(self, value):
        text = self._text(value).strip()
        if BLANK_LABEL.match(text):
            return self.blanks.setdefault(text, ox.BlankNode())
        return self._iri(text)

    def _choice(self, value, choices: list[str]) -> str:
        text = self._text(value).strip()
        if text not in choices:
            raise _CellError(f"{text!r} is not one of: {', '.join(choices)}")
        return text

    def _code(self, value, schemes: tuple[str, ...]) -> ox.NamedNode:
        iri = self._iri(value)
        if iri.value not in self.vocabulary.members(schemes):
            raise _CellError(f"{self._text(value).strip()!r} is not a concept of "
                             f"{_list_name(schemes)}; choose a code of that list in the sheet "
                             f"{LISTS!r}")
        return iri

    def _date(self, value) -> ox.Literal:
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                raise _CellError(f"{value} has a time of day; write the date alone")
            value = value.date()
        if isinstance(value, dt.date):
            return ox.Literal(value.isoformat(), datatype=DATE_FORMS[0][1])
        if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
            value = str(value)
        text = self._text(value).strip() if not isinstance(value, str) else value.strip()
        for form, datatype in DATE_FORMS:
            if form.match(text):
                try:
                    dt.date.fromisoformat((text + "-01-01")[:10])
                except ValueError:
                    break
                return ox.Literal(text, datatype=datatype)
        raise _CellError(f"{text!r} is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")

    def _integer(self, value) -> ox.Literal:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and INTEGER.match(value.strip()):
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            raise _CellError(f"expected a whole number, found {value!r}")
        return ox.Literal(str(value), datatype=XSD_INTEGER)

    def _value(self, f: Field, value):
        if f.kind == "iri":
            return self._iri(value)
        if f.kind == "code":
            return self._code(value, f.schemes)
        if f.kind == "date":
            return self._date(value)
        if f.kind == "integer":
            return self._integer(value)
        return ox.Literal(self._text(value), language=f.lang) if f.lang \
            else ox.Literal(self._text(value))

    def _object(self, cells: list):
        kind, text, language, datatype = cells
        if kind is None:
            raise _CellError(4, "is empty; write iri, blank or literal")
        if kind not in OBJECT_KINDS:
            raise _CellError(4, f"{kind!r} is not one of: {', '.join(OBJECT_KINDS)}")
        if text is None:
            raise _CellError(5, "is empty; every statement needs an object")
        if kind != "literal" and (language is not None or datatype is not None):
            raise _CellError(6 if language is not None else 7,
                             "only a literal has a language or a datatype")
        try:
            if kind == "iri":
                return self._iri(text)
            if kind == "blank":
                label = self._text(text).strip()
                if not BLANK_LABEL.match(label):
                    raise _CellError(f"{label!r} is not a blank node label such as _:b1")
                return self.blanks.setdefault(label, ox.BlankNode())
        except _CellError as exc:
            raise _CellError(5, str(exc)) from exc
        value = str(text) if isinstance(text, int) and not isinstance(text, bool) else text
        try:
            value = self._text(value)
        except _CellError as exc:
            raise _CellError(5, str(exc)) from exc
        if language is not None:
            if datatype is not None:
                raise _CellError(7, "a literal has a language or a datatype, not both")
            if not isinstance(language, str) or not LANGUAGE_TAG.match(language):
                raise _CellError(6, f"{language!r} is not a language tag such as ca")
            return ox.Literal(value, language=language)
        if datatype is not None:
            try:
                return ox.Literal(value, datatype=self._iri(datatype))
            except _CellError as exc:
                raise _CellError(7, str(exc)) from exc
        return ox.Literal(value)


def read_survey(path: Path, layout: ProjectLayout) -> tuple[list[ox.Quad], dict[str, int]]:
    """The quads a filled workbook states, and its rows per sheet; an :class:`InputError`
    listing every problem (sheet, row, column, what is expected) otherwise."""
    spec = load_spec(layout)
    vocabulary = load_vocabulary(layout)
    try:
        wb = load_workbook(path, read_only=True)
    except FileNotFoundError as exc:
        raise InputError("file not found", path) from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"not a spreadsheet workbook (.xlsx) that can be read ({exc}); fill "
                         "in templates/council-survey.xlsx", path) from exc
    try:
        reader = _Reader(spec, vocabulary)
        reader.read(wb)
    finally:
        wb.close()
    if reader.errors:
        shown = reader.errors[:MAX_ERRORS]
        more = len(reader.errors) - len(shown)
        raise InputError(f"{len(reader.errors)} problem(s); nothing was written:\n  "
                         + "\n  ".join(shown) + (f"\n  ... and {more} more" if more else ""),
                         path)
    if not reader.quads:
        raise InputError("the survey is empty; fill in at least the sheet Sources and one "
                         "other sheet", path)
    return sorted_quads(reader.quads), reader.rows


def import_survey(path: Path, layout: ProjectLayout, out_dir: Path | None = None,
                  base_uri: str = DEFAULT_BASE) -> SurveyImport:
    """Read a filled survey and write its source graphs as one TriG file
    (``out_dir/survey-<name>.trig``, default ``data/imported/``), atomically; nothing is
    written if any cell is wrong."""
    quads, rows = read_survey(path, layout)
    out = (out_dir or layout.data_dir / "imported") / f"survey-{slugify(path.stem)}.trig"
    graphs = sorted({q.graph_name.value for q in quads})
    _check_graphs_are_new(layout, out, graphs)
    write_trig(out, quads, f"{GENERATED} survey, do not edit (import again instead)\n"
                           f"from {path.name}", base_uri)
    return SurveyImport(out, graphs, len(quads), rows)


def _check_graphs_are_new(layout: ProjectLayout, out: Path, graphs: list[str]) -> None:
    """A survey's source graphs may not be ones another file of the data folder defines (a
    survey exported from the graph and imported back into it would define them twice)."""
    try:
        out.resolve().relative_to(layout.data_dir.resolve())
    except ValueError:
        return
    existing = data_folder(layout)
    if existing is None:
        return
    target = str(out.resolve())
    taken = [(g, existing.graphs[g]["source"]) for g in graphs if g in existing.graphs
             and str((layout.root / existing.graphs[g]["source"]).resolve()) != target]
    if taken:
        listed = "; ".join(f"<{g}> in {src}" for g, src in taken[:5])
        raise InputError(f"the survey's source graphs are already in the data folder ({listed}"
                         f"{'; ...' if len(taken) > 5 else ''}); give them new names in the "
                         "survey, or import it with --out outside data/", out)
