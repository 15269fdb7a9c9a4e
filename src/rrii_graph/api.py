"""Python API for notebooks and scripts: load the built graph, run named queries, get tables.

    >>> from rrii_graph.api import KnowledgeGraph
    >>> kg = KnowledgeGraph.load()                   # build/ if present, else data/ in memory
    >>> table = kg.query("network-memberships", council="ajuntament-terrassa", lang="en")
    >>> table.to_dataframe()                         # or table.rows / table.to_rows()
    >>> kg.typology("ajuntament-terrassa", lang="en")  # classifications with their basis
    >>> kg.plot("organigram", "ajuntament-terrassa", date="2021")  # SVG or PNG bytes
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .analysis import Similarity, similarity
from .build import Dataset, load_dataset, read_build
from .errors import BuildMissingError, ConfigError
from .layout import DEFAULT_BASE, STUDY_DAY_COUNCILS, ProjectLayout
from .plots import named_plot
from .queries import (
    NamedQuery,
    ResultTable,
    bind_params,
    get_query,
    load_queries,
    load_query,
    parse_param,
    query_from_text,
    run_named,
    run_remote,
)
from .typology import Classification, classifications


class KnowledgeGraph:
    """The rrii-graph dataset in an embedded store (or a remote endpoint), with named queries."""

    def __init__(self, dataset: Dataset | None, layout: ProjectLayout,
                 endpoint: str | None = None) -> None:
        self.dataset = dataset
        self.layout = layout
        self.endpoint = endpoint
        self._store: ox.Store | None = None
        self._queries: dict[str, NamedQuery] | None = None

    @classmethod
    def load(cls, build_dir: Path | None = None, data_dir: Path | None = None,
             layout: ProjectLayout | None = None) -> KnowledgeGraph:
        """The built dataset in ``build/``; without a build, the data folder loaded in memory."""
        layout = layout or ProjectLayout.discover()
        if data_dir is not None:
            return cls(load_dataset(layout, data_dir), layout)
        try:
            return cls(read_build(build_dir or layout.build_dir), layout)
        except BuildMissingError:
            if build_dir is not None:
                raise
            return cls(load_dataset(layout), layout)

    @classmethod
    def remote(cls, endpoint: str, layout: ProjectLayout | None = None) -> KnowledgeGraph:
        """Run the named queries against a remote SPARQL 1.1 endpoint instead."""
        return cls(None, layout or ProjectLayout.discover(), endpoint)

    @property
    def store(self) -> ox.Store:
        if self.dataset is None:
            raise ConfigError(f"this graph reads the remote endpoint {self.endpoint}; the "
                              "typology, similarity and plots need the embedded store: use "
                              "KnowledgeGraph.load()")
        if self._store is None:
            self._store = self.dataset.store()
        return self._store

    @property
    def queries(self) -> dict[str, NamedQuery]:
        """The named queries of ``queries/``, read once."""
        if self._queries is None:
            self._queries = load_queries(self.layout.queries_dir)
        return self._queries

    def query(self, name: str, lang: str = "ca", **params: str) -> ResultTable:
        """Run a named query; parameters are checked against the query's header."""
        if name not in self.queries:
            get_query(self.layout.queries_dir, name)  # raises, listing the known names
        return self._run(self.queries[name], params, lang)

    def sparql(self, query: str | Path, lang: str = "ca", **params: str) -> ResultTable:
        """Run an ad-hoc query: its text (``kg.sparql("SELECT ...")``) or a file (a
        :class:`~pathlib.Path`, or a string naming an ``.rq`` file). Parameters bind variables
        the query's ``# params:`` header declares."""
        if isinstance(query, Path) or (not any(c in query for c in "{\n")
                                       and query.endswith(".rq")):
            return self._run(load_query(Path(query)), params, lang)
        return self._run(query_from_text(query), params, lang)

    def council_iri(self, council: str) -> str:
        """A council's IRI from its slug (``ajuntament-terrassa``) or IRI."""
        return parse_param("council", council, self._base_uri).value

    def typology(self, council: str | None = None, lang: str = "ca") -> list[Classification]:
        """The typology classification (every council's, or one council's), each value with
        its reason and the sourced statements behind it."""
        iri = self.council_iri(council) if council else None
        return classifications(self.store, self.queries, lang, iri, self._base_uri)

    def similarity(self, lang: str = "ca") -> list[Similarity]:
        """Similarity of every pair of councils over functions, networks and structure."""
        return similarity(self.store, self.queries, lang)

    def plot(self, name: str, *councils: str, lang: str = "ca", fmt: str = "svg",
             date: str | None = None) -> bytes:
        """One of the named plots (organigram, heatmap, networks, timeline) for the councils
        (slugs or IRIs; default: the study day's three)."""
        iris = [self.council_iri(c) for c in (councils or STUDY_DAY_COUNCILS)]
        return named_plot(name, self.store, self.queries, iris, lang, fmt, date,
                          self._base_uri)

    @property
    def _base_uri(self) -> str:
        return self.dataset.base_uri if self.dataset is not None else DEFAULT_BASE

    def _run(self, named: NamedQuery, params: dict[str, str], lang: str) -> ResultTable:
        if self.endpoint is not None:
            return run_remote(self.endpoint, named, bind_params(named, params, lang))
        return run_named(self.store, named, params, lang, self.dataset.base_uri)
