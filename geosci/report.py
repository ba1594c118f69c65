"""Reports: planning documents written from the same run as the analysis.

A report is built in two steps. A builder (:func:`coverage_report`,
:func:`district_report`, :func:`indicators_report`, :func:`access_report`)
runs the analysis, turns every result into :class:`~geosci.tables.Table`
objects, draws the maps as pictures and collects the parameters and the
layers used, into one :class:`Report`. :meth:`Report.write` then writes it by
the file's suffix:

- ``.docx``: a Word document (python-docx): title and date, the maps at text
  width, numbered captions (图1/表1, or Figure 1/Table 1 in English), real
  Word tables with formatted numbers, the parameters, and a closing section
  with the source and accuracy note of every layer used;
- ``.html``: one self-contained page (pictures inline);
- ``.md``: Markdown, with its pictures in the folder ``<name>_files`` beside it.

Every number in a report is computed by the builder in that run; nothing is
typed in. Uncertain results (a feature whose distance to the catchment edge is
within the positional accuracy) are counted and listed as such, and every
figure carries the accuracy of the layers it draws.

Examples
--------
>>> rep = indicators_report()
>>> [t.name for t in rep.tables()]
['indicators_2025', 'national_targets_2025']
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import ParameterError
from geosci.tables import Table, column_label, format_value, layer_notes, numeric_frame

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from geosci.params import AccessParams

__all__ = [
    "REPORT_FORMATS",
    "Figure",
    "Report",
    "Text",
    "access_report",
    "cell_text",
    "check_report_path",
    "coverage_report",
    "coverage_tables",
    "district_report",
    "indicators_report",
    "map_picture",
    "report_format",
]

REPORT_FORMATS = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md"}
"""Report file suffixes and the format each gives."""

LANGS = ("zh", "en")

# values shown in documents in the reader's language (the data keep the plain value)
VALUE_LABELS: dict[str, tuple[str, str]] = {
    "existing": ("现状", "existing"),
    "+under_construction": ("现状+在建", "existing + under construction"),
    "under_construction": ("在建", "under construction"),
    "+planned": ("现状+在建+规划", "existing + under construction + planned"),
    "planned": ("规划", "planned"),
    "all": ("全部", "all"),
    "(all)": ("合计", "total"),
    "(outside)": ("片区外", "outside the zones"),
    "(none)": ("片区外", "outside the zones"),
    "covered": ("覆盖", "covered"),
    "uncertain": ("不确定", "uncertain"),
    "not_covered": ("未覆盖", "not covered"),
    "预期性": ("预期性", "expected"),
    "约束性": ("约束性", "binding"),
}
_LABELLED_COLUMNS = {"scenario", "zone", "class", "status", "layer", "type_zh"}


def _t(zh: str, en: str, lang: str) -> str:
    return zh if lang == "zh" else en


# ----------------------------------------------------------------------------- the document model
@dataclass(frozen=True)
class Text:
    """A heading (``level`` 1 or 2) or a paragraph (``level`` 0), in both languages."""

    zh: str
    en: str
    level: int = 0

    def text(self, lang: str) -> str:
        """Return the text in ``lang``."""
        return _t(self.zh, self.en, lang)


@dataclass(frozen=True)
class Figure:
    """A picture (PNG bytes) with its title and the notes shown under it."""

    png: bytes
    title_zh: str
    title_en: str
    notes: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        """Return the title in ``lang``."""
        return _t(self.title_zh, self.title_en, lang)


Block = Text | Table | Figure


@dataclass
class Report:
    """A document: title, blocks in order, the run's parameters and the layers used.

    Parameters
    ----------
    kind : str
        What it reports (``coverage``, ``district``, ``indicators``, ``access``).
    title_zh, title_en : str
    blocks : list of Text, Table or Figure
    parameters : dict
        The run's parameters and method (shown as a table near the end).
    layers : list of str
        Catalog layers and tables used: their sources and accuracy notes
        close the document.
    lang : {"zh", "en"}
        Language of captions, headings and labels.
    created : datetime.datetime
    """

    kind: str
    title_zh: str
    title_en: str
    blocks: list[Block] = field(default_factory=list)
    parameters: dict[str, Any] = field(default_factory=dict)
    layers: list[str] = field(default_factory=list)
    lang: str = "zh"
    created: datetime.datetime = field(default_factory=lambda: datetime.datetime.now().replace(microsecond=0))

    def title(self) -> str:
        """Return the title in the report's language."""
        return _t(self.title_zh, self.title_en, self.lang)

    def tables(self) -> list[Table]:
        """Return the tables of the report, in order."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        """Return the figures of the report, in order."""
        return [b for b in self.blocks if isinstance(b, Figure)]

    def closing_blocks(self) -> list[Block]:
        """Return the closing section: the parameters table and the sources and accuracy notes."""
        import pandas as pd

        from geosci.tables import _flatten

        blocks: list[Block] = []
        rows = _flatten(self.parameters)
        if rows:
            blocks.append(Text("参数与方法", "Parameters and method", 1))
            blocks.append(Table("parameters", pd.DataFrame(rows, columns=["parameter", "value"]),
                                "本次运行的参数", "Parameters of this run"))  # fmt: skip
        notes = layer_notes(self.layers)
        if notes:
            blocks.append(Text("数据来源与精度说明", "Sources and accuracy", 1))
            for n in notes:
                title = _t(n["title_zh"], n["title_en"], self.lang) or n["layer"]
                acc = f"±{format_value(n['accuracy_m'], thousands=True)} m. " if n["accuracy_m"] is not None else ""
                blocks.append(Text(f"{title}（{n['layer']}）", f"{title} ({n['layer']})", 2))
                src = _t("来源：", "Source: ", self.lang) + n["sources"]
                blocks.append(Text(src, src))
                note = _t("精度：", "Accuracy: ", self.lang) + acc + str(n["accuracy_note"])
                blocks.append(Text(note, note))
                if n["licence"]:
                    lic = _t("许可：", "Licence: ", self.lang) + n["licence"]
                    blocks.append(Text(lic, lic))
        import geosci

        when = f"{self.created:%Y-%m-%d %H:%M}"
        if self.kind == "indicators":
            what = ("表中数字按规划文件原文转录。", "its figures are transcribed from the planning documents.")
        else:
            what = ("文中全部数字均为本次运行计算所得。", "every number in it was computed in this run.")
        made = _t(f"本报告由 geosci {geosci.__version__} 于 {when} 生成；{what[0]}",
                  f"Written by geosci {geosci.__version__} on {when}; {what[1]}", self.lang)  # fmt: skip
        blocks.append(Text(made, made))
        return blocks

    def all_blocks(self) -> list[Block]:
        """Return the body blocks followed by the closing section."""
        return [*self.blocks, *self.closing_blocks()]

    def write(self, path: str | Path, *, overwrite: bool = False) -> list[Path]:
        """Write the report by the suffix of ``path`` (``.docx``, ``.html``, ``.md``); return the files written.

        Raises
        ------
        OutputExistsError
            When the file (or, for ``.md``, its picture folder) exists and
            ``overwrite`` is false; nothing is written then.
        """
        fmt = check_report_path(path, overwrite=overwrite)
        if fmt == "docx":
            from geosci.docx_writer import docx_bytes

            return [_write_files({Path(path): docx_bytes(self)}, overwrite=overwrite)[0]]
        if fmt == "html":
            return _write_files({Path(path): html_text(self).encode("utf-8")}, overwrite=overwrite)
        return _write_md(self, Path(path), overwrite=overwrite)


# ----------------------------------------------------------------------------- output paths
def report_format(path: str | Path) -> str:
    """Return the report format for ``path`` from its suffix.

    Examples
    --------
    >>> report_format("coverage.docx"), report_format("coverage.md")
    ('docx', 'md')
    """
    fmt = REPORT_FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise ParameterError("out", f"{{name}} {str(path)!r}: a report should end in .docx, .html or .md")
    return fmt


def _picture_dir(path: Path) -> Path:
    return path.with_name(f"{path.stem}_files")


def check_report_path(path: str | Path, *, overwrite: bool = False) -> str:
    """Check before any work that a report can be written to ``path``; return its format.

    A ``.md`` report also needs its picture folder ``<name>_files``.
    """
    from geosci.errors import OutputExistsError
    from geosci.io import check_output

    fmt = report_format(path)
    check_output(path, overwrite=overwrite)
    if fmt == "md":
        folder = _picture_dir(Path(path))
        if folder.exists() and not overwrite:
            raise OutputExistsError(f"{folder} exists: pass --overwrite to replace it")
        if folder.exists() and not folder.is_dir():
            raise ParameterError("out", f"{{name}}: {str(folder)!r} is a file; the report's pictures go there")
    return fmt


def _write_files(files: dict[Path, bytes], *, overwrite: bool) -> list[Path]:
    from geosci.io import OutputSet, write_bytes

    with OutputSet() as outputs:
        for p, data in files.items():
            write_bytes(data, p, overwrite=overwrite, outputs=outputs)
    return list(files)


# ----------------------------------------------------------------------------- cells
def cell_text(table: Table, column: str, value: Any, lang: str = "zh") -> str:
    """Return a cell as a document shows it: numbers formatted, shares as percentages, known values translated.

    Examples
    --------
    >>> import pandas as pd
    >>> t = Table("t", pd.DataFrame({"share": [0.25]}), percent=("share",))
    >>> cell_text(t, "share", 0.25), cell_text(t, "scenario", "+planned"), cell_text(t, "n", 12345)
    ('25%', '现状+在建+规划', '12,345')
    """
    if column in _LABELLED_COLUMNS and isinstance(value, str):
        if value in VALUE_LABELS:
            return VALUE_LABELS[value][0 if lang == "zh" else 1]
        if column == "layer":
            return _layer_label(value, lang)
    if column == "parameter":
        return str(value)
    return format_value(value, percent=column in table.percent, thousands=True)


def _layer_label(name: str, lang: str) -> str:
    from geosci.catalog import catalog

    entry = catalog()["layers"].get(name) or catalog()["tables"].get(name)
    if entry is None:
        return name
    title = _t(entry["title_zh"], entry["title_en"], lang)
    for sep in ("：", ": "):
        if sep in title:
            title = title.split(sep, 1)[1]
    return title[:1].upper() + title[1:] if lang == "en" else title


def header_text(column: str, lang: str = "zh") -> str:
    """Return a column's header in a document (see :func:`geosci.tables.column_label`)."""
    labels = {"parameter": ("参数", "Parameter"), "value": ("取值", "Value")}
    if column in labels:
        return labels[column][0 if lang == "zh" else 1]
    from geosci.catalog import catalog

    if column in catalog()["layers"]:
        return _layer_label(column, lang)
    return column_label(column, lang)


