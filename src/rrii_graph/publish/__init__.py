"""Publish stage: turn the built dataset into a linked-open-data site.

``publish_site`` writes, into one folder:

- ``dumps/``: the graph in Turtle, N-Triples and JSON-LD (merged) and in TriG, N-Quads (with the
  source graphs), each also gzipped;
- ``catalog.ttl``/``.jsonld`` (DCAT-AP 3), ``void.ttl`` (also at ``.well-known/void``) and
  ``sparql-service.ttl`` (SPARQL service description), ``context.jsonld``;
- for every own IRI, its page in Catalan, Spanish and English and its description as Turtle,
  JSON-LD and N-Triples at the IRI's path; the ontology (``def``), each vocabulary
  (``vocab/<scheme>``) and each shapes file as their own documents;
- ``index``, ``queries`` and ``sparql`` pages, the named queries as ``queries/<name>.rq``;
- ``.htaccess`` (Apache) and ``nginx.conf``: content negotiation for the site under its base IRI.

Everything is written to a temporary folder beside the target, which then replaces the target in
one rename: an interrupted publish leaves the previous site as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader

from ..build import Dataset
from ..errors import InputError
from ..layout import LANGUAGES, NAMESPACES, ProjectLayout
from ..queries import load_queries
from ..terms import triple_order
from .catalogue import describe_dataset
from .conneg import REPRESENTATIONS
from .dumps import RESOURCE_SYNTAXES, SYNTAXES, context, dump_files, serialize
from .pages import SiteRenderer, graph_members, page_file
from .resources import description, index_dataset, site_path


@dataclass(frozen=True)
class PublishResult:
    out_dir: Path
    files: int
    pages: int
    resources: int
    bytes: int


def _site_files(dataset: Dataset, layout: ProjectLayout) -> tuple[dict[str, bytes], int, int]:
    """Relative path -> content of every file of the site; also the numbers of pages and
    resources."""
    base = dataset.base_uri
    shown = dataset.shown_quads()  # the display graphs go to the dumps only
    index = index_dataset(dataset, shown)
    renderer = SiteRenderer(index, graph_members(shown, base))
    queries = load_queries(layout.queries_dir)
    files: dict[str, bytes] = {}

    merged = dataset.merged_triples()
    dumps = dump_files(dataset.quads, merged, base)
    for name, data in dumps.items():
        files[f"dumps/{name}"] = data
    for name, triples in describe_dataset(layout, base, dumps, merged).items():
        for syntax in SYNTAXES:
            if syntax.extension in ("ttl", "jsonld"):
                files[f"{name}.{syntax.extension}"] = serialize(triples, syntax, base)
    files[".well-known/void"] = files["void.ttl"]
    files["context.jsonld"] = json.dumps(context(base), indent=1).encode() + b"\n"

    # Resources: hash IRIs live in their document (def, shapes); the rest have their own page.
    resources = index.resources()
    documents: dict[str, list[str]] = defaultdict(list)
    for iri in resources:
        if "#" in iri[len(base):]:
            documents[site_path(iri, base)].append(iri)
    graph_triples: dict[str, list] = defaultdict(list)
    for quad in shown:
        graph_triples[quad.graph_name.value].append(quad.triple)
    pages = 0
    for iri in resources:
        path = site_path(iri, base)
        if "#" in iri[len(base):] or path in documents or path == "index":
            continue
        for lang in LANGUAGES:
            files[page_file(path, lang)] = renderer.resource_page(iri, path, lang)
            pages += 1
        triples = graph_triples.get(iri) or description(index, iri)
        for syntax in RESOURCE_SYNTAXES:
            files[f"{path}.{syntax.extension}"] = serialize(triples, syntax, base)
    for path, terms in sorted(documents.items()):
        for lang in LANGUAGES:
            files[page_file(path, lang)] = renderer.document_page(path, sorted(terms), lang)
            pages += 1
        doc_iri = base + path
        triples = graph_triples.get(doc_iri) or sorted(
            {t for iri in [doc_iri, *terms] for t in description(index, iri)},
            key=triple_order)
        for syntax in RESOURCE_SYNTAXES:
            files[f"{path}.{syntax.extension}"] = serialize(triples, syntax, base)

    # the ontology's versioned IRI (owl:versionIRI, .../def/<version>) serves this version's
    # ontology in every RDF syntax (its HTML stays at def, the current version)
    for quad in dataset.store().quads_for_pattern(
            ox.NamedNode(base + "def"), ox.NamedNode(NAMESPACES["owl"] + "versionIRI"), None,
            ox.DefaultGraph()):
        if quad.object.value.startswith(base + "def/"):
            for syntax in RESOURCE_SYNTAXES:
                files[f"{site_path(quad.object.value, base)}.{syntax.extension}"] = \
                    files[f"def.{syntax.extension}"]
    for lang in LANGUAGES:
        files[page_file("index", lang)] = renderer.index_page(
            resources, sorted(dumps), lang)
        files[page_file("queries", lang)] = renderer.queries_page(queries, lang)
        files[page_file("sparql", lang)] = renderer.sparql_page(queries, lang)
        pages += 3
    for name, query in sorted(queries.items()):
        files[f"queries/{name}.rq"] = query.text.encode()
    files["style.css"] = (Path(__file__).resolve().parents[1] / "templates" / "site"
                          / "style.css").read_bytes()
    files.update(_server_configs(base))
    return files, pages, len(resources)


def _server_configs(base: str) -> dict[str, bytes]:
    env = Environment(loader=PackageLoader("rrii_graph", "templates"), autoescape=False,
                      keep_trailing_newline=True)
    parts = urlsplit(base)
    rules = [(ext, media) for ext, media in REPRESENTATIONS.items() if ext != "html"]
    values = {"base": base, "base_path": parts.path or "/", "host": parts.netloc,
              "rules": rules}
    return {".htaccess": env.get_template("site/htaccess.j2").render(**values).encode(),
            "nginx.conf": env.get_template("site/nginx.conf.j2").render(**values).encode()}


def publish_site(dataset: Dataset, layout: ProjectLayout, out_dir: Path) -> PublishResult:
    """Write the whole site to ``out_dir`` atomically (a temporary folder, then a rename)."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError("the site folder is a file; give a folder with --out", out_dir)
    files, pages, resources = _site_files(dataset, layout)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        for rel, data in sorted(files.items()):
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            os.chmod(target, 0o644)
        for folder in [staging, *staging.rglob("*")]:
            if folder.is_dir():
                os.chmod(folder, 0o755)
        if out_dir.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, retired / "site")
            try:
                os.replace(staging, out_dir)
            except BaseException:
                os.replace(retired / "site", out_dir)  # put the previous site back
                raise
            finally:
                shutil.rmtree(retired, ignore_errors=True)
        else:
            os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PublishResult(out_dir, len(files), pages, resources, sum(map(len, files.values())))
