"""rrii publish on fixtures: dumps that load back into the same graph, a DCAT-AP catalogue, VoID,
one well-formed page per resource whose internal links all resolve, escaped labels, content
negotiation configs, determinism, and an atomic replace that survives a failure."""

from __future__ import annotations

import gzip
import hashlib
import posixpath
import re
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from rrii_graph.build import load_dataset
from rrii_graph.cli import main
from rrii_graph.publish import publish_site
from tests.conftest import BASE, DATA, fixture_folder

XSS = DATA / "publish" / "xss.trig"
BODY = "https://w3id.org/rrii/id/body/"
HREF = re.compile(r'(?:href|src)="([^"]*)"')


@pytest.fixture(scope="module")
def world(layout, tmp_path_factory):
    folder = fixture_folder(tmp_path_factory.mktemp("publish"), BASE, XSS)
    return load_dataset(layout, folder)


@pytest.fixture(scope="module")
def site(world, layout, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    publish_site(world, layout, out)
    return out


def _triples(data: bytes, fmt: ox.RdfFormat) -> set:
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(data, format=fmt)}


def test_dumps_load_back_into_the_same_graph(site, world):
    # the merge leaves out the display labels, which the dataset dumps carry in their graphs
    merged = {(str(q.subject), str(q.predicate), str(q.object)) for q in world.shown_quads()}
    # the dataset dumps: the named graphs, and the merge as the default graph
    quads = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
             for q in world.quads} | {(*t, str(ox.DefaultGraph())) for t in merged}
    dumps = site / "dumps"
    for ext, fmt in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES)):
        assert _triples((dumps / f"rrii.{ext}").read_bytes(), fmt) == merged, ext
    for ext, fmt in (("trig", ox.RdfFormat.TRIG), ("nq", ox.RdfFormat.N_QUADS),
                     ("jsonld", ox.RdfFormat.JSON_LD)):
        parsed = {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name))
                  for q in ox.parse((dumps / f"rrii.{ext}").read_bytes(), format=fmt)}
        if ext == "jsonld":  # blank-node labels are not kept by JSON-LD
            parsed = {p for p in parsed if "_:" not in p[0] + p[2]}
            quads = {q for q in quads if "_:" not in q[0] + q[2]}
        assert parsed == quads, ext
    for dump in dumps.glob("*.gz"):
        assert gzip.decompress(dump.read_bytes()) == (dumps / dump.stem).read_bytes()
    context = (dumps / "rrii.jsonld").read_text()
    assert '"@context"' in context and '"skos:prefLabel"' in context


def test_catalogue_describes_every_dump_with_size_and_checksum(site):
    catalogue = rdflib.Graph().parse(site / "catalog.ttl")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    spdx = rdflib.Namespace("http://spdx.org/rdf/terms#")
    downloads = {}
    for dist in catalogue.subjects(rdflib.RDF.type, dcat.Distribution):
        url = catalogue.value(dist, dcat.downloadURL)
        if url is not None:
            downloads[str(url)] = dist
    files = sorted((site / "dumps").iterdir())
    assert len(files) == 10 and len(downloads) == 10
    for path in files:
        dist = downloads["https://w3id.org/rrii/dumps/" + path.name]
        data = path.read_bytes()
        assert int(catalogue.value(dist, dcat.byteSize)) == len(data)
        checksum = catalogue.value(dist, spdx.checksum)
        assert str(catalogue.value(checksum, spdx.checksumValue)) == hashlib.sha256(
            data).hexdigest()


def test_catalogue_conforms_to_dcat_ap_mandatory_shapes(site, shared_conformance):
    import pyshacl

    shapes = rdflib.Graph()
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(shared_conformance / "dcat-ap-3.0.1" / name)
    conforms, _, text = pyshacl.validate(rdflib.Graph().parse(site / "catalog.ttl"),
                                         shacl_graph=shapes, inference="none",
                                         allow_warnings=True)
    assert conforms, text
    # the check can fail: a catalogue without a title does not conform
    broken = rdflib.Graph().parse(site / "catalog.ttl")
    broken.remove((rdflib.URIRef("https://w3id.org/rrii/catalog"), rdflib.DCTERMS.title, None))
    assert not pyshacl.validate(broken, shacl_graph=shapes, inference="none")[0]


def test_void_and_service_description_count_the_graph(site, world):
    void = rdflib.Graph().parse(site / "void.ttl")
    ns = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("https://w3id.org/rrii/dataset")
    merged = {(q.subject, q.predicate, q.object) for q in world.shown_quads()}
    assert int(void.value(dataset, ns.triples)) == len(merged)
    classes = {str(void.value(p, ns["class"])) for p in void.objects(dataset, ns.classPartition)}
    assert "http://data.europa.eu/m8g/PublicOrganisation" in classes
    assert str(void.value(dataset, ns.uriSpace)) == "https://w3id.org/rrii/id/"
    assert len(set(void.objects(dataset, ns.dataDump))) == 10
    assert (site / ".well-known" / "void").read_bytes() == (site / "void.ttl").read_bytes()
    sd = rdflib.Graph().parse(site / "sparql-service.ttl")
    assert (None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"),
            rdflib.URIRef("https://w3id.org/rrii/sparql")) in sd