def display_rows(table: Table, lang: str) -> tuple[list[str], list[list[str]], list[bool]]:
    """Return the headers, the cell texts and which columns are numeric, as a document shows a table."""
    import pandas as pd

    cols = [str(c) for c in table.frame.columns]
    numeric = [bool(pd.api.types.is_numeric_dtype(table.frame[c])) and not pd.api.types.is_bool_dtype(table.frame[c])
               for c in table.frame.columns]  # fmt: skip
    rows = [[cell_text(table, c, v, lang) for c, v in zip(cols, row, strict=True)]
            for row in table.frame.itertuples(index=False, name=None)]  # fmt: skip
    return [header_text(c, lang) for c in cols], rows, numeric


def caption(kind: str, number: int, title: str, lang: str) -> str:
    """Return a caption: ``图1 title`` / ``表1 title`` in Chinese, ``Figure 1. title`` in English.

    Examples
    --------
    >>> caption("figure", 1, "覆盖范围", "zh"), caption("table", 2, "Counts", "en")
    ('图1 覆盖范围', 'Table 2. Counts')
    """
    if lang == "zh":
        return f"{'图' if kind == 'figure' else '表'}{number} {title}"
    return f"{'Figure' if kind == 'figure' else 'Table'} {number}. {title}"


# ----------------------------------------------------------------------------- map pictures
def map_picture(
    recipe: dict[str, Any],
    *,
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    lang: str = "zh",
    dpi: float = 150,
    subtitle: str | None = None,
) -> bytes:
    """Return a PNG of the map a recipe describes, as an A4 landscape page at ``dpi``.

    Uses the print layout of :func:`geosci.printing.write_print` (title
    block, legend, scale bar, inset, source note) when it is installed;
    otherwise renders the offline HTML map (:func:`geosci.offline.map_to_html`)
    in headless Chromium (:func:`geosci.browser.screenshot`) at the same
    pixel size, with the zoom buttons and layer switcher hidden.
    """
    import tempfile

    width, height = round(297 / 25.4 * dpi), round(210 / 25.4 * dpi)
    with tempfile.TemporaryDirectory(prefix="geosci-report-") as tmp:
        png_path = Path(tmp) / "map.png"
        write_print: Callable[..., Any] | None
        try:
            from geosci.printing import write_print
        except ImportError:
            write_print = None
        if write_print is not None:
            write_print(recipe, png_path, fmt="png", frames=frames, lang=lang, dpi=dpi, subtitle=subtitle)
            return png_path.read_bytes()
        from geosci.browser import screenshot
        from geosci.mapping import build_map
        from geosci.offline import map_to_html

        page = map_to_html(build_map(recipe, frames=frames, lang=lang))
        page = page.replace("</head>", f"<style>{_PRINT_CSS}</style></head>", 1)
        html_path = Path(tmp) / "map.html"
        html_path.write_text(page, encoding="utf-8")
        screenshot(html_path, png_path, width=width, height=height)
        return png_path.read_bytes()


