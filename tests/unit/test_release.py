"""Releases: the version has one source and every copy agrees with it; the release tool stamps
them all and dates the CHANGELOG; the site serves the versioned ontology IRI."""

from __future__ import annotations

import importlib.util
import re
import shutil

import rdflib
from rdflib.namespace import OWL

import rrii_graph
from tests.conftest import ROOT

ONTOLOGY = rdflib.URIRef("https://w3id.org/rrii/def")


def _release_tool():
    spec = importlib.util.spec_from_file_location("release", ROOT / "tools" / "release.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_copy_of_the_version_agrees_with_its_source():
    version = rrii_graph.__version__
    g = rdflib.Graph().parse(ROOT / "ontology" / "rrii.ttl")
    assert str(g.value(ONTOLOGY, OWL.versionInfo)) == version
    assert str(g.value(ONTOLOGY, OWL.versionIRI)) == f"https://w3id.org/rrii/def/{version}"
    assert f"version {version}." in (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert re.search(rf"^version: {re.escape(version)}$",
                     (ROOT / "CITATION.cff").read_text(encoding="utf-8"), flags=re.M)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in pyproject and "rrii_graph.__version__" in pyproject


def test_the_release_tool_stamps_every_copy_and_dates_the_changelog(tmp_path, monkeypatch):
    for part in ("src/rrii_graph/__init__.py", "ontology/rrii.ttl", "docs/model.md",
                 "CITATION.cff", "CHANGELOG.md"):
        (tmp_path / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / part, tmp_path / part)
    tool = _release_tool()
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    tool.stamp("9.8.7", "2031-01-02")
    tool.changelog("9.8.7", "2031-01-02")
    assert '__version__ = "9.8.7"' in (tmp_path / "src/rrii_graph/__init__.py").read_text()
    ontology = rdflib.Graph().parse(tmp_path / "ontology/rrii.ttl")
    assert str(ontology.value(ONTOLOGY, OWL.versionIRI)) == "https://w3id.org/rrii/def/9.8.7"
    assert str(ontology.value(ONTOLOGY, OWL.versionInfo)) == "9.8.7"
    assert "version 9.8.7." in (tmp_path / "docs/model.md").read_text()
    citation = (tmp_path / "CITATION.cff").read_text()
    assert "version: 9.8.7" in citation and 'date-released: "2031-01-02"' in citation
    log = (tmp_path / "CHANGELOG.md").read_text()
    assert log.index("## [Unreleased]") < log.index("## [9.8.7] - 2031-01-02")
    # a version already released is refused
    try:
        tool.changelog("9.8.7", "2031-01-03")
    except SystemExit as exc:
        assert "already has a section" in str(exc)
    else:
        raise AssertionError("a second release of one version was accepted")


def test_the_site_serves_the_versioned_ontology(layout, tmp_path):
    from rrii_graph.build import load_dataset
    from rrii_graph.publish import publish_site

    site = tmp_path / "site"
    publish_site(load_dataset(layout, include_data=False), layout, site)
    version = rrii_graph.__version__
    versioned = site / "def" / f"{version}.ttl"
    assert versioned.read_bytes() == (site / "def.ttl").read_bytes()
    served = rdflib.Graph().parse(versioned)
    assert (ONTOLOGY, OWL.versionIRI, rdflib.URIRef(f"https://w3id.org/rrii/def/{version}")) \
        in served
