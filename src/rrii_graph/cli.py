"""The ``rrii`` command: one subcommand per pipeline stage. It only calls the library, prints, and
turns the library's errors into exit codes (0 fine, 1 the data has Violations, 2 usage or input
errors)."""

from __future__ import annotations

import datetime
import json
import logging
import signal
import sys
import time
from pathlib import Path

import click

from . import __version__, messages
from .build import build as run_build
from .build import load_dataset, read_build, write_atomically
from .diagram import update_model_doc
from .errors import RriiError
from .ingest.municipalities import import_municipalities
from .ingest.org import import_org
from .ingest.source import CONFIDENCES, SourceDocument
from .ingest.survey import OTHER as OTHER_SHEET
from .ingest.survey import export_survey, import_survey
from .ingest.wikidata import import_wikidata
from .layout import DEFAULT_BASE, LANGUAGES, STUDY_DAY_COUNCILS, ProjectLayout
from .plots import PLOT_NAMES, named_plot
from .publish import publish_site
from .push import push_dataset
from .queries import (
    COVERAGE_DIMENSIONS,
    bind_params,
    council_coverage,
    get_query,
    load_queries,
    load_query,
    parse_param,
    run_named,
    run_remote,
)
from .report import build_report, write_report
from .serve import SiteServer
from .synth import synthesise
from .timing import LOGGER
from .typology import axis_order, classifications
from .typology import to_json as typology_json
from .typology import to_text as typology_text
from .validate import check_lang, validate_dataset

EXIT_VIOLATIONS = 1
EXIT_USAGE = 2


def _dataset(layout: ProjectLayout, data_dir: Path | None, build_dir: Path | None):
    """The dataset to work on: a data folder built in memory, or the built ``build/``."""
    if data_dir is not None:
        return load_dataset(layout, data_dir)
    return read_build(build_dir or layout.build_dir)


def _dataset_options(verb: str):
    """``--data DIR`` (a data folder built in memory) and ``--build-dir DIR`` (a built dataset,
    default ``build/``): where the command reads the graph it ``verb``s."""
    def decorate(func):
        func = click.option("--build-dir", type=click.Path(path_type=Path),
                            help=f"Built dataset to {verb} (default: build/).")(func)
        return click.option("--data", "data_dir", type=click.Path(path_type=Path),
                            help=f"{verb.capitalize()} this data folder (built in memory) "
                                 "instead of build/.")(func)
    return decorate


def _lang() -> str:
    """The language of the messages of a command without a --lang of its own: ``rrii --lang``
    (or ``RRII_LANG``)."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    return ((root.obj or {}).get("lang") if root is not None else None) or "en"


def _say(key: str, **values) -> str:
    return messages.text(f"cli.{key}", _lang(), **values)


def _fail(exc: Exception) -> None:
    click.echo(f"{_say('error')}: {exc}", err=True)
    sys.exit(EXIT_USAGE)


class _Commands(click.Group):
    """The command group: an error the library raises on purpose (:class:`RriiError`) ends any
    command with its message on standard error and exit status 2, in one place."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RriiError as exc:
            _fail(exc)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rrii")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print, on standard error, how long each part of a stage took "
                   "(each typology rule, each shape validated, the dumps).")
@click.option("--lang", "ui_lang", type=click.Choice(LANGUAGES), envvar="RRII_LANG",
              default="en", show_default=True,
              help="Language of what the commands print, where a command has no --lang of its "
                   "own (also RRII_LANG).")
@click.pass_context
def main(ctx: click.Context, verbose: bool, ui_lang: str) -> None:
    """rrii-graph: the knowledge graph of local government international relations."""
    ctx.obj = {"lang": ui_lang}
    if verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger, level = logging.getLogger(LOGGER), logging.getLogger(LOGGER).level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)

        def quiet() -> None:
            logger.removeHandler(handler)
            logger.setLevel(level)
        ctx.call_on_close(quiet)


@main.command()
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="Folder of TriG data files (default: the project's data/).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Where to write the dataset (default: build/).")
@click.option("--base-uri", default=DEFAULT_BASE, show_default=True,
              help="Base IRI to publish the project's own IRIs under.")