_PRINT_CSS = ".leaflet-control-zoom,.leaflet-control-layers{display:none!important}"
"""A picture is not interactive: hide the zoom buttons and the layer switcher."""


def _accuracy_line(layers: Sequence[str], lang: str) -> str:
    parts = []
    for n in layer_notes(layers):
        if n["accuracy_m"] is None:
            continue
        parts.append(f"{_layer_label(n['layer'], lang)} ±{format_value(n['accuracy_m'], thousands=True)} m")
    if not parts:
        return ""
    head = _t("位置精度（详见文末说明）：", "Positional accuracy (see the notes at the end): ", lang)
    return head + _t("；", "; ", lang).join(parts)


# ----------------------------------------------------------------------------- coverage
def coverage_tables(result, *, lang: str = "zh") -> list[Table]:
    """Return a coverage result as document tables.

    ``totals`` (each layer over the whole area, scenarios side by side, with
    counts and shares as numbers), ``counts`` (per scenario, layer and zone:
    covered, uncertain, not covered, share), ``areas`` (area and population
    shares per zone) and ``features`` (each feature not certainly covered in
    the last scenario, with its nearest station and distance).
    """
    import pandas as pd

    targets = result.targets.copy()
    if "uncertain" not in targets.columns:  # a result from before the certainty classes
        targets["uncertain"] = 0
        targets["not_covered"] = targets["n"] - targets["covered"]
    scenarios = list(dict.fromkeys(targets["scenario"]))
    cols = [c for c in ("layer", "scenario", "zone", "n", "covered", "uncertain", "not_covered", "share")
            if c in targets.columns]  # fmt: skip
    # the whole area, scenarios one under another for each layer
    totals = targets[targets["zone"] == "(all)"].copy()
    totals["_layer"] = pd.Categorical(totals["layer"], categories=list(dict.fromkeys(totals["layer"])))
    totals = totals.sort_values("_layer", kind="stable")[[c for c in cols if c != "zone"]].reset_index(drop=True)
    by_zone = targets[targets["zone"] != "(all)"][cols].reset_index(drop=True)
    uncertain_note = _t(
        "“覆盖”只计确定在服务半径内的对象；与半径边界的距离在位置精度以内者计为“不确定”。",
        "'Covered' counts only features certainly within the catchment; those whose distance to its edge is "
        "within the positional accuracy are counted as 'uncertain'.",
        lang,
    )
    out = [
        Table("totals", totals, "各情景覆盖对比（全域）", "Coverage by scenario, whole area", percent=("share",),
              notes=(uncertain_note,)),
        Table("counts", by_zone, "分片区覆盖统计", "Coverage by zone", percent=("share",)),
    ]  # fmt: skip
    if not result.areas.empty:
        pct = tuple(c for c in ("area_share", "population_share") if c in result.areas.columns)
        out.append(Table("areas", result.areas.reset_index(drop=True), "面积与人口覆盖", "Area and population covered",
                         percent=pct))  # fmt: skip
    feats = result.features
    last = scenarios[-1]
    cls = feats["class"] if "class" in feats.columns else feats["covered"].map({True: "covered", False: "not_covered"})
    keep = (feats["scenario"] == last) & (cls != "covered")
    fcols = [c for c in ("layer", "name_zh", "zone", "nearest_source", "distance_m", "accuracy_m") if c in feats]
    listed = feats.loc[keep, fcols].copy()
    listed["class"] = cls[keep].values
    listed = listed.sort_values(["class", "layer", "distance_m"]).reset_index(drop=True)
    scen = VALUE_LABELS.get(last, (last, last))[0 if lang == "zh" else 1]
    out.append(Table("features", listed, f"未确定覆盖的对象（{scen}）", f"Features not certainly covered ({scen})"))
    return out


