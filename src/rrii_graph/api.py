"""Python API for notebooks and scripts: load the built graph, run named queries, get tables.

    >>> from rrii_graph.api import KnowledgeGraph
    >>> kg = KnowledgeGraph.load()                   # build/ if present, else data/ in memory
    >>> table = kg.query("network-memberships", council="ajuntament-terrassa", lang="en")
    >>> table.to_dataframe()                         # or table.rows / table.to_rows()
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .build import Dataset, load_dataset, read_build
from .errors import BuildMissingError
from .layout import ProjectLayout
from .queries import (
    NamedQuery,
    ResultTable,
    bind_params,
    get_query,
    load_queries,
    load_query,
    run_named,
    run_remote,
)


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

    def sparql(self, path: Path, lang: str = "ca", **params: str) -> ResultTable:
        """Run an ad-hoc query file."""
        return self._run(load_query(Path(path)), params, lang)

    def _run(self, named: NamedQuery, params: dict[str, str], lang: str) -> ResultTable:
        if self.endpoint is not None:
            return run_remote(self.endpoint, named, bind_params(named, params, lang))
        return run_named(self.store, named, params, lang, self.dataset.base_uri)
