"""The dataset's description for portals and machines: a DCAT-AP 3 catalogue (catalogue, dataset,
distributions with sizes and checksums, the SPARQL data service), a VoID description (statistics,
class and property partitions, URI space, example resources, endpoint, dumps, linksets) and a
SPARQL 1.1 service description.

The fixed part is the hand-edited ``publish/catalogue.ttl``; this module adds what it measures on
the published files and the graph.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

import pyoxigraph as ox

from .. import messages
from ..build import SourceFile, parse_file
from ..errors import InputError
from ..layout import DEFAULT_BASE, LANGUAGES, NAMESPACES, ProjectLayout
from ..terms import triple_order
from .dumps import SYNTAXES
from .resources import compact

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCAT = NAMESPACES["dcat"]
DCT = NAMESPACES["dct"]
XSD = NAMESPACES["xsd"]
VOID = "http://rdfs.org/ns/void#"
SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = NAMESPACES["foaf"]
IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LICENCE = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")

# Predicates whose external objects link the dataset to other datasets (VoID linksets).
LINK_PREDICATES = {
    "http://www.w3.org/2002/07/owl#sameAs", NAMESPACES["skos"] + "exactMatch",
    NAMESPACES["skos"] + "closeMatch", NAMESPACES["skos"] + "relatedMatch",
    NAMESPACES["skos"] + "broadMatch", NAMESPACES["skos"] + "narrowMatch",
    DCT + "language", DCT + "spatial", NAMESPACES["schema"] + "sameAs",
}

_GZ = (" (gzip)", " (gzip)", " (gzip)")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value, datatype: str) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + datatype))


def _fixed_part(layout: ProjectLayout, base: str) -> list[ox.Triple]:
    path = layout.root / "publish" / "catalogue.ttl"
    if not path.is_file():
        raise InputError("the catalogue description is missing; restore publish/catalogue.ttl",
                         path)
    triples = []
    for quad in parse_file(SourceFile(path, "publish", base + "catalog"), layout.root, base):
        obj = quad.object
        if isinstance(obj, ox.Literal) and obj.value.startswith(DEFAULT_BASE):
            obj = ox.Literal(base + obj.value[len(DEFAULT_BASE):], datatype=obj.datatype)
        triples.append(ox.Triple(quad.subject, quad.predicate, obj))
    return triples


def _slug(iri: str, base: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", compact(iri, base)).strip("-")


def describe_dataset(layout: ProjectLayout, base: str, dumps: dict[str, bytes],
                     triples: list[ox.Triple]) -> dict[str, list[ox.Triple]]:
    """The ``catalog``, ``void`` and ``sparql-service`` descriptions, as triples each."""
    fixed = _fixed_part(layout, base)
    dataset, service = _n(base + "dataset"), _n(base + "sparql-service")
    endpoint = _n(base + "sparql")
    is_void = {p for p in (VOID, SD)}
    catalogue = [t for t in fixed if not any(t.predicate.value.startswith(ns) for ns in is_void)
                 and not any(t.object.value.startswith(ns) for ns in is_void
                             if isinstance(t.object, ox.NamedNode))
                 and not t.subject.value.startswith(base + "sparql-service#")]
    void = [t for t in fixed if t.predicate.value.startswith(VOID)
            or (t.subject == dataset and t.object == _n(VOID + "Dataset"))]
    sd = [t for t in fixed if t.predicate.value.startswith(SD)
          or t.subject.value.startswith(base + "sparql-service#")
          or (t.subject == service and t.object == _n(SD + "Service"))]

    # DCAT-AP: one distribution per dump file, and one for the SPARQL endpoint.
    media_types, file_types = set(), set()
    for name in sorted(dumps):
        ext = name.split(".", 1)[1]
        syntax = next(s for s in SYNTAXES if s.extension == ext.removesuffix(".gz"))
        gz = ext.endswith(".gz")
        dist = _n(f"{base}dataset#dist-{ext.replace('.', '-')}")
        url = _n(f"{base}dumps/{name}")
        media, ftype = _n(IANA + syntax.media_type), _n(FILE_TYPE + syntax.file_type)
        media_types.add(media)
        file_types.add(ftype)
        checksum = ox.BlankNode(f"checksum-{ext.replace('.', '-')}")
        titles = [messages.text(f"catalogue.{syntax.extension}", lang) for lang in LANGUAGES]
        catalogue += [
            ox.Triple(dataset, _n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, _n(DCAT + "Distribution")),
            ox.Triple(dist, _n(DCAT + "accessURL"), url),
            ox.Triple(dist, _n(DCAT + "downloadURL"), url),
            ox.Triple(dist, _n(DCAT + "mediaType"), media),
            ox.Triple(dist, _n(DCT + "format"), ftype),
            ox.Triple(dist, _n(DCT + "license"), LICENCE),
            ox.Triple(dist, _n(DCAT + "byteSize"), _lit(len(dumps[name]), "nonNegativeInteger")),
            ox.Triple(dist, _n(SPDX + "checksum"), checksum),
            ox.Triple(checksum, RDF_TYPE, _n(SPDX + "Checksum")),
            ox.Triple(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
            ox.Triple(checksum, _n(SPDX + "checksumValue"),
                      _lit(hashlib.sha256(dumps[name]).hexdigest(), "hexBinary")),
        ]
        for lang, title in zip(LANGUAGES, titles, strict=True):
            suffix = _GZ[0] if gz else ""
            catalogue.append(ox.Triple(dist, _n(DCT + "title"),
                                       ox.Literal(title + suffix, language=lang)))
        if gz:
            gzip_type = _n(IANA + "application/gzip")
            catalogue += [ox.Triple(dist, _n(DCAT + "compressFormat"), gzip_type),
                          ox.Triple(gzip_type, RDF_TYPE, _n(DCT + "MediaType"))]
        void.append(ox.Triple(dataset, _n(VOID + "dataDump"), url))
    sparql_dist = _n(base + "dataset#dist-sparql")
    catalogue += [
        ox.Triple(dataset, _n(DCAT + "distribution"), sparql_dist),
        ox.Triple(sparql_dist, RDF_TYPE, _n(DCAT + "Distribution")),
        ox.Triple(sparql_dist, _n(DCAT + "accessURL"), endpoint),
        ox.Triple(sparql_dist, _n(DCAT + "accessService"), service),
        ox.Triple(sparql_dist, _n(DCT + "license"), LICENCE),
    ]
    catalogue += [ox.Triple(m, RDF_TYPE, _n(DCT + "MediaType")) for m in sorted(media_types,
                                                                                 key=str)]
    catalogue += [ox.Triple(f, RDF_TYPE, _n(DCT + "MediaTypeOrExtent"))
                  for f in sorted(file_types, key=str)]

    void += _statistics(dataset, triples, base)
    sd.append(ox.Triple(_n(base + "sparql-service#default-graph"), _n(VOID + "triples"),
                        _lit(len(triples), "integer")))
    order = triple_order
    return {name: sorted(set(part), key=order)
            for name, part in (("catalog", catalogue), ("void", void), ("sparql-service", sd))}


def _statistics(dataset: ox.NamedNode, triples: list[ox.Triple], base: str) -> list[ox.Triple]:
    """VoID counts, class and property partitions, and linksets to other datasets."""
    classes: dict[str, set[str]] = defaultdict(set)
    properties: Counter[str] = Counter()
    subjects, objects = set(), set()
    links: Counter[tuple[str, str]] = Counter()
    for t in triples:
        properties[t.predicate.value] += 1
        subjects.add(str(t.subject))
        if isinstance(t.object, ox.NamedNode):
            objects.add(t.object.value)
            if t.predicate == RDF_TYPE:
                classes[t.object.value].add(str(t.subject))
            elif (t.predicate.value in LINK_PREDICATES and t.subject.value.startswith(base)
                  and not t.object.value.startswith(base)):
                host = urlsplit(t.object.value)
                links[t.predicate.value, f"{host.scheme}://{host.netloc}/"] += 1
        else:
            objects.add(str(t.object))
    out = [
        ox.Triple(dataset, _n(VOID + "triples"), _lit(len(triples), "integer")),
        ox.Triple(dataset, _n(VOID + "distinctSubjects"), _lit(len(subjects), "integer")),
        ox.Triple(dataset, _n(VOID + "distinctObjects"), _lit(len(objects), "integer")),
        ox.Triple(dataset, _n(VOID + "properties"), _lit(len(properties), "integer")),
        ox.Triple(dataset, _n(VOID + "classes"), _lit(len(classes), "integer")),
        ox.Triple(dataset, _n(VOID + "entities"),
                  _lit(len({s for s in subjects if s.startswith("<" + base)}), "integer")),
    ]
    for cls in sorted(classes):
        part = _n(f"{base}dataset#class-{_slug(cls, base)}")
        out += [ox.Triple(dataset, _n(VOID + "classPartition"), part),
                ox.Triple(part, _n(VOID + "class"), _n(cls)),
                ox.Triple(part, _n(VOID + "entities"), _lit(len(classes[cls]), "integer"))]
    for prop in sorted(properties):
        part = _n(f"{base}dataset#property-{_slug(prop, base)}")
        out += [ox.Triple(dataset, _n(VOID + "propertyPartition"), part),
                ox.Triple(part, _n(VOID + "property"), _n(prop)),
                ox.Triple(part, _n(VOID + "triples"), _lit(properties[prop], "integer"))]
    for (prop, space), count in sorted(links.items()):
        target = _n(f"{base}dataset#target-{_slug(space, base)}")
        linkset = _n(f"{base}dataset#links-{_slug(prop, base)}-{_slug(space, base)}")
        out += [ox.Triple(target, RDF_TYPE, _n(VOID + "Dataset")),
                ox.Triple(target, _n(VOID + "uriSpace"), ox.Literal(space)),
                ox.Triple(linkset, RDF_TYPE, _n(VOID + "Linkset")),
                ox.Triple(linkset, _n(VOID + "subjectsTarget"), dataset),
                ox.Triple(linkset, _n(VOID + "objectsTarget"), target),
                ox.Triple(linkset, _n(VOID + "linkPredicate"), _n(prop)),
                ox.Triple(linkset, _n(VOID + "triples"), _lit(count, "integer")),
                ox.Triple(dataset, _n(VOID + "subset"), linkset)]
    return out