def coverage_report(
    *,
    sources: str = "rail_stations",
    lines: str | None = "rail_lines",
    targets: Sequence[str] | None = None,
    zones: str | None = "districts",
    zone_field: str = "name_zh",
    radius_m: float | None = None,
    minutes: float | None = None,
    scenarios: Sequence[str] | None = None,
    params: AccessParams | None = None,
    population: str | None = None,
    population_field: str | None = None,
    network: str | None = None,
    gtfs: str | None = None,
    gtfs_date: str | None = None,
    lang: str = "zh",
    maps: bool = True,
    map_dpi: float = 150,
    progress=None,
) -> Report:
    """Run a coverage analysis (:func:`geosci.coverage.measure`) and return it as a report.

    The options are those of ``geosci coverage``, so the report is the same
    run as the table the command prints.

    Parameters
    ----------
    sources, lines, targets, zones, zone_field, radius_m, minutes, scenarios, params, population, \
population_field, network, gtfs, gtfs_date, progress
        As for :func:`geosci.coverage.measure`.
    lang : {"zh", "en"}
    maps : bool
        Draw a coverage map per scenario (needs Chromium).
    map_dpi : float
        Resolution of the map pictures (A4 landscape pages).
    """
    from geosci.coverage import DEFAULT_TARGETS, measure

    _check_lang(lang)
    result = measure(sources, lines=lines, targets=targets, zones=zones, zone_field=zone_field, radius_m=radius_m,
                     minutes=minutes, scenarios=scenarios, params=params, population=population,
                     population_field=population_field, network=network, gtfs=gtfs, gtfs_date=gtfs_date,
                     progress=progress)  # fmt: skip
    target_names = [str(t) for t in (targets or DEFAULT_TARGETS)]
    scen = list(dict.fromkeys(result.summary["scenarios"]))
    tables = coverage_tables(result, lang=lang)
    catch = result.summary["catchment"]
    radius = catch.get("straight_line_radius_m") or catch.get("network_distance_m")
    what = (f"{format_value(minutes)} 分钟步行（{format_value(radius)} m）" if minutes is not None
            else f"{format_value(radius_m)} m")  # fmt: skip
    what_en = (f"{format_value(minutes)} minutes' walk ({format_value(radius)} m)" if minutes is not None
               else f"{format_value(radius_m)} m")  # fmt: skip
    layers_used = [str(x) for x in (sources if gtfs is None else None, lines, *target_names, zones) if x]
    blocks: list[Block] = [
        Text(f"服务范围：站点 {what}。方法：{_method_zh(result.summary)}。",
             f"Catchment: {what_en} of the stations. Method: {result.summary.get('method', '')}."),
        Text("主要结论", "Findings", 1),
        *_findings(tables[0], scen, lang),
    ]  # fmt: skip
    if maps:
        blocks.append(Text("覆盖范围图", "Coverage maps", 1))
        src = getattr(result, "sources", None)
        for s in scen:
            recipe, frames = _coverage_map(result, src, s, what, what_en)
            label = VALUE_LABELS.get(s, (s, s))
            blocks.append(Figure(
                map_picture(recipe, frames=frames, lang=lang, dpi=map_dpi),
                f"{label[0]}情景站点 {what} 覆盖范围", f"Catchment of {what_en}, scenario {label[1]}",
                notes=tuple(filter(None, [_accuracy_line(layers_used, lang)])),
            ))  # fmt: skip
    blocks.append(Text("统计表", "Tables", 1))
    blocks += tables
    return Report("coverage", "西部（重庆）科学城 轨道站点覆盖分析",
                  "Western (Chongqing) Science City: station coverage", blocks=blocks,
                  parameters=dict(result.summary), layers=list(dict.fromkeys(layers_used)), lang=lang)  # fmt: skip


