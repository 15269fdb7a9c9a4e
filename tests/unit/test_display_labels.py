"""Display labels (rrii_graph.labels): one label per resource and language, chosen once by the
build with the fallback applied, and read by every named query instead of a lookup of its own."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from rrii_graph.build import load_dataset
from rrii_graph.labels import choose, display_graph, display_labels, fallback_order
from rrii_graph.layout import LANGUAGES
from rrii_graph.queries import load_queries, run_named
from rrii_graph.validate import run_checks
from tests.conftest import BASE, fixture_folder

DISPLAY = ox.NamedNode("https://w3id.org/rrii/def#displayLabel")
PREF = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
ONLY_CA = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rrii: <https://w3id.org/rrii/def#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dct:  <http://purl.org/dc/terms/> .
<https://w3id.org/rrii/graph/test-only-ca> {
  <https://w3id.org/rrii/graph/test-only-ca> a rrii:SourceGraph ;
      prov:hadPrimarySource <https://example.org/rrii-test/doc-only-ca> ;
      rrii:confidence <https://w3id.org/rrii/vocab/confidence/alta> .
  <https://example.org/rrii-test/doc-only-ca> a foaf:Document ; dct:title "Font"@ca ;
      foaf:page <https://example.org/rrii-test/only-ca> .
  <https://w3id.org/rrii/id/unit/test-only-ca> skos:prefLabel "Oficina Només Catalana"@ca ,
      "Oficina B"@fr .
}
"""


@pytest.fixture(scope="module")
def world(layout, tmp_path_factory):
    folder = fixture_folder(tmp_path_factory.mktemp("labels"), BASE)
    (folder / "only-ca.trig").write_text(ONLY_CA, encoding="utf-8")
    return load_dataset(layout, folder)


def test_the_fallback_order_is_the_project_order_after_the_reader_language():
    assert fallback_order("en", ("ca", "es", "en")) == ("en", "ca", "es")
    assert choose({"es": 1, "ca": 2}, "en", ("ca", "es", "en")) == 2
    assert choose({"fr": 1, "": 2}, "en", ("ca", "es", "en")) == 2  # untagged before others
    assert choose({"fr": 1, "de": 2}, "en", ("ca", "es", "en")) == 2  # then by tag
    assert choose({}, "en") is None


def test_each_labelled_resource_has_one_display_label_per_language(world):
    store = world.store()
    labelled = {q.subject for q in store.quads_for_pattern(None, PREF, None, ox.DefaultGraph())}
    for lang in LANGUAGES:
        graph = ox.NamedNode(display_graph(lang))
        shown = [q.subject for q in store.quads_for_pattern(None, DISPLAY, None, graph)]
        assert len(shown) == len(set(shown)), lang  # one each
        assert labelled <= set(shown), lang
    unit = "https://w3id.org/rrii/id/unit/test-only-ca"
    # the literal keeps the language of its text: an English reader gets the Catalan label
    literal = next(store.quads_for_pattern(ox.NamedNode(unit), DISPLAY, None,
                                           ox.NamedNode(display_graph("en")))).object
    assert (literal.value, literal.language) == ("Oficina Només Catalana", "ca")
    assert display_labels(store, "es", nodes=[unit]) == {unit: "Oficina Només Catalana"}


def test_display_labels_stay_out_of_the_merge(world):
    store = world.store()
    assert next(store.quads_for_pattern(None, DISPLAY, None, ox.DefaultGraph()), None) is None
    assert set(world.graphs_of_kind("labels")) == {display_graph(lang) for lang in LANGUAGES}


def test_no_named_query_looks_labels_up_itself(layout):
    """The display graphs replace the per-query fallback: no named query filters on a label's
    language or names a language of its own."""
    for name, query in load_queries(layout.queries_dir).items():
        body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
        assert "FILTER(LANG(" not in body, name
        for lang in LANGUAGES:
            assert f'"{lang}"' not in body, (name, lang)


def test_a_query_shows_the_label_in_the_reader_language(layout, world):
    queries = load_queries(layout.queries_dir)
    for lang, expected in (("ca", "Ajuntament de Vilafictícia"),
                           ("en", "Vilafictícia City Council")):
        rows = run_named(world.store(), queries["coverage"], {}, lang).rows
        labels = {r["label"] for r in rows}
        assert expected in labels, (lang, labels)


def test_missing_translations_are_counted_per_language_not_failed(layout, world):
    results = [r for r in run_checks(world.store(), layout.checks_dir, world.base_uri)
               if r.shape.endswith("missing-translation-info")]
    assert {r.severity for r in results} == {"Info"}
    counts = {r.focus.rsplit("/", 1)[1]: int(r.value.split(": ")[1]) for r in results}
    # the unit labelled in Catalan (and French) only lacks Spanish and English
    assert counts.get("es", 0) >= 1 and counts.get("en", 0) >= 1
    assert counts.get("ca", 0) < counts["es"]
