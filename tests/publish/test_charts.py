"""Charts: SVG that renders under the pages' Content-Security-Policy, bilingual, byte-stable.

The browser check (the chart is not black when opened under the policy) is in
tests/server/test_browser.py; these tests check the SVG text itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hngraph.publish import facts
from hngraph.publish.charts import (
    NETWORK_LINE_WIDTH,
    PRESENTATION,
    network_label,
    presentation_attributes,
    render_charts,
)
from hngraph.publish.graph import SiteGraph, load_site_graph
from hngraph.rdf.read import read_triples

ROOT = Path(__file__).resolve().parents[2]
MINI = ROOT / "tests" / "fixtures" / "publish" / "mini.ttl"
DATASET = ROOT / "data" / "dataset" / "hngraph.ttl"
MATPLOTLIB_SVG = b"""<?xml version="1.0" encoding="utf-8" standalone="no"?>
<svg xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" height="10pt" viewBox="0 0 10 10" \
xmlns="http://www.w3.org/2000/svg" version="1.1">
 <defs>
  <style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>
 </defs>
 <path d="M 0 0 L 10 10" style="fill: #ffffff; stroke: #1f4e79; stroke-width: 0.8"/>
 <text x="1" y="1" style="font-size: 9px; font-family: 'WenQuanYi Micro Hei', 'DejaVu Sans'; \
text-anchor: middle">&lt;\xe6\x95\x99&gt;</text>
</svg>
"""


@pytest.fixture(scope="module")
def mini_charts() -> dict[str, bytes]:
    return render_charts(SiteGraph(read_triples(MINI)))


def test_styles_become_presentation_attributes() -> None:
    out = presentation_attributes(MATPLOTLIB_SVG).decode()
    assert "style" not in out
    assert '<svg stroke-linejoin="round" stroke-linecap="butt" xmlns:xlink=' in out
    assert '<path d="M 0 0 L 10 10" fill="#ffffff" stroke="#1f4e79" stroke-width="0.8"/>' in out
    assert (
        "font-size=\"9px\" font-family=\"'WenQuanYi Micro Hei', 'DejaVu Sans'\" "
        'text-anchor="middle">&lt;教&gt;</text>'
    ) in out


@pytest.mark.parametrize("style", ["font: 9px sans-serif", "mix-blend-mode: multiply", "fill:"])
def test_a_style_with_no_presentation_attribute_is_refused(style: str) -> None:
    svg = MATPLOTLIB_SVG.replace(b"fill: #ffffff", style.encode())
    with pytest.raises(ValueError, match="presentation attribute"):
        presentation_attributes(svg)


def test_an_embedded_image_is_refused() -> None:
    svg = MATPLOTLIB_SVG.replace(b"</svg>", b'<image xlink:href="data:image/png;base64,AA"/></svg>')
    with pytest.raises(ValueError, match="embedded image"):
        presentation_attributes(svg)


def test_charts_hold_no_inline_style_and_no_embedded_image(mini_charts: dict[str, bytes]) -> None:
    assert sorted(mini_charts) == ["areas", "network", "workload"]
    for name, svg in mini_charts.items():
        text = svg.decode()
        assert "<style" not in text and "style=" not in text, name
        assert "<image" not in text and "data:" not in text, name
        names = set(re.findall(r' ([a-z-]+)="', text))
        colour_attributes = names & {"fill", "stroke", "stroke-width", "font-size"}
        assert colour_attributes, name
        assert names & PRESENTATION


def test_department_labels_are_bilingual(mini_charts: dict[str, bytes]) -> None:
    site = SiteGraph(read_triples(MINI))
    organisations = [w.organisation for w in facts.workload(site)]
    assert organisations
    for chart in ("workload", "areas"):
        text = mini_charts[chart].decode()
        for organisation in organisations:
            english = site.label(organisation, "en")
            assert english and english.replace("&", "&amp;") in text, (chart, english)
            assert facts.short_name(site, organisation) in text
    network = mini_charts["network"].decode()
    for organisation in organisations:
        label = network_label(site, organisation)
        assert "\n" in label, label  # the English name follows the Chinese one
        for line in label.splitlines():
            assert line.replace("&", "&amp;") in network, line


def test_network_labels_wrap_long_english_names() -> None:
    site = SiteGraph(read_triples(DATASET))
    longest = max(facts.workload(site), key=lambda w: len(site.label(w.organisation, "en") or ""))
    lines = network_label(site, longest.organisation).splitlines()
    assert len(lines) >= 3 and all(len(line) <= NETWORK_LINE_WIDTH for line in lines[1:])
    assert " ".join(lines[1:]) == site.label(longest.organisation, "en")


def test_chart_axes_say_both_languages(mini_charts: dict[str, bytes]) -> None:
    workload = mini_charts["workload"].decode()
    assert "任务数 number of tasks" in workload and "牵头 lead" in workload
    assert "配合 supporting" in workload


@pytest.mark.skipif(not DATASET.exists(), reason="the built dataset is missing; run hngraph build")
def test_charts_of_the_dataset_are_byte_stable_and_vector() -> None:
    first = render_charts(load_site_graph(DATASET))
    second = render_charts(load_site_graph(DATASET))
    assert first == second
    areas = first["areas"].decode()
    assert "<image" not in areas and "style=" not in areas