def test_every_page_is_well_formed_and_every_internal_link_resolves(site):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 300
    broken = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        ET.fromstring(text.split("\n", 1)[1])  # polyglot XHTML: parses as XML after the doctype
        for href in HREF.findall(text):
            if href.startswith(("http://", "https://", "mailto:")) or href.startswith("#"):
                continue
            path, _, fragment = href.partition("#")
            target = (page.parent / path).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif fragment and target.suffix == ".html" and f'id="{fragment}"' not in \
                    target.read_text(encoding="utf-8"):
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, broken[:20]


def test_each_resource_has_its_representations(site, world):
    council = "https://example.org/rrii-test/council"  # outside the base: no page
    assert not (site / "example.org").exists() and council
    path = site / "id" / "body" / "test-xss"
    for ext in ("html", "es.html", "en.html", "ttl", "jsonld", "nt"):
        assert path.with_name(f"test-xss.{ext}").is_file(), ext
    described = _triples(path.with_name("test-xss.ttl").read_bytes(), ox.RdfFormat.TURTLE)
    expected = {(str(q.subject), str(q.predicate), str(q.object)) for q in world.shown_quads()
                if q.subject.value == BODY + "test-xss"}
    assert described == expected
    assert _triples(path.with_name("test-xss.jsonld").read_bytes(),
                    ox.RdfFormat.JSON_LD) == expected
    vocabulary = site / "vocab" / "function.ttl"
    assert len(_triples(vocabulary.read_bytes(), ox.RdfFormat.TURTLE)) > 100
    ontology = (site / "def.html").read_text(encoding="utf-8")
    assert 'id="TypologyAssignment"' in ontology and "Classes" in ontology


def test_pages_come_in_three_languages_with_a_switch(site):
    catalan = (site / "id/body/test-xss.html").read_text(encoding="utf-8")
    spanish = (site / "id/body/test-xss.es.html").read_text(encoding="utf-8")
    english = (site / "id/body/test-xss.en.html").read_text(encoding="utf-8")
    assert '<html xmlns="http://www.w3.org/1999/xhtml" lang="ca"' in catalan
    assert "<title>Villa Marcada · rrii-graph</title>" in spanish
    assert "<title>Marked Town Council · rrii-graph</title>" in english
    assert 'href="test-xss.es.html"' in catalan and 'href="test-xss.html"' in english


def test_labels_holding_markup_are_escaped(site):
    page = (site / "id/body/test-xss.html").read_text(encoding="utf-8")
    assert "<script>" not in page.split("</head>", 1)[1]
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;Vila Marcada" in page
    unit = (site / "id/unit/test-xss-unit.html").read_text(encoding="utf-8")
    assert "<img" not in unit and "&lt;img src=x" in unit


def test_content_negotiation_configs_cover_every_representation(site):
    htaccess = (site / ".htaccess").read_text()
    nginx = (site / "nginx.conf").read_text()
    for media in ("text/turtle", "application/ld\\+json", "application/n-triples"):
        assert media in htaccess and media in nginx
    assert "RewriteBase /rrii/" in htaccess and "location /rrii/ {" in nginx


def test_publish_is_deterministic(world, layout, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    publish_site(world, layout, first)
    publish_site(world, layout, second)
    digest = lambda root: {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
                           for p in sorted(root.rglob("*")) if p.is_file()}
    assert digest(first) == digest(second)


def test_failed_publish_leaves_the_previous_site_intact(layout, tmp_path, world):
    out = tmp_path / "site"
    publish_site(world, layout, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    (tmp_path / "long").mkdir()
    long = load_dataset(layout, fixture_folder(tmp_path / "long", BASE,
                                               DATA / "publish" / "long-iri.trig"))
    with pytest.raises(OSError):
        publish_site(long, layout, out)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_cli_publish_under_another_base(tmp_path, layout):
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["publish", "--out", str(out), "--data",
                                       str(DATA / "shapes" / "valid"), "--base-uri",
                                       "https://data.example.org/rrii/"])
    assert result.exit_code == 0, result.output
    catalogue = (out / "catalog.ttl").read_text()
    assert "https://data.example.org/rrii/dataset" in catalogue
    assert "w3id.org/rrii/dataset" not in catalogue
    assert "RewriteBase /rrii/" in (out / ".htaccess").read_text()
    assert posixpath.basename(str(out)) == "site"
