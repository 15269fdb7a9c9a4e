"""Plots stage: charts for the comparison report, drawn with matplotlib on the Agg backend (no
display needed). Each function takes plain data and returns the image as bytes (PNG or SVG),
with fixed metadata so that the same data gives the same bytes."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

UNKNOWN_COLOUR = "#d9d9d9"
KNOWN_COLOUR = "#1f5f8b"


def _save(fig, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
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