def build(data_dir: Path | None, out_dir: Path | None, base_uri: str) -> None:
    """Load ontology, vocabularies, shapes and data; write build/rrii.trig and build/rrii.nq."""
    layout = ProjectLayout.discover()
    started = time.perf_counter()
    dataset, result = run_build(layout, data_dir, out_dir, base_uri)
    kinds: dict[str, int] = {}
    for info in dataset.graphs.values():
        kinds[info["kind"]] = kinds.get(info["kind"], 0) + 1
    elapsed = time.perf_counter() - started
    click.echo(_say("built", quads=result.quads, graphs=result.graphs, seconds=f"{elapsed:.2f}",
                    kinds=", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))))
    click.echo(f"  {result.trig}\n  {result.nquads}\n  {result.manifest}")


@main.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="Language of the messages.")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "turtle")), default="text",
              show_default=True, help="Report format.")
@_dataset_options("validate")
@click.option("--out", "out_file", type=click.Path(path_type=Path),
              help="Write the report to this file instead of standard output.")
@click.option("--engine", type=click.Choice(("fast", "pyshacl")), default="fast",
              show_default=True,
              help="fast: the scalable engine (shapes it cannot check go to pySHACL); "
                   "pyshacl: the reference engine.")
@click.option("--workers", type=click.IntRange(min=1),
              help="Processes the fast engine shares the shapes among (default: one per core "
                   "for large datasets, one for small ones).")
def validate(lang: str, fmt: str, data_dir: Path | None, build_dir: Path | None,
             out_file: Path | None, engine: str, workers: int | None) -> None:
    """SHACL validation and ontology checks. Exit 0 without Violations, 1 with, 2 on errors."""
    check_lang(lang)
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    report = validate_dataset(dataset, layout.checks_dir, engine, workers)
    if fmt == "json":
        text = report.to_json(lang)
    elif fmt == "turtle":
        text = report.to_turtle()
    else:
        text = report.to_text(lang)
    if out_file is not None:
        out_file.write_text(text, encoding="utf-8")
        click.echo(messages.text("cli.validated", lang, violations=report.count("Violation"),
                                 warnings=report.count("Warning"), infos=report.count("Info"),
                                 out=out_file))
    else:
        click.echo(text, nl=False)
    sys.exit(0 if report.conforms else EXIT_VIOLATIONS)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the named queries and their questions.")
@click.option("--file", "query_file", type=click.Path(path_type=Path),
              help="Run an ad-hoc SPARQL SELECT query from this file.")
@click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a parameter declared in the query header (repeatable).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ca", show_default=True,
              help="Language of the labels (falls back to ca, en, any).")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json", "md")),
              default="table", show_default=True)
@click.option("--endpoint", help="Run against this remote SPARQL 1.1 query endpoint.")
@click.option("--default-graph-uri", "default_graph", metavar="IRI",
              help="With --endpoint: the graph holding the merge (for a store whose default "
                   "graph is the union of its graphs, such as Virtuoso; see docs/model.md).")
@click.option("--timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Seconds to wait for a remote endpoint.")
@_dataset_options("query")
def query(name: str | None, list_: bool, query_file: Path | None, params: tuple[str, ...],
          lang: str, fmt: str, endpoint: str | None, default_graph: str | None, timeout: int,
          data_dir: Path | None, build_dir: Path | None) -> None:
    """Run a named SPARQL query (or --file) on the graph or on a remote --endpoint."""
    layout = ProjectLayout.discover()
    if list_:
        for qname, named in sorted(load_queries(layout.queries_dir).items()):
            click.echo(f"{qname:28} {named.question}")
        return
    if (name is None) == (query_file is None):
        raise click.UsageError("give a query NAME or --file (and not both); see --list")
    named = load_query(query_file) if query_file else get_query(layout.queries_dir, name)
    pairs = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        pairs[key] = value
    if endpoint:
        table = run_remote(endpoint, named, bind_params(named, pairs, lang), timeout,
                           default_graph=default_graph)
    else:
        dataset = _dataset(layout, data_dir, build_dir)
        table = run_named(dataset.store(), named, pairs, lang, dataset.base_uri)
    out = {"csv": table.to_csv, "json": table.to_json, "md": table.to_markdown,
           "table": table.to_table}[fmt]()
    click.echo(out, nl=False)


@main.command()
@click.option("--lang", type=click.Choice(LANGUAGES), default="ca", show_default=True,
              help="Language of the labels.")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table",
              show_default=True)
