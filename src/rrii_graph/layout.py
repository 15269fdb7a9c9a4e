"""Where the project's declarative assets live, and the IRIs they are published under.

The ontology, vocabularies, shapes and queries are files in the project tree; this module finds
them. All own IRIs sit under one base (``DEFAULT_BASE``); a deployment may publish them under
another base, which the build rewrites (see :func:`rrii_graph.build.rebase_term`).
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError

DEFAULT_BASE = "https://w3id.org/rrii/"
RRII = DEFAULT_BASE + "def#"
GRAPH = DEFAULT_BASE + "graph/"

# The vocabularies the project reuses, by their usual prefix (the own namespace, rrii:, is under
# the configurable base and is added where a base is known).
NAMESPACES = {
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "sh": "http://www.w3.org/ns/shacl#",
}

# A local name a prefixed name may end in, in Turtle, SPARQL and JSON-LD alike (PN_LOCAL without
# its escapes and colons): letters, digits, _, and . or - inside.
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
# A language tag as RDF and SPARQL write it (BCP 47 in the form of their grammars).
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The project's prefixes: ``rrii:`` for the ontology under ``base``, then the reused
    vocabularies (:data:`NAMESPACES`)."""
    return {"rrii": base + "def#", **NAMESPACES}


class Prefixes:
    """Prefixed names (``skos:prefLabel``) from IRIs, and back, for one prefix table: the one
    home of CURIE compaction. An IRI is compacted with its longest namespace, and only where what
    is left is a :data:`LOCAL_NAME`; any other IRI stays whole."""

    def __init__(self, mapping: dict[str, str]):
        self.mapping = dict(mapping)
        self._longest_first = sorted(self.mapping.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def compact(self, iri: str) -> str:
        for prefix, ns in self._longest_first:
            if iri.startswith(ns) and LOCAL_NAME.match(iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def expand(self, text: str) -> str | None:
        """The IRI of a prefixed name of this table, or None."""
        prefix, colon, local = text.partition(":")
        if colon and prefix in self.mapping and LOCAL_NAME.match(local):
            return self.mapping[prefix] + local
        return None


@functools.lru_cache(maxsize=8)
def _project_prefixes(base: str) -> Prefixes:
    return Prefixes(prefixes(base))


def compact(iri: str, base: str = DEFAULT_BASE) -> str:
    """``skos:prefLabel`` for a known namespace, ``rrii:...`` for the own one, else the IRI."""
    return _project_prefixes(base).compact(iri)


# The project's languages in their fallback order, declared in messages/languages.toml.
LANGUAGES: tuple[str, ...] = tuple(tomllib.loads(
    (Path(__file__).parent / "messages" / "languages.toml").read_text(encoding="utf-8"))["order"])

# The three councils the study day compared (slugs of their IRIs under id/body/).
STUDY_DAY_COUNCILS = ("ajuntament-terrassa", "ajuntament-granollers", "ajuntament-vilafranca")


@dataclass(frozen=True)
class ProjectLayout:
    """The folders of a project checkout: ``ontology/``, ``data/``, ``queries/``, ``build/``."""

    root: Path

    @property
    def ontology_file(self) -> Path:
        return self.root / "ontology" / "rrii.ttl"

    @property
    def imports_dir(self) -> Path:
        return self.root / "ontology" / "imports"

    @property
    def vocabularies_dir(self) -> Path:
        return self.root / "ontology" / "vocabularies"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "ontology" / "shapes"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def rules_dir(self) -> Path:
        return self.root / "queries" / "rules"

    @property
    def checks_dir(self) -> Path:
        return self.root / "queries" / "checks"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @classmethod
    def discover(cls, start: Path | None = None) -> ProjectLayout:
        """Find the project root: ``$RRII_HOME``, else the nearest folder above ``start`` (the
        working directory) holding ``ontology/rrii.ttl``, else the checkout this package runs
        from."""
        env = os.environ.get("RRII_HOME")
        if env:
            layout = cls(Path(env).resolve())
            if not layout.ontology_file.is_file():
                raise ConfigError(
                    f"RRII_HOME={env} has no ontology/rrii.ttl; point it at a rrii-graph checkout"
                )
            return layout
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "ontology" / "rrii.ttl").is_file():
                return cls(folder)
        package_root = Path(__file__).resolve().parents[2]
        if (package_root / "ontology" / "rrii.ttl").is_file():
            return cls(package_root)
        raise ConfigError(
            "cannot find the project folder (no ontology/rrii.ttl above the working directory); "
            "run rrii inside a rrii-graph checkout or set RRII_HOME"
        )


def check_base_uri(base: str) -> str:
    """A usable base IRI is absolute http(s) and ends with '/'."""
    if not (base.startswith("http://") or base.startswith("https://")) or not base.endswith("/"):
        raise ConfigError(
            f"base IRI {base!r} must be an absolute http(s) IRI ending with '/', "
            f"for example {DEFAULT_BASE}"
        )
    return base
