"""Print layouts: the recipe's map as a page for a planning document (PDF, PNG, SVG).

The page is the same Folium map as the interactive one (same layers, styles,
labels; :func:`geosci.mapping.build_map` with ``page=``), laid out in
millimetres for paper instead of a browser window:

- the map frame, with a north arrow and a metric scale bar (with the
  representative fraction at print size) inside it;
- a title block: the title and a subtitle naming the scenario, origin,
  radius or minutes where they apply;
- a side panel (below the map in portrait): the legend of only what is
  drawn, an inset locator showing the frame within Chongqing, and the source
  and accuracy note built from the catalog entries of the layers drawn
  (and the user's own source for their files), the date and geosci version.

No zoom buttons, no layer panel, no attribution control. Text is sized in
points, so it reads the same at every dpi. Headless Chromium
(:mod:`geosci.browser`) renders it: ``--print-to-pdf`` gives a vector PDF
(selectable text, lines as paths); a screenshot at a device scale factor of
``dpi / 96`` gives a PNG of the page's pixel size at that dpi (A4 landscape
at 300 dpi: 3508 x 2480); the SVG is the PDF converted by poppler's
``pdftocairo -svg`` (vector; its text is drawn as glyph outlines, so it is not
selectable).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import GeosciError, ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import folium
    import geopandas as gpd

    from geosci.mapping import Basemap

__all__ = [
    "FORMATS",
    "PAGES",
    "Page",
    "PrintResult",
    "add_page_furniture",
    "make_map_outputs",
    "print_format",
    "write_print",
]

PAGES = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A2": (594.0, 420.0)}
FORMATS = ("pdf", "png", "svg")


@dataclass(frozen=True)
class Page:
    """A paper page: ISO size and orientation; lengths in millimetres.

    Examples
    --------
    >>> Page("A4").size_mm, Page("A4", landscape=False).size_mm
    ((297.0, 210.0), (210.0, 297.0))
    >>> Page("A4").pixels(300)
    (3508, 2480)
    """

    size: str = "A4"
    landscape: bool = True

    def __post_init__(self) -> None:
        if self.size not in PAGES:
            raise ParameterError("page", f"{{name}} should be one of {', '.join(PAGES)}, got {self.size!r}")

    @property
    def size_mm(self) -> tuple[float, float]:
        """Return ``(width, height)`` in millimetres."""
        long, short = PAGES[self.size]
        return (long, short) if self.landscape else (short, long)

    @property
    def factor(self) -> float:
        """Return how much larger text and furniture are than on A4 (A3 1.41, A2 2)."""
        return min(PAGES[self.size]) / 210.0

    def pixels(self, dpi: float) -> tuple[int, int]:
        """Return the page's size in pixels at ``dpi``."""
        w, h = self.size_mm
        return round(w / 25.4 * dpi), round(h / 25.4 * dpi)


@dataclass
class PrintResult:
    """What :func:`write_print` wrote and what it had to leave out."""

    path: Path
    format: str
    page: Page
    dpi: float
    pixels: tuple[int, int] | None = None
    labels_placed: int = 0
    labels_dropped: int = 0
    dropped_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """Return what was written, the labels placed and dropped, and any warning, in one line."""
        w, h = self.page.size_mm
        size = f"{self.pixels[0]}x{self.pixels[1]} px at {self.dpi:g} dpi, " if self.pixels else ""
        orient = "landscape" if self.page.landscape else "portrait"
        text = (
            f"{self.format.upper()}, {self.page.size} {orient} {w:g}x{h:g} mm, {size}labels: {self.labels_placed} "
            f"placed, {self.labels_dropped} dropped for lack of room"
        )
        return text + "".join(f"; warning: {w}" for w in self.warnings)

    def summary(self) -> str:
        """Return a one-line run summary for people."""
        return f"wrote {self.path} ({self.describe()})"


def print_format(path: str | Path, fmt: str | None = None) -> str:
    """Return the output format of ``path``; refuse a suffix that does not match ``fmt``.

    Examples
    --------
    >>> print_format("map.pdf")
    'pdf'
    >>> print_format("map.pdf", "png")
    Traceback (most recent call last):
    ...
    geosci.errors.ParameterError: path 'map.pdf' should end in .png for a PNG page
    """
    suffix = Path(path).suffix.lower().lstrip(".")
    if fmt is not None:
        if fmt not in FORMATS:
            raise ParameterError("fmt", f"{{name}} should be one of {', '.join(FORMATS)}, got {fmt!r}")
        if suffix != fmt:
            raise ParameterError("path", f"{{name}} {str(path)!r} should end in .{fmt} for a {fmt.upper()} page")
        return fmt
    if suffix not in FORMATS:
        raise ParameterError("path", f"{{name}} {str(path)!r} should end in .pdf, .png or .svg")
    return suffix


