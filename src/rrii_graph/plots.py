"""Plots stage: charts for the comparison report, the notebooks and ``rrii plot``, drawn with
matplotlib on the Agg backend (no display needed). The drawing functions take plain data or
networkx graphs and return the image as bytes (PNG or SVG), with fixed metadata so that the same
data gives the same bytes; :func:`named_plot` gathers the data for one of :data:`PLOT_NAMES` from
the named queries and the analysis stage."""

from __future__ import annotations

import io

import matplotlib
import networkx as nx
import pyoxigraph as ox

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from . import messages
from .analysis import membership_graph, organigram  # noqa: E402
from .errors import QueryError  # noqa: E402
from .layout import DEFAULT_BASE  # noqa: E402
from .queries import NamedQuery, run_named  # noqa: E402

UNKNOWN_COLOUR = "#d9d9d9"
KNOWN_COLOUR = "#1f5f8b"


def _save(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    # SVG keeps its text as text (searchable, translatable) and fixed element ids
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "rrii-graph"}):
        fig.savefig(buffer, format=fmt, bbox_inches="tight", dpi=110, metadata=metadata)
    plt.close(fig)
    return buffer.getvalue()


def function_heatmap(councils: list[str], functions: list[str],
                     cells: dict[tuple[str, str], bool], unknown: set[str],
                     title: str, unknown_label: str, fmt: str = "png") -> bytes:
    """Councils (rows) by functions (columns): filled where a source states the function; a
    council with no known function at all is drawn grey and marked as unknown, not as zero."""
    height = 0.5 * max(len(councils), 1) + 2.2
    width = 0.55 * max(len(functions), 1) + 3.5
    fig, ax = plt.subplots(figsize=(width, height))
    for i, council in enumerate(councils):
        for j, function in enumerate(functions):
            if council in unknown:
                colour = UNKNOWN_COLOUR
            else:
                colour = KNOWN_COLOUR if cells.get((council, function)) else "white"
            ax.add_patch(plt.Rectangle((j, i), 1, 1, facecolor=colour, edgecolor="#888888"))
        if council in unknown:
            ax.text(len(functions) / 2, i + 0.5, unknown_label, ha="center", va="center",
                    fontsize=9, color="#333333")
    ax.set_xlim(0, max(len(functions), 1))
    ax.set_ylim(len(councils), 0)
    ax.set_xticks([j + 0.5 for j in range(len(functions))])
    ax.set_xticklabels(functions, rotation=45, ha="right", fontsize=8)
    ax.set_yticks([i + 0.5 for i in range(len(councils))])
    ax.set_yticklabels(councils, fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return _save(fig, fmt)


def institutionalisation_timeline(events: list[tuple[str, int, str]], title: str,
                                  fmt: str = "png") -> bytes:
    """One row per council; each dated event (a name or a placement of a unit) is a marker at
    its year, labelled. Undated events are not drawn (the report lists them as undated)."""
    councils = sorted({c for c, _, _ in events})
    fig, ax = plt.subplots(figsize=(10, 0.9 * max(len(councils), 1) + 1.6))
    for i, council in enumerate(councils):
        mine = sorted((year, label) for c, year, label in events if c == council)
        years = [y for y, _ in mine]
        ax.plot(years, [i] * len(years), "-o", color=KNOWN_COLOUR, markersize=6)
        for k, (year, label) in enumerate(mine):
            offset = 0.28 if k % 2 == 0 else -0.36
            ax.annotate(label, (year, i), xytext=(year, i + offset), fontsize=7,
                        ha="center", color="#222222")
    ax.set_yticks(range(len(councils)))
    ax.set_yticklabels(councils, fontsize=9)
    ax.set_ylim(-0.8, len(councils) - 0.2)
    ax.set_title(title, fontsize=11)
    ax.grid(axis="x", color="#eeeeee")
    return _save(fig, fmt)


def network_memberships(councils: list[str], counts: dict[str, int], unknown_label: str,
                        title: str, fmt: str = "png") -> bytes:
    """How many city networks each council belongs to; none known is labelled, not drawn as 0."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * max(len(councils), 1) + 1.4))
    values = [counts.get(c, 0) for c in councils]
    ax.barh(range(len(councils)), values, color=KNOWN_COLOUR)
    for i, v in enumerate(values):
        ax.text(v + 0.1, i, str(v) if v else unknown_label, va="center", fontsize=8)
    ax.set_yticks(range(len(councils)))
    ax.set_yticklabels(councils, fontsize=9)
    ax.invert_yaxis()
    ax.set_title(title, fontsize=11)
    ax.set_xlim(0, max(values + [1]) + 1.5)
    return _save(fig, fmt)


def organigram_chart(tree: nx.DiGraph, title: str, fmt: str = "png") -> bytes:
    """A council's organigram as a top-down tree: the council at the top, each unit under the
    unit, post or body it is placed in. A parent that is itself placed nowhere (a political
    post, say) hangs from the council by a dashed line; a unit with two known parents at once
    keeps the second as a dotted line."""
    graph = tree.copy()
    councils = sorted(n for n, d in graph.nodes(data=True) if d.get("kind") == "council")
    root = councils[0] if councils else sorted(graph.nodes)[0]
    loose = sorted(n for n, d in graph.in_degree() if d == 0 and n != root)
    for node in loose:
        graph.add_edge(root, node)
    span = nx.dfs_tree(graph, root, sort_neighbors=sorted)
    depth = nx.shortest_path_length(span, root)
    order = list(nx.dfs_preorder_nodes(span, root, sort_neighbors=sorted))
    leaves = [n for n in order if span.out_degree(n) == 0]
    x: dict[str, float] = {n: float(i) for i, n in enumerate(leaves)}
    for node in reversed(order):
        if node not in x:
            kids = [x[k] for k in span.successors(node)]
            x[node] = sum(kids) / len(kids)
    width = max(len(leaves), 1)
    levels = max(depth.values(), default=0) + 1
    fig, ax = plt.subplots(figsize=(max(6.0, 2.6 * width), 1.5 * levels + 1.2))
    for a, b in sorted(graph.edges()):
        if a not in depth or b not in depth:
            continue
        style = "--" if (a == root and b in loose) else "-" if span.has_edge(a, b) else ":"
        ax.plot([x[a], x[b]], [-depth[a], -depth[b]], style, color="#888888", zorder=1)
    for node in order:
        colour = "#f2f2f2" if graph.nodes[node].get("kind") == "council" else "#dbe8f3"
        ax.text(x[node], -depth[node], "\n".join(_wrap(str(node), 26)), ha="center",
                va="center", fontsize=8, zorder=2,
                bbox={"boxstyle": "round,pad=0.4", "facecolor": colour, "edgecolor": KNOWN_COLOUR})
    ax.set_xlim(-0.8, width - 0.2)
    ax.set_ylim(-levels + 0.4, 0.6)
    ax.set_title(title, fontsize=11)
    ax.axis("off")
    return _save(fig, fmt)


def network_chart(graph: nx.Graph, title: str, fmt: str = "png") -> bytes:
    """The council-network bipartite graph: councils on the left, networks on the right."""
    councils = sorted(n for n, d in graph.nodes(data=True) if d.get("bipartite") == 0)
    networks = sorted(n for n, d in graph.nodes(data=True) if d.get("bipartite") == 1)
    label = {n: str(d.get("label", n)) for n, d in graph.nodes(data=True)}
    councils.sort(key=lambda n: label[n])
    networks.sort(key=lambda n: label[n])
    pos = {n: (0.0, -i * (max(len(networks), 1) / max(len(councils), 1)))
           for i, n in enumerate(councils)}
    pos.update({n: (1.0, -float(i)) for i, n in enumerate(networks)})
    fig, ax = plt.subplots(figsize=(10, 0.32 * max(len(networks), len(councils), 4) + 1.5))
    for a, b in sorted(graph.edges(), key=lambda e: (label[e[0]], label[e[1]])):
        ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#9ab6cc", lw=0.8)
    for n in councils:
        ax.text(pos[n][0] - 0.02, pos[n][1], label[n], ha="right", va="center", fontsize=8)
    for n in networks:
        ax.text(pos[n][0] + 0.02, pos[n][1], label[n][:48], ha="left", va="center", fontsize=7)
    ax.scatter([pos[n][0] for n in councils], [pos[n][1] for n in councils], s=30,
               color=KNOWN_COLOUR, zorder=3)
    ax.scatter([pos[n][0] for n in networks], [pos[n][1] for n in networks], s=18,
               color="#e07b39", zorder=3)
    ax.set_xlim(-0.9, 2.3)
    ax.set_title(title, fontsize=11)
    ax.axis("off")
    return _save(fig, fmt)


def _wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


# --- Data for the charts, from named-query rows (shared with the comparison report)


def timeline_events(rows: list[dict]) -> list[tuple[str, int, str]]:
    """(council, year, label) for each dated row of the ``unit-timeline`` query; undated rows
    are left to the tables."""
    events = []
    for r in rows:
        start = r.get("start")
        if start and start[:4].isdigit():
            events.append((r["councilLabel"], int(start[:4]), r["label"][:38]))
    return events


def heatmap_data(rows: list[dict], names: list[str]
                 ) -> tuple[list[str], dict[tuple[str, str], str | None], set[str]]:
    """From ``function-matrix`` rows: the function labels, the (council, function) cells with
    their source, and the councils with no known function (drawn as unknown, not as zero)."""
    functions = sorted({r["functionLabel"] for r in rows})
    cells = {(r["councilLabel"], r["functionLabel"]): r.get("source") for r in rows}
    known = {c for c, _ in cells}
    return functions, cells, {n for n in names if n not in known}


# --- Named plots for ``rrii plot`` and the notebooks

PLOT_NAMES = ("organigram", "heatmap", "networks", "timeline")

def title(key: str, lang: str) -> str:
    """A plot's title word in ``lang`` (the message catalogue's section ``plots``)."""
    return messages.text(f"plots.{key}", lang)


def named_plot(name: str, store: ox.Store, queries: dict[str, NamedQuery], councils: list[str],
               lang: str = "ca", fmt: str = "png", date: str | None = None,
               base_uri: str = DEFAULT_BASE) -> bytes:
    """Draw one of :data:`PLOT_NAMES` for the councils (IRIs; the organigram takes the first)
    with labels in ``lang``. Raises :class:`QueryError` for an unknown name, or when the graph
    knows nothing to draw."""
    if name not in PLOT_NAMES:
        raise QueryError(f"no plot named {name!r} (known: {', '.join(PLOT_NAMES)})")
    if fmt not in ("png", "svg"):
        raise QueryError(f"plot format {fmt!r} is not png or svg")
    if not councils:
        raise QueryError("name at least one council to plot")
    labels = {r["council"]: r["label"] for c in councils for r in run_named(
        store, queries["coverage"], {"council": c}, lang, base_uri).rows}
    missing = [c for c in councils if c not in labels]
    if missing:
        raise QueryError(f"no council {', '.join(missing)} in the graph; "
                         "run 'rrii coverage' to see the councils it knows")
    names = [labels[c] for c in councils]
    if name == "organigram":
        tree = organigram(store, queries, councils[0], date, lang)
        if tree.number_of_nodes() == 0:
            raise QueryError(f"no unit of {names[0]} is known"
                             + (f" at {date}" if date else "") + ": nothing to draw")
        heading = title("organigram", lang) + f": {names[0]}"
        return organigram_chart(tree, heading + (f" ({title('at', lang)} {date})" if date
                                                  else ""), fmt)
    if name == "networks":
        graph = membership_graph(store, queries, lang)
        keep = set(councils)
        sub = graph.subgraph(set(councils) | {n for c in keep if c in graph
                                              for n in graph.neighbors(c)}).copy()
        if sub.number_of_edges() == 0:
            raise QueryError(f"no network membership known for {', '.join(names)}")
        return network_chart(sub, title("networks", lang), fmt)
    rows = [r for c in councils
            for r in run_named(store, queries["function-matrix" if name == "heatmap"
                                              else "unit-timeline"],
                               {"council": c}, lang, base_uri).rows]
    if name == "heatmap":
        functions, cells, unknown = heatmap_data(rows, names)
        return function_heatmap(names, functions, {k: True for k in cells}, unknown,
                                title("heatmap", lang), title("unknown", lang), fmt)
    events = timeline_events(rows)
    if not events:
        raise QueryError(f"no dated naming or placement known for {', '.join(names)}")
    return institutionalisation_timeline(events, title("timeline", lang), fmt)
