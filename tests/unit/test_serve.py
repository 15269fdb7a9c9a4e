"""rrii serve against a real server on 127.0.0.1 (the front server and the Oxigraph server behind
it): content negotiation per Accept header, SPARQLWrapper on /sparql in every result format,
refused updates, the result limit, safe paths, and pages rendered in headless Chromium."""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from rrii_graph.build import load_dataset
from rrii_graph.publish import publish_site
from rrii_graph.queries import load_queries, run_named, run_remote
from rrii_graph.serve import SiteServer
from tests.conftest import BASE, DATA, chromium_command, fixture_folder

XSS = DATA / "publish" / "xss.trig"
BODY = "https://w3id.org/rrii/id/body/"
LIMIT = 40


@pytest.fixture(scope="module")
def world(layout, tmp_path_factory):
    return load_dataset(layout, fixture_folder(tmp_path_factory.mktemp("serve"), BASE, XSS))


@pytest.fixture(scope="module")
def server(world, layout, tmp_path_factory):
    site = tmp_path_factory.mktemp("served") / "site"
    publish_site(world, layout, site)
    with SiteServer(site, "127.0.0.1", 0, timeout_s=10, result_limit=LIMIT) as running:
        yield running


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.mark.parametrize("accept, media, fmt", [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("text/html;q=0.5, text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
])
def test_iri_answers_each_rdf_media_type_with_its_description(server, world, accept, media,
                                                              fmt):
    status, headers, body = _get(server.url + "id/body/test-xss", Accept=accept)
    assert status == 200
    assert headers["Content-Type"].startswith(media)
    assert "Accept" in headers["Vary"]
    parsed = {(str(t.subject), str(t.predicate), str(t.object))
              for t in ox.parse(body, format=fmt)}
    expected = {(str(q.subject), str(q.predicate), str(q.object)) for q in world.shown_quads()
                if q.subject.value == BODY + "test-xss"}
    assert parsed == expected


def test_html_by_default_and_language_by_accept_language(server):
    status, headers, body = _get(server.url + "id/body/test-xss",
                                 Accept="text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b"lang=\"ca\"" in body
    _, headers, body = _get(server.url + "id/body/test-xss", Accept="text/html",
                            **{"Accept-Language": "en-GB,en;q=0.9"})
    assert b"<title>Marked Town Council" in body
    assert headers["Content-Location"].endswith("test-xss.en.html")


def test_unacceptable_missing_and_escaping_paths(server):
    assert _get(server.url + "id/body/test-xss", Accept="image/png")[0] == 406
    assert _get(server.url + "id/body/nowhere")[0] == 404
    for path in ("../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd", "id/..%2f..%2f..%2fetc/passwd",
                 ".htaccess", "%00"):
        status, _, body = _get(server.url + path)
        assert status in (400, 404), path
        assert b"root:" not in body
    request = urllib.request.Request(server.url + "id/body/test-xss", method="DELETE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 405


def test_sparqlwrapper_select_in_every_result_format(server):
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(f"SELECT ?label WHERE {{ <{BODY}test-xss> "
                    "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [r["label"]["value"] for r in rows][-1] == "Villa Marcada"
    client.setReturnFormat(XML)
    assert client.query().convert().getElementsByTagName("result").length == 3
    for fmt in (CSV, TSV):
        client.setReturnFormat(fmt)
        text = client.query().convert().decode()
        assert "Marked Town Council" in text and len(text.strip().splitlines()) == 4


def test_construct_answers_turtle_and_ask_answers_a_boolean(server):
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o . "
                    "FILTER(?s = <https://w3id.org/rrii/id/unit/test-xss-unit>) }")
    client.setReturnFormat(TURTLE)
    triples = list(ox.parse(client.query().convert(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 4  # type, label, unitOf, purpose
    client.setQuery("ASK { ?s a <http://data.europa.eu/m8g/PublicOrganisation> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_named_query_through_the_endpoint_matches_the_embedded_graph(server, world, layout):
    queries = load_queries(layout.queries_dir)
    remote = run_remote(server.url + "sparql", queries["typology"], {"lang": ox.Literal("en")})
    local = run_named(world.store(), queries["typology"], {}, "en")
    assert sorted(map(str, remote.rows)) == sorted(map(str, local.rows))


def test_updates_are_refused(server):
    client = SPARQLWrapper(server.url + "sparql")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(Exception) as refused:
        client.query()
    assert "403" in str(refused.value) or "Forbidden" in str(refused.value)
    request = urllib.request.Request(server.url + "sparql", method="POST",
                                     data=b"DROP ALL",
                                     headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as forbidden:
        urllib.request.urlopen(request, timeout=10)
    assert forbidden.value.code == 403
    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery("ASK { <urn:a> <urn:b> <urn:c> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is False


def test_results_are_capped_at_the_limit(server):
    status, headers, body = _get(server.url + "sparql?query="
                                 + urllib.request.quote("SELECT * WHERE { ?s ?p ?o }"),
                                 Accept="application/sparql-results+json")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == LIMIT
    assert headers["X-Result-Limit"] == str(LIMIT)


def test_malformed_query_is_a_400(server):
    status, _, body = _get(server.url + "sparql?query=" + urllib.request.quote("SELEC nothing"))
    assert status == 400 and body


def test_query_page_offers_the_named_queries(server, layout):
    status, headers, body = _get(server.url + "sparql", Accept="text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    page = body.decode()
    for name in load_queries(layout.queries_dir):
        assert f"<code>{name}</code>" in page


class _Elements(HTMLParser):
    """The elements of a rendered DOM, and the text of its title."""

    def __init__(self, dom: str):
        super().__init__()
        self.tags: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def test_council_page_renders_in_chromium_with_labels_and_no_injected_script(server, tmp_path):
    browser = chromium_command(tmp_path / "profile")
    dom = subprocess.run([*browser, "--dump-dom", server.url + "id/body/test-xss.en.html"],
                         capture_output=True, text=True, timeout=120).stdout
    page = _Elements(dom)
    assert page.title == "Marked Town Council · rrii-graph", "a script in a label would rename it"
    assert "script" not in page.tags
    assert "Villa Marcada" in dom and "&lt;script&gt;document.title" in dom
    catalan_url = server.url + "id/body/test-xss.html"
    catalan = _Elements(subprocess.run([*browser, "--dump-dom", catalan_url],
                                       capture_output=True, text=True, timeout=120).stdout)
    assert catalan.title.startswith("<script>document.title='pwned'</script>Vila Marcada")
    unit = _Elements(subprocess.run([*browser, "--dump-dom", server.url + "id/unit/test-xss-unit"],
                                    capture_output=True, text=True, timeout=120).stdout)
    assert "img" not in unit.tags and unit.title.endswith("Servei · rrii-graph")
