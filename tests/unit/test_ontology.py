"""The ontology header, the vocabularies' form, and the generated model diagram."""

from __future__ import annotations

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from rrii_graph.diagram import update_model_doc

ONTOLOGY = rdflib.URIRef("https://w3id.org/rrii/def")


def test_ontology_header(layout):
    g = rdflib.Graph().parse(layout.ontology_file)
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in g
    assert str(g.value(ONTOLOGY, OWL.versionIRI)).startswith("https://w3id.org/rrii/def/")
    assert g.value(ONTOLOGY, OWL.versionInfo) is not None
    assert g.value(ONTOLOGY, DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/")
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in g.objects(ONTOLOGY, prop)} == {"ca", "es", "en"}


def test_ontology_holds_classes_and_properties_only(layout):
    g = rdflib.Graph().parse(layout.ontology_file)
    allowed = {OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty,
               OWL.AnnotationProperty, OWL.FunctionalProperty, OWL.SymmetricProperty}
    types = set(g.objects(None, RDF.type))
    assert types <= allowed, types - allowed


def test_each_vocabulary_file_is_one_scheme_with_sourced_concepts(layout):
    files = sorted(layout.vocabularies_dir.glob("*.ttl"))
    assert len(files) >= 9
    for path in files:
        g = rdflib.Graph().parse(path)
        schemes = list(g.subjects(RDF.type, SKOS.ConceptScheme))
        assert len(schemes) == 1, path.name
        assert str(schemes[0]).endswith("/" + path.stem)
        concepts = list(g.subjects(RDF.type, SKOS.Concept))
        assert concepts, path.name
        for c in concepts:
            assert (c, SKOS.inScheme, schemes[0]) in g
            assert {lit.language for lit in g.objects(c, SKOS.prefLabel)} == {"ca", "es", "en"}
            assert g.value(c, SKOS.notation) is not None
            assert {lit.language for lit in g.objects(c, SKOS.definition)} == {"ca", "es", "en"}
            assert g.value(c, DCTERMS.source) is not None or g.value(c, SKOS.note) is not None, c


def test_required_schemes_exist(layout):
    names = {p.stem for p in layout.vocabularies_dir.glob("*.ttl")}
    assert {"dimension", "unit-rank", "unit-placement", "function", "network-role",
            "network-type", "network-scope", "planning-instrument",
            "ir-cooperation-split"} <= names


def test_synthesis_categories_say_so(layout):
    g = rdflib.Graph().parse(layout.vocabularies_dir / "unit-placement.ttl")
    notes = [str(n) for n in g.objects(None, SKOS.note) if n.language == "en"]
    assert notes and all(n.startswith("Synthesis category") for n in notes)


def test_model_diagram_is_up_to_date(layout):
    assert update_model_doc(layout.ontology_file, layout.root / "docs" / "model.md",
                            write=False), "run 'rrii diagram' to regenerate docs/model.md"
