"""Build stage: deterministic output, own-namespace rebasing, clear errors on bad input."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from rrii_graph.build import (
    DATASET_NQUADS,
    DATASET_TRIG,
    Dataset,
    build,
    load_dataset,
    read_build,
)
from rrii_graph.errors import BuildMissingError, InputError
from rrii_graph.layout import LANGUAGES, ProjectLayout
from tests.conftest import BASE, DATA, fixture_folder


def test_build_twice_gives_identical_bytes(layout, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    build(layout, out_dir=first)
    build(layout, out_dir=second)
    for name in (DATASET_TRIG, DATASET_NQUADS, "manifest.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_build_with_blank_nodes_is_deterministic(layout, tmp_path):
    data = DATA / "shapes" / "valid"
    build(layout, data_dir=data, out_dir=tmp_path / "one")
    build(layout, data_dir=data, out_dir=tmp_path / "two")
    one = (tmp_path / "one" / DATASET_NQUADS).read_bytes()
    assert b"_:" in one, "the fixture has blank nodes, so this test exercises their labels"
    assert one == (tmp_path / "two" / DATASET_NQUADS).read_bytes()


def test_build_keeps_named_graphs_and_round_trips(layout, tmp_path):
    dataset, result = build(layout, data_dir=DATA / "shapes" / "valid", out_dir=tmp_path)
    assert "https://w3id.org/rrii/graph/test-base" in dataset.graphs
    assert dataset.graphs["https://w3id.org/rrii/def"]["kind"] == "ontology"
    assert dataset.graphs["https://w3id.org/rrii/vocab/function"]["kind"] == "vocabulary"
    assert dataset.graphs["https://w3id.org/rrii/shapes/core"]["kind"] == "shapes"
    again = read_build(tmp_path)
    assert len(again.quads) == result.quads == len(dataset.quads)
    # both dumps hold the named graphs and, as their default graph, the merge the named
    # queries read, so that a store loading them answers those queries as they are; the
    # display labels stay in their own graphs, out of the merge
    display = set(dataset.graphs_of_kind("labels"))
    assert display == {f"https://w3id.org/rrii/derived/labels/{lang}" for lang in LANGUAGES}
    merge = {q.triple for q in dataset.quads if q.graph_name.value not in display}
    for name, fmt in ((DATASET_TRIG, ox.RdfFormat.TRIG), ("rrii.nq", ox.RdfFormat.N_QUADS)):
        store = ox.Store()
        store.load(path=str(tmp_path / name), format=fmt)
        default = {q.triple for q in store.quads_for_pattern(None, None, None,
                                                              ox.DefaultGraph())}
        def named(triples):  # blank-node labels differ from one parse to the next
            return {t for t in triples if not isinstance(t.subject, ox.BlankNode)
                    and not isinstance(t.object, ox.BlankNode)}
        assert len(default) == len(merge) and named(default) == named(merge), name
        assert len(store) == result.quads + len(merge), name


def test_dumps_are_sorted_by_the_text_of_graph_subject_predicate_and_object():
    """The dumps sort each graph's N-Triples lines as bytes; that must be the order of the
    terms' text even where one term is the start of another, or holds spaces, tabs or
    non-ASCII characters."""
    g1, g2 = ox.NamedNode("http://example.org/g/1"), ox.NamedNode("http://example.org/g/10")
    ex = "http://example.org/"
    subjects = [ox.NamedNode(ex + "a"), ox.NamedNode(ex + "a/b"), ox.NamedNode(ex + "a-b"),
                ox.BlankNode("b1"), ox.BlankNode("b10"), ox.BlankNode("b1x")]
    objects = [ox.Literal("a"), ox.Literal("a", language="en"), ox.Literal("a", language="en-gb"),
               ox.Literal("a b"), ox.Literal("a\tb"), ox.Literal("a\nb"), ox.Literal("é"),
               ox.Literal("z"), ox.Literal("1", datatype=ox.NamedNode(ex + "t")),
               ox.Literal("1", datatype=ox.NamedNode(ex + "t2")), ox.NamedNode(ex + "o"),
               ox.BlankNode("o")]
    quads = [ox.Quad(s, ox.NamedNode(ex + p), o, g) for g in (g2, g1) for s in subjects
             for p in ("p", "p2", "pa") for o in objects]
    dataset = Dataset(reversed(quads), {})
    key = lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))  # noqa: E731
    assert dataset.quads == sorted(quads, key=key)
    assert len(dataset) == len(quads)


def test_base_uri_is_configurable(layout):
    dataset = load_dataset(layout, DATA / "shapes" / "valid", base_uri="https://data.example.net/ir/")
    iris = {q.subject.value for q in dataset.quads if isinstance(q.subject, ox.NamedNode)}
    assert "https://data.example.net/ir/def#Twinning" in iris
    assert not any(i.startswith("https://w3id.org/rrii/") for i in iris)
    assert "https://data.example.net/ir/graph/test-base" in dataset.graphs


def test_bad_base_uri_is_refused(layout):
    with pytest.raises(Exception, match="must be an absolute http"):
        load_dataset(layout, DATA / "shapes" / "valid", base_uri="not-an-iri")


def test_malformed_trig_names_file_line_and_column_and_writes_nothing(layout, tmp_path):
    bad = DATA / "invalid-input" / "unterminated-literal.trig"
    data = fixture_folder(tmp_path, BASE, bad)
    out = tmp_path / "build"
    with pytest.raises(InputError) as caught:
        build(layout, data_dir=data, out_dir=out)
    error = caught.value
    assert error.path.name == "unterminated-literal.trig"
    assert error.line == 6 and error.column is not None
    assert "unterminated-literal.trig, line 6, column" in str(error)
    assert not out.exists()


def test_malformed_ontology_file_is_reported_and_previous_build_survives(layout, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(layout.root / "ontology", root / "ontology")
    shutil.copytree(layout.root / "queries", root / "queries")
    (root / "data").mkdir()
    shutil.copy(BASE, root / "data" / BASE.name)  # a folder with no data is an error
    copy = ProjectLayout(root)
    _, first = build(copy)
    before = first.nquads.read_bytes()
    vocab = root / "ontology" / "vocabularies" / "function.ttl"
    vocab.write_text(vocab.read_text(encoding="utf-8") + "\n<broken> <triple\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        build(copy)
    assert caught.value.path.name == "function.ttl"
    assert caught.value.line is not None
    assert first.nquads.read_bytes() == before


def test_fact_outside_a_named_graph_is_refused(layout, tmp_path):
    data = fixture_folder(tmp_path, DATA / "invalid-input" / "default-graph.trig")
    with pytest.raises(InputError, match="outside any named graph"):
        load_dataset(layout, data)


def test_one_graph_in_two_files_is_refused(layout, tmp_path):
    base = BASE
    data = fixture_folder(tmp_path, base)
    shutil.copy(base, data / "copy.trig")
    with pytest.raises(InputError, match="already defined in"):
        load_dataset(layout, data)


def test_missing_data_folder_is_an_input_error(layout, tmp_path):
    with pytest.raises(InputError, match="data folder not found"):
        load_dataset(layout, tmp_path / "nowhere")


def test_read_build_without_build_says_what_to_do(tmp_path):
    with pytest.raises(BuildMissingError, match="run 'rrii build' first"):
        read_build(tmp_path)