# ----------------------------------------------------------------------------- layout
NOTE_PT = 5.4
"""Type size of the sources note (points, at A4), before any shrinking to fit."""


def _note_height(note_html: str, page: Page) -> float:
    """Return the height (mm) the sources note needs in two columns at :data:`NOTE_PT`, within bounds.

    An estimate from the text: a CJK character is one em wide, any other
    about half an em; every paragraph starts a line. At least the page's
    usual strip (21 mm landscape, 30 mm portrait), at most a third of the
    page; the page's script shrinks the type if the estimate falls short.
    """
    import math

    w, h = page.size_mm
    f = page.factor
    em = NOTE_PT * f * 25.4 / 72
    column = (w - 16.0 * f - 4.0 * f) / 2
    lines = 0
    for para in re.findall(r"<p>(.*?)</p>", note_html, re.S):
        text = html.unescape(re.sub(r"<[^>]+>", "", para))
        width = sum(1.0 if ord(c) >= 0x2E80 else 0.5 for c in text) * em
        lines += max(1, math.ceil(width / column))
    need = math.ceil(lines / 2) * 1.28 * em + 1.5 * f
    base = (21.0 if page.landscape else 30.0) * f
    return float(min(max(base, need), h / 3))


def _layout(page: Page, note_h: float | None = None) -> dict[str, tuple[float, float, float, float]]:
    """Return the boxes (x, y, w, h in mm) of the title block, map frame, panel and note strip."""
    w, h = page.size_mm
    f = page.factor
    m, gap, title_h = 8.0 * f, 3.0 * f, 17.0 * f
    note_h = note_h or (21.0 if page.landscape else 30.0) * f
    body_y = m + title_h + gap
    body_h = h - body_y - m - note_h - gap
    note = (m, h - m - note_h, w - 2 * m, note_h)
    if page.landscape:
        panel_w = 70.0 * f
        return {
            "title": (m, m, w - 2 * m, title_h),
            "map": (m, body_y, w - 2 * m - panel_w - gap, body_h),
            "panel": (w - m - panel_w, body_y, panel_w, body_h),
            "note": note,
        }
    panel_h = 62.0 * f
    return {
        "title": (m, m, w - 2 * m, title_h),
        "map": (m, body_y, w - 2 * m, body_h - panel_h - gap),
        "panel": (m, body_y + body_h - panel_h, w - 2 * m, panel_h),
        "note": note,
    }


def _frame_bounds(bounds, aspect: float) -> tuple[float, float, float, float]:
    """Return ``bounds`` widened to the map frame's aspect ratio (width / height), as the map will show them."""
    import math

    minx, miny, maxx, maxy = bounds
    kx = math.cos(math.radians((miny + maxy) / 2))
    w, h = (maxx - minx) * kx, maxy - miny
    if w / h < aspect:
        grow = (h * aspect - w) / kx / 2
        return minx - grow, miny, maxx + grow, maxy
    grow = (w / aspect - h) / 2
    return minx, miny - grow, maxx, maxy + grow


def _box(b: tuple[float, float, float, float], important: str = "") -> str:
    x, y, w, h = b
    return f"left:{x:.2f}mm{important};top:{y:.2f}mm{important};width:{w:.2f}mm{important};height:{h:.2f}mm{important};"