_CLASS_STYLES = {
    "covered": {"radius": 6, "color": "#1b4332", "weight": 1, "fillColor": "#40916c", "fillOpacity": 0.9},
    "uncertain": {"radius": 6, "color": "#7f5539", "weight": 1, "fillColor": "#f4a261", "fillOpacity": 0.9},
    "not_covered": {"radius": 6, "color": "#6a040f", "weight": 1, "fillColor": "#e5383b", "fillOpacity": 0.9},
}


def _coverage_map(result, sources, scenario: str, what_zh: str, what_en: str):
    """Return the coverage recipe of one scenario with targets coloured covered / uncertain / not covered."""
    from geosci.recipes import coverage_recipe

    recipe, frames = coverage_recipe(result, sources, scenario)
    feats = frames["targets"].copy()
    if "class" not in feats.columns:
        feats["class"] = feats["covered"].map({"yes": "covered", "no": "not_covered", True: "covered",
                                               False: "not_covered"})  # fmt: skip
    label = VALUE_LABELS.get(scenario, (scenario, scenario))
    layers = []
    for entry in recipe["layers"]:
        if entry.get("layer") == "targets":
            entry = {**entry, "style_by": "class", "styles": _CLASS_STYLES, "legend_zh": "目标", "legend_en": "Targets"}
        layers.append(entry)
    recipe = {
        **recipe,
        "layers": layers,
        "view": {"fit_layer": "targets"},  # the places counted, not all of 江津
        "title_zh": f"覆盖分析 · {label[0]} · {what_zh}",
        "title_en": f"Coverage · {label[1]} · {what_en}",
    }
    return recipe, {**frames, "targets": feats}  # fmt: skip


def _method_zh(summary: dict[str, Any]) -> str:
    method = str(summary.get("method", ""))
    if method.startswith("exact circles"):
        return "以站点为圆心的精确圆（度量坐标系下 KD 树最近站点距离）"
    if method.startswith("walking distance"):
        return "沿 OSM 街道网络的步行距离"
    return method


def _findings(totals: Table, scenarios: Sequence[str | None], lang: str) -> list[Block]:
    """One sentence per layer, every number read from the totals table."""
    out: list[Block] = []
    frame = totals.frame
    for layer in dict.fromkeys(frame["layer"]):
        rows = frame[frame["layer"] == layer].to_dict("records")
        zh_parts, en_parts = [], []
        for row in rows:
            name = VALUE_LABELS.get(row["scenario"], (row["scenario"], row["scenario"]))
            cov, unc, share = row["covered"], row.get("uncertain", 0), row["share"]
            zh_parts.append(f"{name[0]} {cov} 个（{format_value(share, percent=True)}）"
                            + (f"，另 {unc} 个不确定" if unc else ""))  # fmt: skip
            en_parts.append(f"{cov} ({format_value(share, percent=True)}) with {name[1]}"
                            + (f", {unc} more uncertain" if unc else ""))  # fmt: skip
        n = rows[0]["n"]
        layer_zh, layer_en = _layer_label(layer, "zh"), _layer_label(layer, "en")
        out.append(
            Text(
                f"{layer_zh}（共 {n} 个）确定在覆盖范围内的：" + "；".join(zh_parts) + "。",
                f"{layer_en} ({n} in all) certainly within the catchment: " + "; ".join(en_parts) + ".",
            )
        )
    return out


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ParameterError("lang", f"{{name}} should be zh or en, got {lang!r}")


