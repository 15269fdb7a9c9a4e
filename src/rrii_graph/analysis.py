"""Analysis stage: networkx graphs derived from the knowledge graph, and similarity between
councils. Every graph is built from the answers of the named queries (no SPARQL here); functions
return graphs or tables and never plot.

- :func:`membership_graph`: the bipartite council-network graph (direct memberships and those held
  through a grouping of municipalities), and :func:`council_projection`, its weighted projection;
- :func:`function_graph`: the bipartite council-function graph;
- :func:`twinning_graph`: municipalities linked by twinnings and partnerships;
- :func:`organigram`: the tree of a council's units at a date;
- :func:`typology_features`: each council's determined values on the typology's axes;
- :func:`similarity`: Jaccard similarity of councils over functions, networks and structure
  (typology features), with what they share;
- :func:`model_groups`: councils that share the same determined model;
- :func:`cluster_councils`: communities of the similarity graph (Louvain, fixed seed).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import pyoxigraph as ox
from networkx.algorithms import bipartite

from .layout import DEFAULT_BASE
from .queries import NamedQuery, ResultTable, run_named
from .typology import classifications


def _run(store: ox.Store, queries: dict[str, NamedQuery], name: str, lang: str,
         base_uri: str = DEFAULT_BASE, **params: str) -> ResultTable:
    return run_named(store, queries[name], params, lang, base_uri)


def membership_graph(store: ox.Store, queries: dict[str, NamedQuery],
                     lang: str = "ca") -> nx.Graph:
    """Bipartite graph: councils (``bipartite=0``) and networks (``bipartite=1``); each edge
    carries the roles known for that membership."""
    graph = nx.Graph()
    for row in _run(store, queries, "network-memberships", lang).rows:
        council, network = row["council"], row["network"]
        graph.add_node(council, bipartite=0, label=row["councilLabel"], kind="council")
        graph.add_node(network, bipartite=1, label=row["networkLabel"], kind="network")
        roles = graph.edges[council, network]["roles"] if graph.has_edge(council, network) \
            else set()
        roles.add(row["roleLabel"])
        graph.add_edge(council, network, roles=roles)
    return graph


def council_projection(graph: nx.Graph) -> nx.Graph:
    """Councils linked by the number of networks they share (edge attribute ``weight``)."""
    councils = {n for n, d in graph.nodes(data=True) if d.get("bipartite") == 0}
    return bipartite.weighted_projected_graph(graph, councils)


def function_graph(store: ox.Store, queries: dict[str, NamedQuery], lang: str = "ca") -> nx.Graph:
    """Bipartite graph: councils (``bipartite=0``) and IR functions (``bipartite=1``)."""
    graph = nx.Graph()
    for row in _run(store, queries, "function-matrix", lang).rows:
        graph.add_node(row["council"], bipartite=0, label=row["councilLabel"], kind="council")
        graph.add_node(row["function"], bipartite=1, label=row["functionLabel"], kind="function")
        graph.add_edge(row["council"], row["function"])
    return graph


def twinning_graph(store: ox.Store, queries: dict[str, NamedQuery], lang: str = "ca") -> nx.Graph:
    """Councils and their twin or partner municipalities; edges carry the kind and start year."""
    graph = nx.Graph()
    for row in _run(store, queries, "twinnings", lang).rows:
        graph.add_node(row["council"], label=row["councilLabel"], kind="council")
        partner = row["partnerLabel"]
        graph.add_node(partner, label=partner, kind="municipality", country=row["countryLabel"])
        graph.add_edge(row["council"], partner, kind=row["kindLabel"], start=row["start"])
    return graph


def organigram(store: ox.Store, queries: dict[str, NamedQuery], council: str,
               date: str | None = None, lang: str = "ca") -> nx.DiGraph:
    """The tree of a council's units (parent to unit) at ``date`` (a year or xsd:date), from
    their dated placements; units with no known placement hang from the council."""
    params = {"council": council}
    if date is not None:
        params["date"] = date
    tree = nx.DiGraph()
    for row in _run(store, queries, "units-by-council", lang, **params).rows:
        root = row["councilLabel"]
        tree.add_node(root, kind="council")
        tree.add_node(row["unitLabel"], kind="unit", rank=row["rank"])
        parent = row["parentLabel"] or root
        tree.add_edge(parent, row["unitLabel"], since=row["start"], until=row["end"])
    return tree


def jaccard(a: set, b: set) -> float | None:
    """|a ∩ b| / |a ∪ b|; None when both are empty (nothing known: no similarity to claim)."""
    union = a | b
    return len(a & b) / len(union) if union else None


def typology_features(store: ox.Store, queries: dict[str, NamedQuery],
                      lang: str = "ca") -> dict[str, set[str]]:
    """Council -> its determined typology values as ``axis=value`` codes (undetermined and
    not-applicable axes add nothing: unknown is not a shared trait)."""
    features: dict[str, set[str]] = {}
    for item in classifications(store, queries, lang):
        mine = features.setdefault(item.council, set())
        if item.determined:
            mine.add(f"{item.axis_code}={item.value_code}")
    return features


@dataclass(frozen=True)
class Similarity:
    """How alike two councils are, per aspect (Jaccard; None where neither has anything known),
    with what they share."""

    council: str
    other: str
    functions: float | None
    networks: float | None
    shared_functions: frozenset
    shared_networks: frozenset
    structure: float | None = None
    shared_structure: frozenset = frozenset()

    @property
    def overall(self) -> float | None:
        """The mean of the aspects known for the pair; None when none is."""
        known = [v for v in (self.functions, self.networks, self.structure) if v is not None]
        return sum(known) / len(known) if known else None


def similarity(store: ox.Store, queries: dict[str, NamedQuery],
               lang: str = "ca") -> list[Similarity]:
    """Jaccard similarity for every pair of councils that have any known function, network or
    typology value, with what they share (the "why")."""
    functions = function_graph(store, queries, lang)
    networks = membership_graph(store, queries, lang)
    structure = typology_features(store, queries, lang)
    councils = sorted({n for g in (functions, networks) for n, d in g.nodes(data=True)
                       if d.get("kind") == "council"} | {c for c, f in structure.items() if f})

    def neighbours(graph: nx.Graph, node: str) -> set:
        return set(graph.neighbors(node)) if node in graph else set()

    table = []
    for a, b in combinations(councils, 2):
        fa, fb = neighbours(functions, a), neighbours(functions, b)
        na, nb = neighbours(networks, a), neighbours(networks, b)
        sa, sb = structure.get(a, set()), structure.get(b, set())
        table.append(Similarity(a, b, jaccard(fa, fb), jaccard(na, nb),
                                frozenset(fa & fb), frozenset(na & nb),
                                jaccard(sa, sb), frozenset(sa & sb)))
    return table


def similarity_graph(table: list[Similarity], threshold: float = 0.0) -> nx.Graph:
    """Councils linked when their overall similarity is above ``threshold`` (edge ``weight``)."""
    graph = nx.Graph()
    for s in table:
        graph.add_node(s.council)
        graph.add_node(s.other)
        if s.overall is not None and s.overall > threshold:
            graph.add_edge(s.council, s.other, weight=s.overall)
    return graph


def model_groups(store: ox.Store, queries: dict[str, NamedQuery],
                 lang: str = "ca") -> dict[frozenset, list[str]]:
    """Councils grouped by their whole determined model (the set of ``axis=value`` codes);
    councils with nothing determined are left out."""
    groups: dict[frozenset, list[str]] = {}
    for council, features in sorted(typology_features(store, queries, lang).items()):
        if features:
            groups.setdefault(frozenset(features), []).append(council)
    return groups


def cluster_councils(table: list[Similarity], threshold: float = 0.25,
                     seed: int = 0) -> list[list[str]]:
    """Communities of the similarity graph (Louvain modularity on the overall similarity,
    edges above ``threshold``), largest first; a fixed seed makes them repeatable. Councils
    linked to no other above the threshold form clusters of one."""
    graph = similarity_graph(table, threshold)
    communities = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c))