def _page_css(page: Page, boxes: dict, n_legend: int) -> str:
    from geosci.mapping import FONT

    w, h = page.size_mm
    f = page.factor
    if page.landscape:
        columns = 2 if n_legend > 16 else 1
    else:
        columns = 3 if n_legend > 22 else 2 if n_legend > 10 else 1
    pt = lambda v: f"{v * f:.2f}pt"  # noqa: E731 - a unit helper
    inset_cap = "" if page.landscape else f"max-height: {52 * f:.1f}mm;"  # the locator within the panel's height
    return f"""
@page {{size: {w}mm {h}mm; margin: 0;}}
html, body {{margin: 0; padding: 0; background: #fff; -webkit-print-color-adjust: exact; print-color-adjust: exact;}}
html {{width: {w}mm !important; height: {h}mm !important;}}
body {{width: {w}mm !important; height: {h}mm !important; position: relative; overflow: hidden;
  font-family: {FONT}; color: #222;}}
.folium-map {{position: absolute !important; {_box(boxes["map"], " !important")} outline: {0.3 * f:.2f}mm solid #333;}}
.leaflet-container {{background: #fbfaf7;}}
.geosci-page-title {{position: absolute; {_box(boxes["title"])} box-sizing: border-box;
  border-bottom: {0.5 * f:.2f}mm solid #333; padding-bottom: 1mm; display: flex; flex-direction: column;
  justify-content: flex-end;}}
.geosci-page-title h1 {{font-size: {pt(15)}; margin: 0; line-height: 1.2;}}
.geosci-page-title .en {{font-size: {pt(10)}; font-weight: bold; color: #333;}}
.geosci-page-title .sub {{font-size: {pt(8.5)}; color: #444;}}
.geosci-panel {{position: absolute; {_box(boxes["panel"])} box-sizing: border-box; display: flex;
  flex-direction: {"column" if page.landscape else "row"}; gap: {2.5 * f:.2f}mm; font-size: {pt(6.5)};}}
.geosci-panel > div {{box-sizing: border-box; border: {0.2 * f:.2f}mm solid #999; padding: {1.5 * f:.2f}mm;
  background: #fff;}}
.geosci-page-legend {{flex: 1 1 0; overflow: hidden; column-count: {columns}; column-gap: {2 * f:.2f}mm;
  min-width: 0;}}
.geosci-page-legend .geosci-legend-title {{font-size: {pt(8)}; font-weight: bold; column-span: all;
  margin-bottom: 1mm;}}
.geosci-page-legend .geosci-legend-group {{font-weight: bold; margin-top: 0.6mm; break-after: avoid;}}
.geosci-page-legend .geosci-legend-row {{display: flex; align-items: center; gap: 1.2mm; break-inside: avoid;
  line-height: 1.25; margin: 0.25mm 0;}}
.geosci-page-legend .geosci-swatch {{width: {8 * f:.2f}mm; height: {4 * f:.2f}mm; flex: none;}}
.geosci-page-legend .geosci-legend-label {{white-space: normal;}}
.geosci-page-table {{flex: none; padding: {1.2 * f:.2f}mm !important;}}
.geosci-page-table .geosci-table-title {{font-size: {pt(7)}; font-weight: bold; margin-bottom: 0.6mm;}}
.geosci-page-table table {{border-collapse: collapse; width: 100%; font-size: {pt(6)};}}
.geosci-page-table th, .geosci-page-table td {{border-top: {0.15 * f:.2f}mm solid #bbb; padding: 0.3mm 0.6mm;
  text-align: left; vertical-align: top; line-height: 1.2;}}
.geosci-page-table td:last-child, .geosci-page-table th:last-child {{white-space: nowrap; text-align: right;}}
.geosci-page-table .cap {{font-size: {pt(5.4)}; color: #444; margin-top: 0.5mm;}}
.geosci-page-table .en {{display: block; font-size: {pt(5)}; color: #555;}}
.geosci-page-inset {{flex: none; width: {"100%" if page.landscape else f"{75 * f:.1f}mm"}; padding: 1mm !important;}}
.geosci-page-inset .cap {{font-size: {pt(6)}; color: #444; margin-bottom: 0.5mm;}}
.geosci-page-inset svg {{display: block; width: 100%; height: auto; {inset_cap}}}
.geosci-page-table ~ .geosci-page-inset svg {{width: {"58%" if page.landscape else "100%"}; margin: 0 auto;}}
.geosci-page-note {{position: absolute; {_box(boxes["note"])} box-sizing: border-box; font-size: {pt(5.4)};
  line-height: 1.28; color: #333; overflow: hidden; column-count: 2;
  column-gap: {4 * f:.2f}mm; border-top: {0.3 * f:.2f}mm solid #333; padding-top: {1 * f:.2f}mm;}}
.geosci-page-note p {{margin: 0 0 0.4mm 0;}}
.geosci-page-note b {{color: #111;}}
.geosci-north, .geosci-scale {{box-shadow: none !important; border: {0.2 * f:.2f}mm solid #999;
  background: rgba(255,255,255,0.9) !important; font-family: {FONT};}}
.geosci-scale {{font-size: {pt(6.5)}; padding: 1mm 2mm 0.5mm 2mm;}}
.geosci-scale-ratio {{font-size: {pt(6)}; text-align: center;}}
.geosci-label-s {{font-size: {pt(5.6)};}} .geosci-label-m {{font-size: {pt(6.3)};}}
.geosci-label-l {{font-size: {pt(7.8)};}}
.leaflet-control-attribution, .leaflet-control-zoom, .leaflet-control-layers {{display: none !important;}}
"""