# ----------------------------------------------------------------------------- districts
DISTRICT_LAYERS = ("incubator_clusters", "district_incubators", "rail_stations", "universities",
                   "research_centres", "facilities")  # fmt: skip
"""Layers a district report places in the districts."""


def district_report(
    *,
    zones: str = "districts",
    layers: Sequence[str] | None = None,
    lang: str = "zh",
    maps: bool = True,
    map_dpi: float = 150,
) -> Report:
    """Return a report of each district: its role, area and the features that lie in it.

    Parameters
    ----------
    zones : str
        The districts (catalog name or file with ``name_zh`` and, where
        known, ``role_zh``/``role_en``, ``piece_zh``, ``area_km2``).
    layers : sequence of str, optional
        Layers placed in the districts by :func:`geosci.joins.join` (default
        :data:`DISTRICT_LAYERS`: incubator clusters, district incubators,
        stations, universities, research centres, major facilities).
    lang : {"zh", "en"}
    maps : bool
        Include the district map (recipe ``district``).
    map_dpi : float
        Resolution of the map pictures (A4 landscape pages).
    """
    import pandas as pd

    from geosci.catalog import read_layer
    from geosci.joins import join

    _check_lang(lang)
    layer_names = list(layers or DISTRICT_LAYERS)
    districts = read_layer(zones)
    if "name_zh" not in districts.columns:
        raise ParameterError("zones", f"{{name}} {zones!r} has no name_zh field naming the districts")
    joined = {n: join(read_layer(n), districts, zone_field="name_zh") for n in layer_names}
    overview_rows: list[dict[str, Any]] = []
    blocks_by_district: list[Block] = []
    for d in districts.itertuples():
        row: dict[str, Any] = {"zone": d.name_zh}
        if hasattr(d, "area_km2"):
            row["area_km2"] = float(d.area_km2)
        members = []
        for n in layer_names:
            inside = joined[n][joined[n]["zone"] == d.name_zh]
            row[n] = len(inside)
            for f in inside.itertuples():
                members.append({"layer": n, "name_zh": f.name_zh, "name_en": getattr(f, "name_en", ""),
                                "status": getattr(f, "status", ""),
                                "accuracy_m": getattr(f, "accuracy_m", None)})  # fmt: skip
        overview_rows.append(row)
        role = _t(str(getattr(d, "role_zh", "") or ""), str(getattr(d, "role_en", "") or ""), lang)
        piece = str(getattr(d, "piece_zh", "") or "")
        name_en = str(getattr(d, "name_en", d.name_zh))
        blocks_by_district.append(Text(f"{d.name_zh}（{piece}）" if piece else d.name_zh, name_en, 2))
        if role:
            blocks_by_district.append(Text(f"功能定位：{role}", f"Role: {role}"))
        frame = pd.DataFrame(members, columns=["layer", "name_zh", "name_en", "status", "accuracy_m"])
        blocks_by_district.append(Table(f"district-{getattr(d, 'id', d.Index)}", frame,
                                        f"{d.name_zh}内的要素", f"Features in {name_en}"))  # fmt: skip
    overview = pd.DataFrame(overview_rows)
    outside_rows = []
    for n in layer_names:
        for f in joined[n][joined[n]["zone"] == ""].itertuples():
            outside_rows.append({"layer": n, "name_zh": f.name_zh, "status": getattr(f, "status", "")})
    blocks: list[Block] = [
        Text("本报告按片区行政界线列出各片区的功能定位及其范围内的孵化集群、轨道站点、高校和科研设施。"
             "要素以其代表点落入的片区计；多数要素的位置为近似位置，精度见表中“精度”一栏和文末说明。",
             "For each district: its role and the incubator clusters, rail stations, universities and research "
             "sites within its boundary. A feature counts in the district its representative point lies in; most "
             "positions are approximate: see the accuracy column and the notes at the end."),
    ]  # fmt: skip
    if maps:
        from geosci.recipes import load_recipe

        blocks.append(Figure(map_picture(load_recipe("district"), lang=lang, dpi=map_dpi),
                             "一核五区片区图", "The five districts of the science city",
                             notes=tuple(filter(None, [_accuracy_line([zones, *layer_names], lang)]))))  # fmt: skip
    blocks.append(Table("overview", overview, "各片区要素数量", "Features per district"))
    blocks.append(Text("各片区", "District by district", 1))
    blocks += blocks_by_district
    if outside_rows:
        blocks.append(Text("五个片区以外的要素", "Features outside the districts", 1))
        blocks.append(Table("outside", pd.DataFrame(outside_rows), "片区以外的要素", "Features outside the districts"))
    params = {"zones": zones, "layers": ", ".join(layer_names), "method": "within (representative point)"}
    return Report("district", "西部（重庆）科学城 一核五区片区概况", "Western (Chongqing) Science City: the districts",
                  blocks=blocks, parameters=params, layers=[zones, *layer_names], lang=lang)  # fmt: skip


