"""The index page's charts, drawn with matplotlib as byte-stable SVG.

Text stays text in the SVG (``svg.fonttype = none``): the browser renders it with its own fonts,
screen readers and search find it, and the file does not embed glyph outlines. Layout uses the
metrics of a CJK font when one is installed (Debian: ``fonts-wqy-microhei``).

The pages' Content-Security-Policy (``style-src 'self'``) forbids inline styles, and a browser
that opens a chart under it ignores matplotlib's ``style="…"`` attributes and its ``<style>``
element, so every shape comes out black. ``presentation_attributes`` rewrites both into SVG
presentation attributes (``fill="#1f4e79"``), which no policy blocks; the heat map is drawn as
vector cells, not an embedded PNG (``img-src`` allows no ``data:`` URLs either). Labels are
bilingual: each department by its short Chinese name and its English name (the network chart,
whose names stand round a circle, by the short Chinese name; its data table beside it has both).
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from hngraph.publish import facts
from hngraph.publish.graph import SiteGraph

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
)
_CJK_FILE_HINTS = ("wqy", "notosanscjk", "sourcehansans", "droidsansfallback")
LEAD_COLOUR = "#1f4e79"
SUPPORT_COLOUR = "#9dc3e6"
CHARTS = ("workload", "network", "areas")


def _cjk_family() -> str | None:
    """A CJK font family known to matplotlib, registering system fonts its cache may miss."""
    from matplotlib import font_manager

    def known() -> str | None:
        names = {entry.name for entry in font_manager.fontManager.ttflist}
        return next((family for family in CJK_FAMILIES if family in names), None)

    family = known()
    if family is None:
        for path in sorted(font_manager.findSystemFonts()):
            if any(hint in Path(path).name.lower() for hint in _CJK_FILE_HINTS):
                font_manager.fontManager.addfont(path)
        family = known()
    return family


@contextmanager
def _style() -> Iterator[None]:
    import matplotlib

    family = _cjk_family()
    params: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "hngraph",
        "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(params):
        yield


def _svg(figure: object, title: str) -> bytes:
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    FigureCanvasSVG(figure)  # type: ignore[arg-type]
    buffer = io.BytesIO()
    figure.savefig(  # type: ignore[attr-defined]
        buffer,
        format="svg",
        bbox_inches="tight",
        metadata={"Date": None, "Creator": "hngraph publish (matplotlib)", "Title": title},
    )
    return presentation_attributes(buffer.getvalue())


#: The SVG presentation attributes matplotlib's styles use: each CSS property in a ``style``
#: attribute becomes the attribute of the same name. Anything else stops the build, so that a
#: new matplotlib cannot slip an unconverted style past the policy.
PRESENTATION = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r'\s*<defs>\s*<style type="text/css">\*\{([^}<]*)\}</style>\s*</defs>')
_SVG_START = re.compile(r"<svg ")


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = []
    for declaration in css.split(";"):
        if not declaration.strip():
            continue
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name not in PRESENTATION or not value:
            raise ValueError(f"chart style {declaration.strip()!r} has no presentation attribute")
        pairs.append((name, value))
    return pairs


def _attributes(pairs: list[tuple[str, str]]) -> str:
    return "".join(f' {name}="{value}"' for name, value in pairs)


def presentation_attributes(svg: bytes) -> bytes:
    """matplotlib's SVG with its inline styles turned into presentation attributes: the
    ``style`` attributes on each element, and the one ``* {…}`` rule of its ``<style>`` element
    on the root (inherited by every element that does not set its own)."""
    text = svg.decode("utf-8")
    rule = _STYLE_ELEMENT.search(text)
    if rule is not None:
        text = text[: rule.start()] + text[rule.end() :]
        root = _attributes(_declarations(rule.group(1)))
        text = _SVG_START.sub(lambda m: "<svg" + root + " ", text, count=1)
    text = _STYLE_ATTRIBUTE.sub(lambda m: _attributes(_declarations(m.group(1))), text)
    if "<style" in text or " style=" in text or "<image" in text:
        raise ValueError("chart SVG still holds an inline style or an embedded image")
    return text.encode("utf-8")


def bilingual_name(site: SiteGraph, node: ox.NamedNode, separator: str = "\n") -> str:
    """A department in a chart: its short Chinese name and its English name (when it has one)."""
    english = site.label(node, "en")
    short = facts.short_name(site, node)
    return short + separator + english if english and english != short else short


#: Width (characters) of an English name's lines in the network chart, whose labels radiate.
NETWORK_LINE_WIDTH = 36


def network_label(site: SiteGraph, node: ox.NamedNode) -> str:
    """A department on the network's circle: short Chinese name, English name in short lines."""
    english = site.label(node, "en")
    short = facts.short_name(site, node)
    if not english or english == short:
        return short
    return short + "\n" + textwrap.fill(english, NETWORK_LINE_WIDTH, break_on_hyphens=False)


def render_charts(site: SiteGraph) -> dict[str, bytes]:
    """Chart name → SVG bytes for every chart in ``CHARTS``."""
    with _style():
        return {
            "workload": workload_chart(site),
            "network": network_chart(site),
            "areas": area_chart(site),
        }