def _inset_html(bounds: tuple[float, float, float, float], width_mm: float, *, lang: str) -> str:
    """Return the panel's locator box with its caption, or ``""`` when the frame would cover most of it."""
    svg, regional, share = _inset(bounds, width_mm)
    if share > INSET_MAX_SHARE:  # a frame covering most of the locator locates little: its room goes to the legend
        return ""
    cap = (
        {"zh": "位置示意：图框（红）在川渝两地", "en": "Locator: the frame (red) within Sichuan and Chongqing"}
        if regional
        else {"zh": "位置示意：图框（红）在重庆市内", "en": "Locator: the frame (red) within Chongqing"}
    )
    return f'<div class="geosci-page-inset"><div class="cap">{html.escape(cap.get(lang, cap["zh"]))}</div>{svg}</div>'


INSET_MAX_SHARE = 0.5
"""The largest share of the locator the map's frame may cover for the locator to be drawn."""


def _inset(bounds: tuple[float, float, float, float], width_mm: float) -> tuple[str, bool, float]:
    """Return an SVG locator, whether it is regional, and the share of it the frame covers.

    Chongqing's districts (the science city's five filled) are drawn, and
    Sichuan's cities as well when the frame reaches beyond Chongqing; the
    frame is a red box, set by the page's script from the map's real bounds.
    """
    import math

    import numpy as np
    import shapely

    from geosci.catalog import list_layers, read_layer

    context = read_layer("chongqing_districts") if "chongqing_districts" in list_layers() else None
    five = read_layer("districts")
    sichuan = None
    if context is not None and "sichuan_cities" in list_layers():
        frame, home = shapely.box(*bounds), shapely.box(*context.total_bounds)
        if shapely.area(shapely.intersection(frame, home)) < 0.9 * shapely.area(frame):  # a tenth or more outside
            sichuan = read_layer("sichuan_cities")
    frames = [f for f in (context, sichuan, five) if f is not None]
    arr = np.array([f.total_bounds for f in frames] + [bounds])
    minx, miny, maxx, maxy = arr[:, 0].min(), arr[:, 1].min(), arr[:, 2].max(), arr[:, 3].max()
    pad = 0.04 * max(maxx - minx, maxy - miny)
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    kx = math.cos(math.radians((miny + maxy) / 2))
    vw = 300.0
    k = vw / ((maxx - minx) * kx)
    vh = (maxy - miny) * k
    if vh > vw * 1.1:  # keep the locator no taller than wide
        k *= vw * 1.1 / vh
        vh = vw * 1.1

    def path(geom) -> str:
        geom = shapely.simplify(geom, (maxx - minx) / 400)
        out = []
        for poly in getattr(geom, "geoms", [geom]):
            for ring in [poly.exterior, *poly.interiors]:
                xy = np.asarray(ring.coords)
                pts = " ".join(f"{(x - minx) * kx * k:.1f},{(maxy - y) * k:.1f}" for x, y in xy)
                out.append(f"M{pts}Z")
        return "".join(out)

    shapes = []
    for frame in (sichuan, context):
        if frame is not None:
            shapes += [
                f'<path d="{path(g)}" fill="#f1efe9" stroke="#b9b3a6" stroke-width="0.6"/>' for g in frame.geometry
            ]
    shapes += [f'<path d="{path(g)}" fill="#e4d7b8" stroke="#7a6f5f" stroke-width="0.8"/>' for g in five.geometry]
    proj = json.dumps({"minx": minx, "maxy": maxy, "kx": kx, "k": k})
    return (
        f'<svg class="geosci-inset" viewBox="0 0 {vw:.0f} {vh:.0f}" data-proj=\'{proj}\'>'
        + "".join(shapes)
        + '<rect id="geosci-inset-frame" x="0" y="0" width="0" height="0" fill="rgba(214,40,40,0.12)"'
        ' stroke="#d62828" stroke-width="2.5"/></svg>',
        sichuan is not None,
        float((bounds[2] - bounds[0]) * (bounds[3] - bounds[1]) / ((maxx - minx) * (maxy - miny))),
    )


