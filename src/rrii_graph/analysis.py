"""Analysis stage: networkx graphs derived from the knowledge graph, and similarity between
councils. Every graph is built from the answers of the named queries (no SPARQL here); functions
return graphs or tables and never plot.

- :func:`membership_graph`: the bipartite council-network graph (direct memberships and those held
  through a grouping of municipalities), and :func:`council_projection`, its weighted projection;
- :func:`function_graph`: the bipartite council-function graph;
- :func:`twinning_graph`: municipalities linked by twinnings and partnerships;
- :func:`organigram`: the tree of a council's units at a date;
- :func:`similarity`: Jaccard similarity of councils over functions and over networks.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import networkx as nx
import pyoxigraph as ox
from networkx.algorithms import bipartite

from .layout import DEFAULT_BASE
from .queries import NamedQuery, ResultTable, run_named


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


@dataclass(frozen=True)
class Similarity:
    council: str
    other: str
    functions: float | None
    networks: float | None
    shared_functions: frozenset
    shared_networks: frozenset


def similarity(store: ox.Store, queries: dict[str, NamedQuery],
               lang: str = "ca") -> list[Similarity]:
    """Jaccard similarity for every pair of councils that have any known function or network,
    with what they share (the "why")."""
    functions = function_graph(store, queries, lang)
    networks = membership_graph(store, queries, lang)
    councils = sorted({n for g in (functions, networks) for n, d in g.nodes(data=True)
                       if d.get("kind") == "council"})

    def neighbours(graph: nx.Graph, node: str) -> set:
        return set(graph.neighbors(node)) if node in graph else set()

    table = []
    for a, b in combinations(councils, 2):
        fa, fb = neighbours(functions, a), neighbours(functions, b)
        na, nb = neighbours(networks, a), neighbours(networks, b)
        table.append(Similarity(a, b, jaccard(fa, fb), jaccard(na, nb),
                                frozenset(fa & fb), frozenset(na & nb)))
    return table