# ----------------------------------------------------------------------------- indicators
def indicators_report(*, lang: str = "zh") -> Report:
    """Return the indicator tables (``indicators_2025``, ``national_targets_2025``) as a report."""
    from geosci.catalog import get_table_entry, read_table

    _check_lang(lang)
    blocks: list[Block] = [
        Text("下表摘自规划文件，数字按原文转录，未经计算。",
             "The tables below are transcribed from the planning documents as printed; geosci computes nothing "
             "in them."),
    ]  # fmt: skip
    keep = {
        "indicators_2025": ["no", _t("indicator_zh", "indicator_en", lang), "unit", "value_2020", "target_2025",
                            "type_zh"],
        "national_targets_2025": ["no", _t("indicator_zh", "indicator_en", lang), _t("target_zh", "target_en", lang)],
    }  # fmt: skip
    for name, cols in keep.items():
        entry = get_table_entry(name)
        frame = numeric_frame(read_table(name))[cols]
        blocks.append(Table(name, frame, entry["title_zh"], entry["title_en"],
                            notes=(_t("来源：", "Source: ", lang) + entry["source"],)))  # fmt: skip
    return Report("indicators", "西部（重庆）科学城 规划指标", "Western (Chongqing) Science City: planning indicators",
                  blocks=blocks, parameters={"tables": ", ".join(keep)}, layers=list(keep), lang=lang)  # fmt: skip


# ----------------------------------------------------------------------------- access
def access_report(
    *,
    origins: str,
    destinations: str,
    scenario: str = "existing",
    params: AccessParams | None = None,
    stations: str = "rail_stations",
    lines: str = "rail_lines",
    network: str | None = None,
    gtfs: str | None = None,
    gtfs_date: str | None = None,
    minutes: float | None = None,
    lang: str = "zh",
    maps: bool = True,
    map_dpi: float = 150,
) -> Report:
    """Return travel times between two layers as a report, with an isochrone map from the destinations.

    Parameters
    ----------
    origins, destinations : str
        Layers (catalog names or files), e.g. ``incubator_clusters`` to ``centres``.
    scenario, params, stations, lines, network, gtfs, gtfs_date
        The travel model (see :func:`geosci.models.make_model`).
    minutes : float, optional
        Also draw the area reachable within this many minutes of the
        destinations, and count the origins inside it.
    lang : {"zh", "en"}
    maps : bool
    map_dpi : float
        Resolution of the map pictures (A4 landscape pages).
    """
    import pandas as pd

    from geosci.access import isochrone, travel_time_matrix
    from geosci.catalog import read_layer
    from geosci.models import make_model

    _check_lang(lang)
    model = make_model(
        scenario=scenario,
        stations=stations,
        lines=lines,
        params=params,
        network=network,
        gtfs=gtfs,
        gtfs_date=gtfs_date,
    )
    o, d = read_layer(origins), read_layer(destinations)
    long = travel_time_matrix(model, o, d)
    wide = long.pivot(index="origin", columns="destination", values="minutes")
    wide = wide.reindex(index=list(dict.fromkeys(long["origin"])), columns=list(dict.fromkeys(long["destination"])))
    wide["nearest_min"] = wide.min(axis=1)
    wide = wide.reset_index()
    blocks: list[Block] = [
        Text(f"出行时间为步行+轨道的门到门时间（分钟），模型：{model.describe().get('model', '')}。",
             f"Door-to-door walk + rail times in minutes; model: {model.describe().get('model', '')}."),
    ]  # fmt: skip
    if minutes is not None:
        iso = isochrone(model, d, minutes)
        if maps:
            from geosci.recipes import isochrone_recipe

            recipe, frames = isochrone_recipe(iso, d, minutes)
            blocks.append(Figure(map_picture(recipe, frames=frames, lang=lang, dpi=map_dpi),
                                 f"{_layer_label(destinations, 'zh')} {format_value(minutes)} 分钟可达范围",
                                 f"Reachable within {format_value(minutes)} minutes of "
                                 f"{_layer_label(destinations, 'en').replace('The ', 'the ', 1)}",
                                 notes=tuple(filter(None, [_accuracy_line([origins, destinations,
                                                                           'rail_stations'], lang)]))))  # fmt: skip
        within = (wide["nearest_min"] <= minutes).sum()
        blocks.append(Text(f"{len(wide)} 个起点中有 {within} 个在 {format_value(minutes)} 分钟内可达最近的目的地。",
                           f"{within} of {len(wide)} origins reach the nearest destination within "
                           f"{format_value(minutes)} minutes."))  # fmt: skip
        blocks.append(Table("isochrones", pd.DataFrame(iso.drop(columns="geometry")), "可达范围面积",
                            "Area reachable"))  # fmt: skip
    blocks.append(Table("matrix", wide, "出行时间矩阵（分钟）", "Travel times (minutes)"))
    params_out = {"origins": origins, "destinations": destinations, "minutes": minutes, **model.describe()}
    used = [str(n) for n in (origins, destinations, stations, lines) if n]
    return Report("access", "西部（重庆）科学城 可达性分析", "Western (Chongqing) Science City: accessibility",
                  blocks=blocks, parameters=params_out, layers=list(dict.fromkeys(used)), lang=lang)  # fmt: skip