_INSET_JS = """{% macro script(this, kwargs) %}
(function (map) {
  // a legend longer than its box: smaller type until it fits (recorded on the page)
  var legend = document.querySelector('.geosci-page-legend'), pt = 6.5 * {{ this.factor }};
  function over() {
    return legend.scrollHeight > legend.clientHeight + 1 || legend.scrollWidth > legend.clientWidth + 1;
  }
  while (legend && over() && pt > 3.8 * {{ this.factor }}) { pt -= 0.25; legend.style.fontSize = pt + 'pt'; }
  if (legend) { document.documentElement.setAttribute('data-geosci-legend', over() ? 'overflow' : 'fits'); }
  // the sources note the same way: every source, licence and attribution on the page, never cut off
  var note = document.querySelector('.geosci-page-note'), npt = 5.4 * {{ this.factor }};
  function noteOver() { return note.scrollHeight > note.clientHeight + 1 || note.scrollWidth > note.clientWidth + 1; }
  while (note && noteOver() && npt > 3.6 * {{ this.factor }}) { npt -= 0.2; note.style.fontSize = npt + 'pt'; }
  if (note) { document.documentElement.setAttribute('data-geosci-note', noteOver() ? 'overflow' : 'fits'); }
  function frame() {
    var svg = document.querySelector('svg.geosci-inset'), r = document.getElementById('geosci-inset-frame');
    if (!svg || !r) { return; }
    var p = JSON.parse(svg.getAttribute('data-proj')), b = map.getBounds();
    var x0 = (b.getWest() - p.minx) * p.kx * p.k, x1 = (b.getEast() - p.minx) * p.kx * p.k;
    var y0 = (p.maxy - b.getNorth()) * p.k, y1 = (p.maxy - b.getSouth()) * p.k;
    var w = Math.max(x1 - x0, 4), h = Math.max(y1 - y0, 4);
    r.setAttribute('x', (x0 + x1 - w) / 2); r.setAttribute('y', (y0 + y1 - h) / 2);
    r.setAttribute('width', w); r.setAttribute('height', h);
  }
  map.whenReady(frame); map.on('moveend zoomend', frame);
})({{ this._parent.get_name() }});
{% endmacro %}"""


def _note_html(recipe: dict, *, lang: str, datum: str, basemap: Basemap | None) -> str:
    from geosci.mapping import footer_text, source_notes

    note = source_notes(recipe, lang=lang)
    head = {"zh": "来源与精度", "en": "Sources and accuracy"}.get(lang, "来源与精度 Sources and accuracy")
    rows, licences = [], []
    for row in note["layers"]:
        bits = [", ".join(row["sources"]), row["accuracy"]]
        rows.append(f"<p><b>{html.escape(row['title'])}</b>: {html.escape('; '.join(b for b in bits if b))}</p>")
        if row["attribution"] and row["attribution"] not in licences:
            licences.append(row["attribution"])
    if licences:
        label = {"zh": "许可与署名", "en": "Licences and attribution"}.get(lang, "许可与署名 Licences and attribution")
        rows.append(f"<p><b>{label}</b>: {html.escape('; '.join(licences))}</p>")
    if note["documents"]:
        docs = "; ".join(f"{c} {t}" for c, t in note["documents"].items())
        label = {"zh": "规划文件", "en": "Documents"}.get(lang, "规划文件 Documents")
        rows.append(f"<p><b>{label}</b>: {html.escape(docs)}</p>")
    caveat = {
        "zh": "点线位置多为近似或示意（见各图层精度），非测绘成果。",
        "en": "Most positions are approximate or schematic (see each layer's accuracy), not surveyed.",
    }
    if any(not r.get("user") and not r.get("derived") for r in note["layers"]):
        text = caveat.get(lang, caveat["zh"] + " " + caveat["en"])
        rows.append(f"<p>{html.escape(text)}</p>")
    rows.append(f"<p>{html.escape(footer_text(datum=datum, lang=lang, basemap=basemap))}</p>")
    return f"<p><b>{head}</b></p>" + "".join(rows)