@_dataset_options("read")
def coverage(lang: str, fmt: str, data_dir: Path | None, build_dir: Path | None) -> None:
    """What the graph knows about each council, dimension by dimension, and where it is thin."""
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    rows = council_coverage(dataset.store(), layout.queries_dir, lang, dataset.base_uri)
    if fmt == "json":
        body = [{"council": r.council, "label": r.label, "sources": r.sources, "thin": r.thin,
                 "unknown": r.unknown,
                 "dimensions": {d: r.dimension(d) or None for d in COVERAGE_DIMENSIONS},
                 "counts": r.counts} for r in rows]
        click.echo(json.dumps(body, indent=2, ensure_ascii=False))
        return
    def say(key: str, **values) -> str:
        return messages.text(f"coverage.{key}", lang, **values)

    width = max([len(r.label) for r in rows] + [len(say("council"))])
    head = "".join(f"{say(d):>15}" for d in COVERAGE_DIMENSIONS)
    click.echo(f"{say('council'):<{width}}{head}{say('sources'):>9}  {say('note')}")
    for r in rows:
        cells = "".join(f"{(str(r.dimension(d)) if r.dimension(d) else say('unknown')):>15}"
                        for d in COVERAGE_DIMENSIONS)
        if len(r.unknown) == len(COVERAGE_DIMENSIONS):
            note = say("nothing_known")
        elif r.thin:
            known = [say(d) for d in COVERAGE_DIMENSIONS if d not in r.unknown]
            note = say("thin", known=", ".join(known))
        else:
            note = say("unknown_dimensions", dimensions=", ".join(
                say(d) for d in r.unknown)) if r.unknown else ""
        click.echo(f"{r.label:<{width}}{cells}{r.sources:>9}  {note}")
    thin = sum(1 for r in rows if r.thin)
    click.echo("\n" + say("summary", councils=len(rows), thin=thin))


@main.command()
@click.argument("councils", nargs=-1)
@click.option("--lang", type=click.Choice(LANGUAGES), default="ca", show_default=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=Path("report.html"),
              show_default=True, help="Report file: .html (self-contained) or .md.")
@_dataset_options("read")
def compare(councils: tuple[str, ...], lang: str, out_file: Path, data_dir: Path | None,
            build_dir: Path | None) -> None:
    """The study day's comparison for COUNCILS (slugs such as ajuntament-terrassa, or IRIs;
    default: Terrassa, Granollers and Vilafranca del Penedès)."""
    if out_file.suffix not in (".html", ".md"):
        raise click.BadParameter("the report file must end in .html or .md", param_hint="--out")
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    report = build_report(dataset, layout, list(councils) or None, lang)
    path = write_report(report, out_file)
    count = len(report.councils)
    click.echo(messages.text("cli.compared_one" if count == 1 else "cli.compared", lang,
                             bodies=count, out=path))


@main.command()
@click.argument("councils", nargs=-1)
@click.option("--explain", is_flag=True,
              help="Print each value's reason and the sourced statements it rests on.")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ca", show_default=True)
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@_dataset_options("read")
def typology(councils: tuple[str, ...], explain: bool, lang: str, fmt: str,
             data_dir: Path | None, build_dir: Path | None) -> None:
    """The organisational model of each council (or of COUNCILS, slugs or IRIs) on every axis
    of the typology, as derived by the rules in queries/rules/."""
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    store, queries = dataset.store(), load_queries(layout.queries_dir)
    items = []
    for council in councils or (None,):
        iri = parse_param("council", council, dataset.base_uri).value if council else None
        found = classifications(store, queries, lang, iri, dataset.base_uri)
        if council and not found:
            raise RriiError(f"no classification for council {council!r}; "
                            "run 'rrii coverage' to see the councils the graph knows")
        items += found
    axes = axis_order(layout.rules_dir)
    if fmt == "json":
        click.echo(typology_json(items), nl=False)
    else:
        click.echo(typology_text(items, axes, explain, lang), nl=False)