def workload_chart(site: SiteGraph) -> bytes:
    """Horizontal stacked bars: tasks each organisation leads and supports."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    rows = facts.workload(site)
    figure = Figure(figsize=(10, 1.2 + 0.42 * max(len(rows), 1)))
    axes = figure.add_subplot()
    names = [bilingual_name(site, row.organisation) for row in rows]
    positions = list(range(len(rows)))
    axes.barh(positions, [r.lead for r in rows], color=LEAD_COLOUR, label="牵头 lead")
    axes.barh(
        positions,
        [r.supporting for r in rows],
        left=[r.lead for r in rows],
        color=SUPPORT_COLOUR,
        label="配合 supporting",
    )
    for position, row in zip(positions, rows, strict=True):
        axes.text(
            row.total + 0.3, position, f"{row.lead} / {row.supporting}", va="center", fontsize=8
        )
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlabel("任务数 number of tasks")
    axes.set_title("部门任务量：牵头与配合  Department workload: lead vs supporting")
    axes.legend(loc="lower right", frameon=False)
    axes.set_xlim(0, max((r.total for r in rows), default=1) * 1.15 + 1)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _svg(figure, "Department workload")


def network_chart(site: SiteGraph) -> bytes:
    """Organisations on a circle; a line for each pair sharing tasks, wider for more tasks."""
    from matplotlib.figure import Figure

    rows = facts.workload(site)
    pairs = facts.co_responsibility(site)
    figure = Figure(figsize=(11, 11))
    axes = figure.add_subplot()
    axes.set_aspect("equal")
    axes.axis("off")
    count = max(len(rows), 1)
    place = {
        row.organisation: (
            math.cos(math.pi / 2 - 2 * math.pi * i / count),
            math.sin(math.pi / 2 - 2 * math.pi * i / count),
        )
        for i, row in enumerate(rows)
    }
    strongest = max(pairs.values(), default=1)
    for (a, b), weight in pairs.items():
        (x1, y1), (x2, y2) = place[a], place[b]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color=LEAD_COLOUR,
            linewidth=0.4 + 4.0 * weight / strongest,
            alpha=0.25 + 0.6 * weight / strongest,
            zorder=1,
        )
    busiest = max((r.total for r in rows), default=1)
    for row in rows:
        x, y = place[row.organisation]
        axes.scatter(
            [x],
            [y],
            s=40 + 500 * row.total / busiest,
            color=SUPPORT_COLOUR,
            edgecolors=LEAD_COLOUR,
            zorder=2,
        )
        angle = math.degrees(math.atan2(y, x))
        flip = abs(angle) > 90
        axes.text(
            1.12 * x,
            1.12 * y,
            network_label(site, row.organisation),
            rotation=angle + 180 if flip else angle,
            rotation_mode="anchor",
            ha="right" if flip else "left",
            va="center",
            fontsize=7,
            linespacing=1.1,
        )
    axes.set_xlim(-2.3, 2.3)
    axes.set_ylim(-2.3, 2.3)
    axes.set_title(
        "共同责任网络（线宽 = 共同负责的任务数）\n"
        "Co-responsibility network (line width = shared tasks)"
    )
    return _svg(figure, "Co-responsibility network")


def area_chart(site: SiteGraph) -> bytes:
    """Heat map of policy areas × organisations (tasks of the area the organisation is on)."""
    from matplotlib.figure import Figure

    areas, organisations, matrix = facts.area_matrix(site)
    title = "政策领域 × 部门（任务数）  Policy area × department (tasks)"
    if not areas:
        figure = Figure(figsize=(7.5, 1.5))
        axes = figure.add_subplot()
        axes.axis("off")
        axes.text(
            0.5,
            0.5,
            "暂无政策领域数据  No policy-area data in this dataset",
            ha="center",
            va="center",
        )
        axes.set_title(title)
        return _svg(figure, "Policy area by department")
    figure = Figure(figsize=(1.8 + 0.38 * len(organisations), 1.6 + 0.36 * len(areas)))
    axes = figure.add_subplot()
    # cells as vector quads (pcolormesh), not a PNG inside the SVG (imshow)
    image = axes.pcolormesh(matrix, cmap="Blues", vmin=0, edgecolors="none")
    axes.set_xlim(0, len(organisations))
    axes.set_ylim(len(areas), 0)
    strongest = max((max(row) for row in matrix), default=1) or 1
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value:
                colour = "white" if value > strongest / 2 else "black"
                axes.text(
                    c + 0.5, r + 0.5, str(value), ha="center", va="center", fontsize=7, color=colour
                )
    axes.set_xticks(
        [c + 0.5 for c in range(len(organisations))],
        [bilingual_name(site, o, " ") for o in organisations],
        rotation=90,
    )
    axes.set_yticks([r + 0.5 for r in range(len(areas))], [_area_label(site, a) for a in areas])
    axes.spines[:].set_visible(False)
    axes.set_title(title)
    colorbar = figure.colorbar(image, ax=axes, shrink=0.6, label="任务数 tasks")
    if colorbar.solids is not None:
        colorbar.solids.set_rasterized(False)  # vector, like the cells
    return _svg(figure, "Policy area by department")


def _area_label(site: SiteGraph, area: object) -> str:
    zh = site.label(area, "zh")  # type: ignore[arg-type]
    en = site.label(area, "en")  # type: ignore[arg-type]
    return " ".join(part for part in (zh, en) if part) or str(area)