def add_page_furniture(
    m: folium.Map,
    recipe: dict[str, Any],
    prepared: dict[str, gpd.GeoDataFrame],
    *,
    page: Page,
    lang: str,
    datum: str,
    basemap: Basemap | None,
    bounds: tuple[float, float, float, float],
    title: str | None = None,
    subtitle: str | None = None,
) -> None:
    """Lay ``m`` out as ``page``: title block, map frame, legend, inset and note; north arrow and scale in the frame."""
    from branca.element import Element, MacroElement
    from jinja2 import Template

    from geosci.mapping import (
        NORTH_ARROW,
        _control,
        add_scale_bar,
        legend_entries,
        legend_html,
        map_title,
        page_table_html,
    )

    note = _note_html(recipe, lang=lang, datum=datum, basemap=basemap)
    boxes = _layout(page, note_h=_note_height(note, page))
    shown = _frame_bounds(bounds, boxes["map"][2] / boxes["map"][3])
    rows = legend_entries(recipe, prepared, lang=lang, bounds=shown)
    main, second, sub = map_title(recipe, lang=lang, title=title, subtitle=subtitle)
    title_html = (
        f"<h1>{html.escape(main)}</h1>"
        + (f'<div class="en">{html.escape(second)}</div>' if second else "")
        + (f'<div class="sub">{html.escape(sub)}</div>' if sub else "")
    )
    panel_w = boxes["panel"][2] if page.landscape else boxes["panel"][3] * 1.1
    table = page_table_html(recipe.get("page_table"), lang=lang)
    inset = _inset_html(shown, panel_w, lang=lang) if recipe.get("inset", True) else ""
    panel = (
        f'<div class="geosci-panel"><div class="geosci-page-legend">{legend_html(rows, lang)}</div>{table}{inset}'
        "</div>"
        f'<div class="geosci-page-note">{note}</div>'
    )
    root = m.get_root()
    root.header.add_child(Element(f"<style>{_page_css(page, boxes, len(rows))}</style>"), name="geosci_page_css")  # type: ignore[attr-defined]
    root.header.add_child(  # type: ignore[attr-defined]
        Element(f'<meta name="geosci-page" content="{page.size} {"landscape" if page.landscape else "portrait"}">'),
        name="geosci_page",
    )
    root.html.add_child(Element(f'<div class="geosci-page-title">{title_html}</div>{panel}'), name="geosci_page_body")  # type: ignore[attr-defined]
    _control(m, NORTH_ARROW, position="topright", css_class="geosci-north geosci-obstacle")
    add_scale_bar(m, position="bottomleft", max_px=round(130 * page.factor), ratio=True)

    class InsetFrame(MacroElement):
        _template = Template(_INSET_JS)

        def __init__(self):
            super().__init__()
            self.factor = page.factor

    m.add_child(InsetFrame())


# ----------------------------------------------------------------------------- rendering
def _tile_warning(basemap: Basemap | None) -> str | None:
    """Return a warning when ``basemap`` is an online tile server that cannot be reached."""
    if basemap is None:
        return None
    from urllib.parse import urlsplit

    host = urlsplit(basemap.url.replace("{s}", (basemap.subdomains or "a")[0])).hostname
    try:
        socket.create_connection((host, 443), timeout=3).close()
    except OSError:
        return (
            f"the basemap's tile server {host} cannot be reached (no network?): the page is drawn without a "
            "basemap; use --tiles none, or a local tile archive"
        )
    return None


def _window(page: Page, dpi: float) -> tuple[int, int, float]:
    """Return a window size in CSS pixels and a device scale factor that give the page's pixel size at ``dpi``."""
    tw, th = page.pixels(dpi)
    w_mm, h_mm = page.size_mm
    best = None
    for cw in range(round(w_mm / 25.4 * 96) - 2, round(w_mm / 25.4 * 96) + 3):
        scale = tw / cw
        for ch in range(round(h_mm / 25.4 * 96) - 2, round(h_mm / 25.4 * 96) + 3):
            err = abs(ch * scale - th)
            if best is None or err < best[0]:
                best = (err, cw, ch, scale)
    assert best is not None  # the loops above always run
    return best[1], best[2], best[3]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def _fit_warnings(dom: str, page: Page) -> list[str]:
    """Return a warning for each panel of the page (legend, sources note) too long for its box even in small type.

    A larger paper size does not help: type and panels scale with it.
    """
    other = "" if page.landscape else " or try --landscape"  # the type scales with the paper: a larger page won't
    return [
        f"the {what} does not fit the page even in small type and is cut off: draw fewer layers{other}"
        for key, what in (("legend", "legend"), ("note", "sources note"))
        if f'data-geosci-{key}="overflow"' in dom
    ]


def _label_report(dom: str) -> dict:
    m = re.search(r"data-geosci-labels=\"([^\"]*)\"", dom)
    return json.loads(html.unescape(m.group(1))) if m else {}