@main.command()
@click.argument("name", type=click.Choice(PLOT_NAMES))
@click.argument("councils", nargs=-1)
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="Image file to write: .png or .svg.")
@click.option("--date", help="The organigram at this date (a year or YYYY-MM-DD).")
@click.option("--lang", type=click.Choice(LANGUAGES), default="ca", show_default=True)
@_dataset_options("read")
def plot(name: str, councils: tuple[str, ...], out_file: Path, date: str | None, lang: str,
         data_dir: Path | None, build_dir: Path | None) -> None:
    """Draw NAME (organigram, heatmap, networks, timeline) for COUNCILS (slugs or IRIs; default:
    the study day's three; the organigram draws the first)."""
    fmt = out_file.suffix.lstrip(".").lower()
    if fmt not in ("png", "svg"):
        raise click.BadParameter("the image file must end in .png or .svg", param_hint="--out")
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    queries = load_queries(layout.queries_dir)
    iris = [parse_param("council", c, dataset.base_uri).value
            for c in (councils or STUDY_DAY_COUNCILS)]
    image = named_plot(name, dataset.store(), queries, iris, lang, fmt, date,
                       dataset.base_uri)
    write_atomically(out_file, [image])
    click.echo(messages.text("cli.plotted", lang, name=name, out=out_file,
                             size=f"{len(image):,}"))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("site"),
              show_default=True, help="Folder to write the site to (replaced atomically).")
@click.option("--base-uri", help="Publish the IRIs under this base (default: the build's).")
@_dataset_options("publish")
def publish(out_dir: Path, base_uri: str | None, data_dir: Path | None,
            build_dir: Path | None) -> None:
    """Write the linked-open-data site: dumps, DCAT-AP catalogue, VoID, one page per resource
    in ca/es/en with its Turtle, JSON-LD and N-Triples, and content-negotiation configs."""
    layout = ProjectLayout.discover()
    if base_uri is not None:
        dataset = load_dataset(layout, data_dir, base_uri)
    else:
        dataset = _dataset(layout, data_dir, build_dir)
    started = time.perf_counter()
    result = publish_site(dataset, layout, out_dir)
    click.echo(_say("published", resources=result.resources, pages=result.pages,
                    files=result.files, megabytes=f"{result.bytes / 1e6:.1f}",
                    out=result.out_dir, seconds=f"{time.perf_counter() - started:.1f}"))


@main.command()
@click.option("--site", "site_dir", type=click.Path(path_type=Path), default=Path("site"),
              show_default=True, help="The folder rrii publish wrote.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--timeout", type=click.IntRange(1, 3600), default=30, show_default=True,
              help="Seconds a SPARQL query may run.")
@click.option("--limit", type=click.IntRange(1), default=10_000, show_default=True,
              help="Most results (rows or triples) a SPARQL answer carries.")
def serve(site_dir: Path, host: str, port: int, timeout: int, limit: int) -> None:
    """Serve the site with content negotiation and a read-only SPARQL endpoint at /sparql."""
    server = SiteServer(site_dir, host, port, timeout, limit).start()
    click.echo(_say("serving", site=site_dir, url=server.url))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop the Oxigraph server too
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@main.command()
@click.option("--endpoint", required=True,
              help="Graph Store HTTP Protocol URL, e.g. http://localhost:7878/store.")
@click.option("--auth", help="user:password for HTTP basic or digest authentication.")
@click.option("--merge-graph", metavar="IRI",
              help="Put the merge into this named graph instead of the default graph (for a "
                   "store whose Graph Store has no default graph, such as Virtuoso; query it "
                   "with --default-graph-uri IRI).")
@click.option("--timeout", type=click.IntRange(1, 3600), default=120, show_default=True)
@click.option("--no-default", is_flag=True,
              help="Do not replace the default graph with the merge of all graphs.")
@_dataset_options("push")
def push(endpoint: str, auth: str | None, merge_graph: str | None, timeout: int,
         no_default: bool, data_dir: Path | None, build_dir: Path | None) -> None:
    """Load the graph into a triple store, graph by graph (SPARQL 1.1 Graph Store Protocol)."""
    layout = ProjectLayout.discover()
    dataset = _dataset(layout, data_dir, build_dir)
    result = push_dataset(dataset, endpoint, timeout, auth, not no_default,
                          merge_graph=merge_graph)
    merge = (_say("pushed_merge_graph", graph=merge_graph) if merge_graph
             else _say("pushed_merge"))
    click.echo(_say("pushed", graphs=result.graphs, merge="" if no_default else merge,
                    triples=result.triples, endpoint=endpoint))


