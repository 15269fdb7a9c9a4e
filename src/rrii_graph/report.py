"""The comparison report: the study day's comparison for any set of councils, section by section
(institutional structure, functions, functioning, internal organisation, resources, type of
managing unit), built from the named queries only. Every cell that states a fact links to its
source; what no source gives is written "unknown", never zero or blank.

The report is a small view model (:class:`Report`) rendered to one self-contained HTML file
(charts inline as data URIs) with Jinja2, or to Markdown."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape

from . import messages, plots
from .build import Dataset, write_atomically
from .errors import QueryError
from .layout import STUDY_DAY_COUNCILS, ProjectLayout
from .queries import ResultTable, load_queries, parse_param, run_named


def t(key: str, lang: str) -> str:
    """The report's text ``key`` in ``lang`` (the message catalogue's section ``report``)."""
    return messages.text(f"report.{key}", lang)


def header(key: str, lang: str) -> str:
    """The heading of a named query's column in ``lang``; the column's name when it has none."""
    name = f"report.headers.{key}"
    return messages.text(name, lang) if messages.has(name) else key


@dataclass
class Cell:
    text: str
    href: str | None = None
    unknown: bool = False


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass
class Figure:
    alt: str
    data_uri: str


@dataclass
class Section:
    key: str
    title: str
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Report:
    title: str
    lang: str
    councils: list[str]
    sections: list[Section]


def _png(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


class _Runner:
    def __init__(self, store: ox.Store, layout: ProjectLayout, lang: str, base_uri: str):
        self.store, self.lang, self.base_uri = store, lang, base_uri
        self.queries = load_queries(layout.queries_dir)

    def run(self, name: str, **params: str) -> ResultTable:
        if name not in self.queries:
            raise QueryError(f"the report needs the named query {name!r}, missing from queries/")
        return run_named(self.store, self.queries[name], params, self.lang, self.base_uri)


def _cell(value: str | None, lang: str, href: str | None = None) -> Cell:
    if value is None or value == "":
        return Cell(t("unknown", lang), unknown=True)
    return Cell(value, href)


def _table(caption: str, result: ResultTable, keys: list[str], lang: str,
           source_key: str | None = "source") -> Table:
    columns = [header(k, lang) for k in keys]
    table = Table(caption, columns + ([t("source", lang)] if source_key else []))
    seen = set()
    for row in result.rows:
        cells = [_cell(row.get(k), lang) for k in keys]
        signature = tuple(c.text for c in cells)
        if signature in seen:
            continue
        seen.add(signature)
        if source_key:
            href = row.get(source_key)
            cells.append(Cell(t("source", lang), href) if href else _cell(None, lang))
        table.rows.append(cells)
    return table


def build_report(dataset: Dataset, layout: ProjectLayout, councils: list[str] | None = None,
                 lang: str = "ca") -> Report:
    """Run the named queries for each council and assemble the report's view model."""
    runner = _Runner(dataset.store(), layout, lang, dataset.base_uri)
    slugs = list(councils or STUDY_DAY_COUNCILS)
    iris = [parse_param("council", s, dataset.base_uri).value for s in slugs]
    coverage = {r["council"]: r for iri in iris for r in runner.run("coverage", council=iri).rows}
    missing = [s for s, iri in zip(slugs, iris, strict=True) if iri not in coverage]
    if missing:
        raise QueryError(f"no council {', '.join(missing)} in the graph; "
                         "run 'rrii coverage' to see the councils it knows")
    names = [coverage[iri]["label"] for iri in iris]
    per = {iri: {} for iri in iris}
    for name in ("units-by-council", "portfolio-and-unit", "unit-timeline", "function-matrix",
                 "functions-outside-ir-unit", "plans", "network-memberships", "twinnings",
                 "projects", "resources", "organisational-model"):
        for iri in iris:
            per[iri][name] = runner.run(name, council=iri)

    def merged(name: str) -> ResultTable:
        first = per[iris[0]][name]
        return ResultTable(first.columns, [r for iri in iris for r in per[iri][name].rows],
                           [t for iri in iris for t in per[iri][name].datatypes])

    sections: list[Section] = []

    programme = runner.run("study-day-programme")
    sections.append(Section("programme", t("programme", lang), [
        _table(t("programme", lang), programme,
               ["position", "time", "title", "topics", "presenters"], lang, source_key=None)]))

    structure = Section("structure", t("structure", lang))
    structure.tables.append(_table(
        t("structure", lang), merged("units-by-council"),
        ["councilLabel", "unitLabel", "rank", "parentLabel", "start", "end"], lang))
    structure.tables.append(_table(
        t("structure", lang), merged("portfolio-and-unit"),
        ["councilLabel", "postLabel", "holder", "unitLabel", "head", "postStart"], lang))
    sections.append(structure)

    timeline = Section("timeline", t("timeline", lang))
    rows = merged("unit-timeline")
    events = plots.timeline_events(rows.rows)
    if events:
        timeline.figures.append(Figure(t("timeline", lang), _png(
            plots.institutionalisation_timeline(events, t("timeline", lang)))))
    timeline.tables.append(_table(t("timeline", lang), rows,
                                  ["councilLabel", "event", "label", "start", "end", "dateStatus"],
                                  lang))
    sections.append(timeline)

    functions = Section("functions", t("functions", lang))
    matrix = merged("function-matrix")
    fnames, cells, unknown = plots.heatmap_data(matrix.rows, names)
    heat = Table(t("functions", lang), [header("councilLabel", lang)] + fnames)
    for n in names:
        row = [Cell(n)]
        for f in fnames:
            if n in unknown:
                row.append(Cell(t("unknown", lang), unknown=True))
            else:
                src = cells.get((n, f))
                row.append(Cell("✓", src) if src else Cell("–"))
        heat.rows.append(row)
    functions.tables.append(heat)
    if fnames:
        functions.figures.append(Figure(t("functions", lang), _png(plots.function_heatmap(
            names, fnames, {k: True for k in cells}, unknown, t("functions", lang),
            t("unknown", lang)))))
    sections.append(functions)

    functioning = Section("functioning", t("functioning", lang))
    functioning.tables.append(_table("plans", merged("plans"),
                                     ["councilLabel", "title", "typeLabel", "start", "end"], lang))
    networks = merged("network-memberships")
    functioning.tables.append(_table("networks", networks,
                                     ["councilLabel", "networkLabel", "roleLabel", "via", "start"],
                                     lang))
    counts = {n: len({r["network"] for r in networks.rows if r["councilLabel"] == n})
              for n in names}
    functioning.figures.append(Figure("networks", _png(plots.network_memberships(
        names, counts, t("unknown", lang), t("functioning", lang)))))
    functioning.tables.append(_table("twinnings", merged("twinnings"),
                                     ["councilLabel", "partnerLabel", "countryLabel", "kindLabel",
                                      "start"], lang))
    functioning.tables.append(_table("projects", merged("projects"),
                                     ["councilLabel", "projectLabel", "programmeLabel", "start",
                                      "end"], lang))
    sections.append(functioning)

    organisation = Section("organisation", t("organisation", lang))
    organisation.tables.append(_table(
        t("organisation", lang), merged("functions-outside-ir-unit"),
        ["councilLabel", "holderLabel", "kind", "functionLabel"], lang))
    sections.append(organisation)

    resources = Section("resources", t("resources", lang))
    resources.tables.append(_table(
        t("resources", lang), merged("resources"),
        ["councilLabel", "aboutLabel", "measureLabel", "value", "year", "per10000"], lang))
    sections.append(resources)

    model = Section("model", t("model", lang))
    model.tables.append(_table(t("model", lang), merged("units-by-council"),
                               ["councilLabel", "unitLabel", "placementType"], lang))
    model.tables.append(_table(t("model", lang), merged("organisational-model"),
                               ["councilLabel", "axisLabel", "featureLabel"], lang,
                               source_key=None))
    sections.append(model)

    keys = ["units", "posts", "functions", "memberships", "twinnings", "plans", "projects",
            "resources", "sources"]
    cov = Table(t("coverage", lang), [t("councils", lang)] + keys)
    for iri, n in zip(iris, names, strict=True):
        r = coverage[iri]
        cov.rows.append([Cell(n)] + [
            Cell(r[k]) if r[k] not in ("0", None) else Cell(t("unknown", lang), unknown=True)
            for k in keys])
    sections.append(Section("coverage", t("coverage", lang), [cov]))
    return Report(t("title", lang), lang, names, sections)


def render_html(report: Report) -> str:
    env = Environment(loader=PackageLoader("rrii_graph", "templates"),
                      autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report.html.j2").render(report=report)


def render_markdown(report: Report) -> str:
    def text(cell: Cell) -> str:
        value = cell.text.replace("|", "\\|")
        return f"[{value}]({cell.href})" if cell.href else value

    lines = [f"# {report.title}", "", ", ".join(report.councils), ""]
    for section in report.sections:
        lines += [f"## {section.title}", ""]
        for table in section.tables:
            if not table.rows:
                continue
            lines.append("| " + " | ".join(table.columns) + " |")
            lines.append("|" + "|".join("---" for _ in table.columns) + "|")
            lines += ["| " + " | ".join(text(c) for c in row) + " |" for row in table.rows]
            lines.append("")
    return "\n".join(lines) + "\n"


def write_report(report: Report, out: Path) -> Path:
    """Write HTML (``.html``) or Markdown (``.md``) atomically."""
    body = render_markdown(report) if out.suffix == ".md" else render_html(report)
    write_atomically(out, [body.encode("utf-8")])
    return out