def write_print(
    recipe: dict[str, Any] | str,
    path: str | Path,
    *,
    fmt: str | None = None,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    tiles: str = "none",
    tiles_key: str | None = None,
    lang: str = "both",
    extent: str | tuple | None = None,
    page: str = "A4",
    landscape: bool = True,
    dpi: float = 300,
    title: str | None = None,
    subtitle: str | None = None,
    overwrite: bool = False,
    timeout: float = 120.0,
    outputs=None,
) -> PrintResult:
    """Write the map ``recipe`` describes as a printed page: PDF (vector), PNG or SVG.

    Parameters
    ----------
    recipe : dict or str
        A recipe or the name of a shipped one (see :mod:`geosci.recipes`).
    path : path
        The file to write; its suffix gives the format unless ``fmt`` is given.
    fmt : {"pdf", "png", "svg"}, optional
        The format asked for; a ``path`` with another suffix is refused.
    frames, tiles, tiles_key, lang, extent, title, subtitle
        As for :func:`geosci.mapping.build_map`.
    page : {"A4", "A3", "A2"}
    landscape : bool
    dpi : float
        Resolution of the PNG (the PDF and SVG are vector; images in them,
        such as basemap tiles, are not resampled).
    overwrite : bool
        Replace an existing file; otherwise :class:`~geosci.errors.OutputExistsError`.
    outputs : geosci.io.OutputSet, optional
        Register the finished file there (all-or-nothing with other outputs).

    Returns
    -------
    PrintResult
        With the number of labels placed and dropped for lack of room, and
        warnings (e.g. an online basemap that cannot be reached).
    """
    from geosci.browser import dump_dom, print_to_pdf, screenshot
    from geosci.io import atomic_path, check_output
    from geosci.mapping import TILES, build_map
    from geosci.offline import map_to_html
    from geosci.recipes import load_recipe

    fmt = print_format(path, fmt)
    if not 30 <= dpi <= 1200:
        raise ParameterError("dpi", f"{{name}} should be between 30 and 1200, got {dpi:g}")
    check_output(path, overwrite=overwrite, parameter="path")
    sheet = Page(page, landscape=landscape)
    if fmt == "svg" and shutil.which("pdftocairo") is None:
        raise GeosciError("an SVG page needs poppler's pdftocairo (Debian/Ubuntu: apt-get install poppler-utils)")
    spec = load_recipe(recipe) if isinstance(recipe, str) else recipe
    m = build_map(spec, frames=frames, tiles=tiles, tiles_key=tiles_key, lang=lang, extent=extent, title=title,
                  subtitle=subtitle, page=sheet)  # fmt: skip
    warnings = [w for w in (_tile_warning(TILES.get(tiles)),) if w]
    wait = 4000 if tiles == "none" or warnings or str(tiles).lower().endswith((".mbtiles", ".pmtiles")) else 15000
    cw, ch, scale = _window(sheet, dpi)
    with tempfile.TemporaryDirectory(prefix="geosci-print-") as tmp:
        page_path = Path(tmp) / "page.html"
        page_path.write_text(map_to_html(m), encoding="utf-8")
        dom = dump_dom(page_path, width=cw, height=ch, wait_ms=wait, timeout=timeout)
        report = _label_report(dom)
        if not report:
            raise GeosciError("the page's scripts did not finish in the browser (no label report)")
        warnings += _fit_warnings(dom, sheet)
        pixels = None
        with atomic_path(path, overwrite=overwrite, suffix=f".{fmt}", outputs=outputs) as out:
            if fmt == "png":
                screenshot(page_path, out, width=cw, height=ch, wait_ms=wait, timeout=timeout, scale=scale)
                pixels = _png_size(Path(out))
            elif fmt == "pdf":
                print_to_pdf(page_path, out, wait_ms=wait, timeout=timeout)
            else:
                pdf = Path(tmp) / "page.pdf"
                print_to_pdf(page_path, pdf, wait_ms=wait, timeout=timeout)
                proc = subprocess.run(["pdftocairo", "-svg", str(pdf), str(out)], capture_output=True, text=True,
                                      timeout=timeout)  # fmt: skip
                if proc.returncode != 0:
                    raise GeosciError(f"pdftocairo could not convert the page to SVG: {proc.stderr.strip()[-300:]}")
    return PrintResult(
        path=Path(path), format=fmt, page=sheet, dpi=dpi, pixels=pixels,
        labels_placed=int(report.get("placed", 0)), labels_dropped=int(report.get("dropped", 0)),
        dropped_names=list(report.get("dropped_names", [])), warnings=warnings,
    )  # fmt: skip


