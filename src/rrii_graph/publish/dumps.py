"""Dumps of the whole graph and RDF descriptions of single resources, in every published syntax.

The merged graph (each triple once) goes to Turtle and N-Triples; the dataset to TriG, N-Quads
and JSON-LD: its source graphs, and the merge as the default graph (the graph the named queries
read), so that any quad store loading a dump answers them without a union mode. JSON-LD
carries a context of the project's prefixes, so keys and IRIs read as ``skos:prefLabel``. Each
dump is also written gzipped, with a fixed timestamp, so that the same graph gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..layout import Prefixes, prefixes


@dataclass(frozen=True)
class Syntax:
    """An RDF syntax the site publishes: file extension, media type and the EU file-type code."""

    extension: str
    media_type: str
    file_type: str  # http://publications.europa.eu/resource/authority/file-type/...
    quads: bool
    format: ox.RdfFormat


SYNTAXES = (
    Syntax("ttl", "text/turtle", "RDF_TURTLE", False, ox.RdfFormat.TURTLE),
    Syntax("nt", "application/n-triples", "RDF_N_TRIPLES", False, ox.RdfFormat.N_TRIPLES),
    Syntax("jsonld", "application/ld+json", "JSON_LD", True, ox.RdfFormat.JSON_LD),
    Syntax("trig", "application/trig", "RDF_TRIG", True, ox.RdfFormat.TRIG),
    Syntax("nq", "application/n-quads", "RDF_N_QUADS", True, ox.RdfFormat.N_QUADS),
)

# The syntaxes a single resource's description is offered in (besides HTML).
RESOURCE_SYNTAXES = tuple(s for s in SYNTAXES if s.extension in ("ttl", "jsonld", "nt"))


def context(base: str) -> dict:
    """The JSON-LD context of every published JSON-LD file."""
    return {"@context": dict(sorted(prefixes(base).items()))}


def _compact(node, table: Prefixes):
    if isinstance(node, list):
        return [_compact(n, table) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("@id", "@type") and isinstance(value, str):
            out[key] = table.compact(value)
        elif key.startswith("@"):
            out[key] = _compact(value, table)
        else:
            out[table.compact(key)] = _compact(value, table)
    return out


def to_jsonld(terms: list, base: str) -> bytes:
    """JSON-LD with the project's context: ``@graph`` holds the nodes (and named graphs)."""
    expanded = json.loads(ox.serialize(terms, format=ox.RdfFormat.JSON_LD) or b"[]")
    table = Prefixes(prefixes(base))
    body = {**context(base), "@graph": _compact(expanded, table)}
    return json.dumps(body, ensure_ascii=False, indent=1).encode() + b"\n"


def serialize(terms: list, syntax: Syntax, base: str) -> bytes:
    """Triples (or quads, for the dataset syntaxes) in ``syntax``."""
    if syntax.extension == "jsonld":
        return to_jsonld(terms, base)
    use_prefixes = prefixes(base) if syntax.extension in ("ttl", "trig") else None
    out = ox.serialize(terms, format=syntax.format, prefixes=use_prefixes)
    return bytes(out or b"")


def dump_files(quads: list[ox.Quad], merge: list[ox.Triple], base: str,
               stem: str = "rrii") -> dict[str, bytes]:
    """File name -> bytes for every dump and its gzipped copy: ``quads``, the dataset's named
    graphs, and ``merge``, its merged default graph (:meth:`rrii_graph.build.Dataset.
    merged_triples`), which is also the whole of the triple dumps."""
    files: dict[str, bytes] = {}
    # the dataset syntaxes carry the merge as their default graph beside the named graphs, so
    # that a store that loads them answers the named queries as the embedded store does
    dataset = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in merge]
    dataset += quads
    for syntax in SYNTAXES:
        data = serialize(dataset if syntax.quads else merge, syntax, base)
        files[f"{stem}.{syntax.extension}"] = data
        files[f"{stem}.{syntax.extension}.gz"] = gzip.compress(data, compresslevel=9, mtime=0)
    return files