# ----------------------------------------------------------------------------- HTML and Markdown
_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",SimSun,sans-serif;
max-width:60em;margin:2em auto;padding:0 1em;line-height:1.55;color:#222}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em}
h3{font-size:1.05em}.date{color:#666}figure{margin:1.5em 0}figure img{width:100%;border:1px solid #ccc}
figcaption,caption{font-weight:bold;text-align:center;padding:.3em}
table{border-collapse:collapse;margin:1em auto;font-size:.9em}
td,th{border:1px solid #999;padding:.2em .5em}th{background:#e8eef5}td.num{text-align:right}
.note{font-size:.85em;color:#555}
"""


def _numbered(report: Report) -> list[tuple[Block, int]]:
    counts = {"figure": 0, "table": 0}
    out = []
    for b in report.all_blocks():
        n = 0
        if isinstance(b, Figure):
            counts["figure"] += 1
            n = counts["figure"]
        elif isinstance(b, Table):
            counts["table"] += 1
            n = counts["table"]
        out.append((b, n))
    return out


def html_text(report: Report) -> str:
    """Return the report as one self-contained HTML page (pictures inline as data URIs)."""
    import base64

    lang, esc = report.lang, html.escape
    parts = [f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
             f"<title>{esc(report.title())}</title><style>{_CSS}</style></head><body>",
             f"<h1>{esc(report.title())}</h1>",
             f'<p class="date">{report.created:%Y-%m-%d}</p>']  # fmt: skip
    for block, n in _numbered(report):
        if isinstance(block, Text):
            tag = {0: "p", 1: "h2", 2: "h3"}[block.level]
            parts.append(f"<{tag}>{esc(block.text(lang))}</{tag}>")
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{esc(block.title(lang))}">'
                f"<figcaption>{esc(caption('figure', n, block.title(lang), lang))}</figcaption></figure>"
            )
            parts += [f'<p class="note">{esc(note)}</p>' for note in block.notes]
        else:
            headers, rows, numeric = display_rows(block, lang)
            parts.append(f"<table><caption>{esc(caption('table', n, block.title(lang), lang))}</caption><thead><tr>"
                         + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead><tbody>")  # fmt: skip
            for r in rows:
                parts.append("<tr>" + "".join(f'<td{" class=num" if num else ""}>{esc(c)}</td>'
                                              for c, num in zip(r, numeric, strict=True)) + "</tr>")  # fmt: skip
            parts.append("</tbody></table>")
            parts += [f'<p class="note">{esc(note)}</p>' for note in block.notes]
    parts.append("</body></html>\n")
    return "\n".join(parts)


def markdown_text(report: Report, picture_dir: str) -> tuple[str, dict[str, bytes]]:
    """Return the report as Markdown and its pictures (file name → PNG) for the folder ``picture_dir``."""
    lang = report.lang
    lines = [f"# {report.title()}", "", f"{report.created:%Y-%m-%d}", ""]
    pictures: dict[str, bytes] = {}
    for block, n in _numbered(report):
        if isinstance(block, Text):
            prefix = {0: "", 1: "## ", 2: "### "}[block.level]
            lines += [prefix + block.text(lang), ""]
        elif isinstance(block, Figure):
            name = f"figure-{n}.png"
            pictures[name] = block.png
            cap = caption("figure", n, block.title(lang), lang)
            lines += [f"![{cap}]({picture_dir}/{name})", "", f"**{cap}**", ""]
            lines += [f"> {note}\n" for note in block.notes]
        else:
            headers, rows, numeric = display_rows(block, lang)
            lines += [f"**{caption('table', n, block.title(lang), lang)}**", ""]
            lines.append("| " + " | ".join(h.replace("|", "\\|") for h in headers) + " |")
            lines.append("|" + "".join("---:|" if num else "---|" for num in numeric))
            lines += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in rows]
            lines.append("")
            lines += [f"> {note}\n" for note in block.notes]
    return "\n".join(lines) + "\n", pictures


def _write_md(report: Report, path: Path, *, overwrite: bool) -> list[Path]:
    import os
    import shutil
    import tempfile

    from geosci.io import OutputSet, write_bytes

    folder = _picture_dir(path)
    text, pictures = markdown_text(report, folder.name)
    if not pictures:
        return _write_files({path: text.encode("utf-8")}, overwrite=overwrite)
    tmp = Path(tempfile.mkdtemp(prefix=".geosci-", dir=path.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the picture folder is an ordinary folder
    try:
        for name, data in pictures.items():
            (tmp / name).write_bytes(data)
        with OutputSet() as outputs:
            write_bytes(text.encode("utf-8"), path, overwrite=overwrite, outputs=outputs)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return [path, *(folder / name for name in pictures)]