def _route_out(out, *, pdf, png, svg):
    """Send an ``out`` ending in .pdf, .png or .svg to that page (a planner's ``--out map.pdf`` is a page).

    Any other suffix but .html/.htm is refused, never written as HTML under a misleading name.
    """
    if out is None:
        return out, pdf, png, svg
    suffix = Path(str(out)).suffix.lower()
    if suffix in (".html", ".htm"):
        return out, pdf, png, svg
    pages = {"pdf": pdf, "png": png, "svg": svg}
    fmt = suffix[1:]
    if fmt not in pages:
        raise ParameterError("out", f"{{name}} {str(out)!r} should end in .html (the map), or .pdf, .png or .svg "
                                    "(a printed page)")  # fmt: skip
    if pages[fmt]:
        raise ParameterError("out", f"{{name}} {str(out)!r} asks for the {fmt} page, already asked for as "
                                    f"{str(pages[fmt])!r}: give one")  # fmt: skip
    pages[fmt] = out
    return None, pages["pdf"], pages["png"], pages["svg"]


def make_map_outputs(
    recipe: str | Path | dict | None,
    *,
    add: Sequence[str | Path] = (),
    out: str | Path | None = None,
    pdf: str | Path | None = None,
    png: str | Path | None = None,
    svg: str | Path | None = None,
    tiles: str = "none",
    tiles_key: str | None = None,
    lang: str = "both",
    extent: str | None = None,
    page: str = "A4",
    landscape: bool = True,
    dpi: float = 300,
    title: str | None = None,
    overwrite: bool = False,
) -> list[tuple[Path, str]]:
    """Make a map from a recipe (and the user's files): the offline HTML and any printed pages, all or none.

    Parameters
    ----------
    recipe : str, path or dict, optional
        A shipped recipe name, a recipe file or a recipe; ``None`` with
        ``add``: a map of those files alone.
    add : sequence of paths
        The user's own vector files, drawn on top (credited to their files in the note).
    out : path, optional
        The HTML file; by default ``<recipe name>.html`` when no page is asked for.
        Ending in .pdf, .png or .svg it names that printed page instead.
    pdf, png, svg : path, optional
        Printed pages (see :func:`write_print`); each suffix must match.
    tiles, tiles_key, lang, extent, title
        As for :func:`geosci.mapping.build_map`.
    page, landscape, dpi
        As for :func:`write_print`.
    overwrite : bool

    Returns
    -------
    list of (path, description)
        The files written; a page's description counts the labels placed and
        dropped for lack of room, and ends with any warning.
    """
    from geosci.io import OutputSet, check_output, write_bytes
    from geosci.mapping import build_map
    from geosci.offline import map_to_html
    from geosci.recipes import load_recipe, recipe_for_files

    if recipe is None and not add:
        raise GeosciError("give a RECIPE (district, axis, region, transit, incubators) or --add FILE")
    out, pdf, png, svg = _route_out(out, pdf=pdf, png=png, svg=svg)
    pages = [(p, f) for p, f in ((pdf, "pdf"), (png, "png"), (svg, "svg")) if p]
    for path, fmt in pages:  # refuse before any work
        try:
            print_format(path, fmt)
        except ParameterError as exc:
            raise ParameterError(fmt, f"{{name}} {str(path)!r} should end in .{fmt}") from exc
    Page(page, landscape=landscape)
    spec = recipe if isinstance(recipe, dict) else load_recipe(recipe) if recipe else None
    if add:
        spec = recipe_for_files([str(a) for a in add], base=spec)
    if spec is None:
        raise GeosciError("give a RECIPE (district, axis, region, transit, incubators) or --add FILE")
    out = out or (None if pages else f"{spec.get('name', 'map')}.html")
    inputs = [*add, recipe if isinstance(recipe, (str, Path)) and Path(str(recipe)).exists() else None]
    for target, name in ((out, "out"), *((p, f) for p, f in pages)):
        if target:
            check_output(target, overwrite=overwrite, inputs=[i for i in inputs if i], parameter=name)
    done = []
    with OutputSet() as outputs:
        if out:
            m = build_map(spec, tiles=tiles, lang=lang, tiles_key=tiles_key, extent=extent, title=title)
            text = map_to_html(m).encode("utf-8")
            write_bytes(text, out, overwrite=overwrite, outputs=outputs)
            done.append((Path(out), f"{len(text) / 1e6:.2f} MB, offline, tiles={tiles}"))
        for path, fmt in pages:
            res = write_print(spec, path, fmt=fmt, tiles=tiles, tiles_key=tiles_key, lang=lang, extent=extent,
                              page=page, landscape=landscape, dpi=dpi, title=title, overwrite=overwrite,
                              outputs=outputs)  # fmt: skip
            done.append((Path(path), res.describe()))
    return done
