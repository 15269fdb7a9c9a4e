"""A Mermaid class diagram of the ontology, generated from ``ontology/rrii.ttl``.

``docs/model.md`` carries the diagram between two marker lines; :func:`update_model_doc` rewrites
that block so the page never drifts from the ontology.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

from .build import write_atomically
from .errors import InputError
from .layout import NAMESPACES, RRII

BEGIN = "<!-- BEGIN GENERATED DIAGRAM (rrii diagram) -->"
END = "<!-- END GENERATED DIAGRAM -->"

def _name(term: rdflib.term.Node) -> str:
    text = str(term)
    if text.startswith(RRII):
        return text[len(RRII):]
    for prefix, ns in NAMESPACES.items():
        if text.startswith(ns):
            return f"{prefix}_{text[len(ns):]}"
    return "Thing"


def ontology_diagram(ontology: rdflib.Graph) -> str:
    """Mermaid ``classDiagram`` text: own classes, their superclasses, and own properties drawn
    from domain to range (datatype properties as attributes)."""
    own = lambda t: isinstance(t, rdflib.URIRef) and str(t).startswith(RRII)  # noqa: E731
    lines = ["```mermaid", "classDiagram", "    direction LR"]
    classes = sorted(c for c in ontology.subjects(RDF.type, OWL.Class) if own(c))
    for cls in classes:
        for parent in sorted(ontology.objects(cls, RDFS.subClassOf)):
            lines.append(f"    {_name(parent)} <|-- {_name(cls)}")
    attributes: dict[str, list[str]] = {}
    for prop in sorted(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        if not own(prop):
            continue
        domain = ontology.value(prop, RDFS.domain)
        owner = _name(domain) if domain is not None else "Thing"
        rng = ontology.value(prop, RDFS.range)
        attributes.setdefault(owner, []).append(
            f"{_name(rng) if rng is not None else 'literal'} {_name(prop)}")
    for owner in sorted(attributes):
        lines.append(f"    class {owner} {{")
        lines.extend(f"        {a}" for a in sorted(attributes[owner]))
        lines.append("    }")
    for prop in sorted(ontology.subjects(RDF.type, OWL.ObjectProperty)):
        if not own(prop):
            continue
        domain = ontology.value(prop, RDFS.domain)
        rng = ontology.value(prop, RDFS.range)
        lines.append(
            f"    {_name(domain) if domain is not None else 'Thing'} --> "
            f"{_name(rng) if rng is not None else 'Thing'} : {_name(prop)}")
    lines.append("```")
    return "\n".join(lines) + "\n"


def update_model_doc(ontology_file: Path, doc: Path, write: bool = True) -> bool:
    """Put the current diagram between the markers of ``doc``. Returns True when the page was
    already up to date; with ``write`` False nothing is written."""
    graph = rdflib.Graph().parse(ontology_file)
    text = doc.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise InputError(f"the markers {BEGIN!r} and {END!r} are missing", doc)
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + ontology_diagram(graph) + END + tail
    if new == text:
        return True
    if write:
        write_atomically(doc, [new.encode("utf-8")])
    return False