@main.group("import")
def import_() -> None:
    """Bring outside data in as source graphs: ORG/CPOV files, the council survey, the
    official municipality lists, Wikidata."""


def _source_options(func):
    """The options that describe the source document of an import."""
    options = [
        click.option("--source", "source_url", required=True,
                     help="Public address (URL) of the document the data comes from."),
        click.option("--title", help="Title of the source document (default: the file name)."),
        click.option("--title-lang", default="en", show_default=True,
                     help="Language of the title."),
        click.option("--publisher", help="IRI of the body that published the source."),
        click.option("--issued", help="Date the source was issued (YYYY-MM-DD)."),
        click.option("--seen", help="Date the source was read (YYYY-MM-DD; default today)."),
        click.option("--confidence", type=click.Choice(CONFIDENCES), default="alta",
                     show_default=True, help="How plainly the source states the data."),
        click.option("--slug", help="Name of the source graph and file (default: from --source)."),
        click.option("--out", "out_dir", type=click.Path(path_type=Path),
                     help="Folder to write the TriG file to (default: data/imported/)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _source(source_url: str, title: str | None, title_lang: str, publisher: str | None,
            issued: str | None, seen: str | None, confidence: str, slug: str | None,
            default_title: str) -> SourceDocument:
    return SourceDocument(url=source_url, title=title or default_title, title_lang=title_lang,
                          publisher=publisher, issued=issued,
                          seen=seen or datetime.date.today().isoformat(),
                          confidence=confidence, slug=slug)


@import_.command("org")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_source_options
@click.option("--council", "councils", multiple=True, metavar="IRI",
              help="An organisation of the files that is a council (repeatable).")
@click.option("--body-type", default="ajuntament", show_default=True,
              help="Body type (a body-type notation) of the --council organisations.")
@click.option("--lang", help="Language of the names the files write without a language tag.")
def import_org_command(files: tuple[Path, ...], source_url: str, title: str | None,
                       title_lang: str, publisher: str | None, issued: str | None,
                       seen: str | None, confidence: str, slug: str | None,
                       out_dir: Path | None, councils: tuple[str, ...], body_type: str,
                       lang: str | None) -> None:
    """Lift W3C ORG, CPOV, OWL-Time, schema.org or FOAF FILES (Turtle, TriG, N-Triples,
    RDF/XML, JSON-LD) into one source graph, and print what was understood."""
    layout = ProjectLayout.discover()
    source = _source(source_url, title, title_lang, publisher, issued, seen, confidence,
                     slug, files[0].name)
    report = import_org(list(files), source, layout, out_dir, councils, body_type, lang)
    click.echo(report.to_text(), nl=False)


@import_.command("municipalities")
@click.argument("file", type=click.Path(path_type=Path))
@_source_options
@click.option("--lang", type=click.Choice(("ca", "es")), default="ca", show_default=True,
              help="Language of the list's names.")
def import_municipalities_command(file: Path, source_url: str, title: str | None,
                                  title_lang: str, publisher: str | None, issued: str | None,
                                  seen: str | None, confidence: str, slug: str | None,
                                  out_dir: Path | None, lang: str) -> None:
    """Municipalities and their councils from an official list: INE's code dictionary
    (.xlsx), Idescat's or the Generalitat's municipality lists (.csv, .txt)."""
    layout = ProjectLayout.discover()
    source = _source(source_url, title, title_lang, publisher, issued, seen, confidence,
                     slug, file.name)
    result = import_municipalities(file, source, layout, out_dir, lang)
    for warning in result.warnings:
        click.echo(f"{_say('warning')}: {warning}", err=True)
    click.echo(_say("imported_municipalities", municipalities=result.municipalities,
                    matched=result.matched, graph=result.graph) + f"\n  {result.out_file}")


@import_.command("wikidata")
@click.option("--endpoint", required=True,
              help="SPARQL endpoint holding Wikidata (e.g. https://query.wikidata.org/sparql).")
@click.option("--council", "ine_codes", multiple=True, metavar="INE",
              help="INE code of a council's municipality (repeatable; default: every council "
                   "of the data folder with one).")
@click.option("--confidence", type=click.Choice(CONFIDENCES), default="mitjana",
              show_default=True)
@click.option("--date", "query_date", help="Day of the query (YYYY-MM-DD; default today).")
@click.option("--timeout", type=click.IntRange(1, 3600), default=60, show_default=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Folder to write wikidata.trig to (default: data/imported/).")
def import_wikidata_command(endpoint: str, ine_codes: tuple[str, ...], confidence: str,
                            query_date: str | None, timeout: int,
                            out_dir: Path | None) -> None:
    """Population, twinnings and memberships of the councils from Wikidata, matched by the
    INE code of their municipality (P772)."""
    layout = ProjectLayout.discover()
    result = import_wikidata(endpoint, layout,
                             query_date or datetime.date.today().isoformat(), ine_codes,
                             out_dir, confidence, timeout)
    for warning in result.warnings:
        click.echo(f"{_say('warning')}: {warning}", err=True)
    counts = ", ".join(f"{n} {k}" for k, n in result.statements.items())
    click.echo(_say("imported_wikidata", counts=counts, councils=len(result.graphs))
               + f"\n  {result.out_file}")


@import_.command("survey")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Folder to write the TriG file to (default: data/imported/).")
def import_survey_command(file: Path, out_dir: Path | None) -> None:
    """A filled council survey (templates/council-survey.xlsx) as source graphs. Every cell is
    checked first: on any error nothing is written."""
    layout = ProjectLayout.discover()
    result = import_survey(file, layout, out_dir)
    rows = ", ".join(f"{n} {sheet}" for sheet, n in result.rows.items() if n)
    click.echo(_say("imported_survey", statements=result.statements,
                    graphs=len(result.graphs), rows=rows) + f"\n  {result.out_file}")


@main.group("export")
def export() -> None:
    """Write what the graph holds in a form people fill in: the council survey."""


@export.command("survey")
@click.argument("council", required=False)
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="The workbook to write (.xlsx).")
@click.option("--data", "data_dir", type=click.Path(path_type=Path),
              help="Data folder to read (default: data/).")
def export_survey_command(council: str | None, out_file: Path, data_dir: Path | None) -> None:
    """The council survey workbook, filled from the graph for COUNCIL (an IRI, a prefixed name
    such as ib:ajuntament-terrassa, or a slug such as terrassa); blank without COUNCIL."""
    layout = ProjectLayout.discover()
    result = export_survey(layout, out_file, council, data_dir)
    if result.council is None:
        click.echo(_say("exported_blank") + f"\n  {result.out_file}")
        return
    rows = ", ".join(f"{n} {sheet}" for sheet, n in result.rows.items() if n)
    click.echo(_say("exported", statements=result.statements, council=result.council,
                    rows=rows, other=result.other, sheet=OTHER_SHEET)
               + f"\n  {result.out_file}")


@main.command()
@click.option("--councils", type=click.IntRange(1), required=True,
              help="How many synthetic councils.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True,
              help="Folder for the synthetic TriG files and manifest.json.")
@click.option("--period", type=click.IntRange(9), default=50, show_default=True,
              help="Every PERIOD-th council carries each kind of seeded violation.")
def synth(councils: int, seed: int, out_dir: Path, period: int) -> None:
    """Synthetic councils for scale tests (own namespace; never part of the curated graph).
    Build or validate them with --data OUT."""
    layout = ProjectLayout.discover()
    if out_dir.resolve() == layout.data_dir.resolve() or layout.data_dir.resolve() in \
            out_dir.resolve().parents:
        raise click.BadParameter("synthetic data never goes into data/", param_hint="--out")
    result = synthesise(councils, seed, out_dir, period)
    click.echo(_say("synthesised", councils=result.councils, quads=result.quads,
                    files=result.files, seeded=result.seeded, manifest=out_dir / "manifest.json"))


@main.command()
@click.option("--check", is_flag=True, help="Only report whether docs/model.md is up to date.")
def diagram(check: bool) -> None:
    """Regenerate the class diagram in docs/model.md from ontology/rrii.ttl."""
    layout = ProjectLayout.discover()
    current = update_model_doc(layout.ontology_file, layout.root / "docs" / "model.md",
                               write=not check)
    if current:
        click.echo("docs/model.md diagram is up to date")
    elif check:
        click.echo("docs/model.md diagram is out of date; run 'rrii diagram'", err=True)
        sys.exit(EXIT_VIOLATIONS)
    else:
        click.echo("docs/model.md diagram regenerated")


if __name__ == "__main__":  # pragma: no cover
    main()
