"""Tables as results: one type for every table a command prints or writes.

Every analysis returns its tables as :class:`Table` objects (a DataFrame with
a name and titles). :func:`render` turns them into text for a terminal or a
document (``text``, ``csv``, ``md``, ``json``); :func:`write_tables` writes
them to a file, atomically, by the file's suffix (``.xlsx``, ``.csv``,
``.md``, ``.json``, ``.txt``). The command line only chooses between the two.

Numbers stay numbers in every machine format: a share is a number between 0
and 1 (shown as a percentage in text and Markdown, stored with a percent
number format in a workbook), and a display column such as ``2 (40%)`` exists
only in text and Markdown (see :attr:`Table.combined`); CSV, JSON and Excel
carry the two numeric columns it is made of.

Several tables in one CSV file cannot be told apart by a spreadsheet, so
:func:`write_tables` writes one CSV file per table: ``OUT.csv`` holds the
first table and ``OUT-<name>.csv`` each further one (``<name>`` is the
table's :attr:`Table.name`); with a summary, ``OUT-notes.csv`` holds the
parameters, sources and accuracy notes. CSV files are UTF-8 with a byte-order
mark, which Chinese Excel needs to read them as UTF-8.

Examples
--------
>>> import pandas as pd
>>> t = Table("demo", pd.DataFrame({"zone": ["沙坪坝区"], "n": [3]}))
>>> print(render([t], "md"), end="")
| zone | n |
|---|---|
| 沙坪坝区 | 3 |
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from geosci.io import OutputSet

__all__ = [
    "HEADERS",
    "TABLE_FORMATS",
    "WRITE_FORMATS",
    "Table",
    "column_label",
    "csv_paths",
    "display_width",
    "format_for_path",
    "format_value",
    "layer_notes",
    "notes_rows",
    "numeric_frame",
    "render",
    "summary_text",
    "write_tables",
    "xlsx_bytes",
]

TABLE_FORMATS = ("text", "json", "csv", "md")
"""Formats a table can be printed in."""

WRITE_FORMATS = (*TABLE_FORMATS, "xlsx")
"""Formats a table can be written to a file in (``xlsx`` only to a file)."""

_SUFFIX_FORMATS = {".txt": "text", ".json": "json", ".csv": "csv", ".md": "md", ".xlsx": "xlsx"}

HEADERS: dict[str, tuple[str, str]] = {
    # column name -> (Chinese, English) labels for workbooks and documents
    "scenario": ("情景", "Scenario"),
    "layer": ("图层", "Layer"),
    "zone": ("片区", "Zone"),
    "n": ("数量", "Count"),
    "count": ("数量", "Count"),
    "covered": ("覆盖", "Covered"),
    "uncertain": ("不确定", "Uncertain"),
    "not_covered": ("未覆盖", "Not covered"),
    "share": ("覆盖率", "Share covered"),
    "uncertain_share": ("不确定比例", "Share uncertain"),
    "class": ("覆盖判定", "Result"),
    "area_km2": ("面积（km²）", "Area (km²)"),
    "covered_km2": ("覆盖面积（km²）", "Covered area (km²)"),
    "area_share": ("面积覆盖率", "Share of area covered"),
    "gap_km2": ("未覆盖面积（km²）", "Uncovered area (km²)"),
    "population": ("人口", "Population"),
    "population_covered": ("覆盖人口", "Population covered"),
    "population_share": ("人口覆盖率", "Share of population covered"),
    "minutes": ("分钟", "Minutes"),
    "origin": ("起点", "Origin"),
    "destination": ("终点", "Destination"),
    "score": ("得分", "Score"),
    "nearest_min": ("最近（分钟）", "Nearest (min)"),
    "cells": ("栅格数", "Cells"),
    "reachable_share": ("可达比例", "Share reachable"),
    "mean_min": ("平均（分钟）", "Mean (min)"),
    "median_min": ("中位数（分钟）", "Median (min)"),
    "min_min": ("最短（分钟）", "Min (min)"),
    "max_min": ("最长（分钟）", "Max (min)"),
    "id": ("编号", "ID"),
    "no": ("序号", "No."),
    "name": ("名称", "Name"),
    "name_zh": ("名称", "Name (Chinese)"),
    "name_en": ("英文名称", "Name"),
    "title_zh": ("标题", "Title (Chinese)"),
    "title_en": ("英文标题", "Title"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "source": ("来源", "Source"),
    "sources": ("来源", "Sources"),
    "features": ("要素", "Features"),
    "distance_m": ("距离（m）", "Distance (m)"),
    "nearest_source": ("最近站点", "Nearest station"),
    "accuracy_m": ("精度（m）", "Accuracy (m)"),
    "accuracy_note": ("精度说明", "Accuracy note"),
    "scale": ("尺度", "Scale"),
    "geometry": ("几何类型", "Geometry"),
    "role_zh": ("功能定位", "Role (Chinese)"),
    "role_en": ("英文功能定位", "Role"),
    "indicator_zh": ("指标", "Indicator (Chinese)"),
    "indicator_en": ("英文指标", "Indicator"),
    "unit": ("单位", "Unit"),
    "value_2020": ("2020年", "2020"),
    "target_2025": ("2025年目标", "2025 target"),
    "type_zh": ("属性", "Type"),
    "target_zh": ("目标", "Target (Chinese)"),
    "target_en": ("英文目标", "Target"),
    "existing": ("现状", "Existing"),
    "+under_construction": ("+在建", "+Under construction"),
    "+planned": ("+规划", "+Planned"),
    "all": ("全部", "All"),
}
"""Known column names and their Chinese and English labels (extend as tables grow)."""


@dataclass(frozen=True)
class Table:
    """A named table of results.

    Parameters
    ----------
    name : str
        Short ASCII name (a sheet or file-name part, a JSON key).
    frame : pandas.DataFrame
        The rows; numbers are kept as numbers.
    title_zh, title_en : str
        Titles for documents.
    percent : tuple of str
        Columns holding shares between 0 and 1.
    combined : tuple of (str, str, str)
        Display columns for text and Markdown only: ``(label, count_column,
        share_column)`` shows the two numeric columns as one, ``2 (40%)``,
        under ``label``. CSV, JSON and Excel keep the numeric columns.
    notes : tuple of str
        Notes that belong to this table (an accuracy caveat, a definition);
        written under it in documents and on the notes sheet of a workbook.
    """

    name: str
    frame: pd.DataFrame
    title_zh: str = ""
    title_en: str = ""
    percent: tuple[str, ...] = field(default_factory=tuple)
    combined: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def records(self) -> list[dict[str, Any]]:
        """Return the rows as a list of dicts (JSON-ready values)."""
        return json.loads(self.frame.to_json(orient="records", force_ascii=False, date_format="iso"))

    def title(self, lang: str = "zh") -> str:
        """Return the title in ``lang`` (``zh``, ``en`` or ``both``), falling back to the name."""
        zh, en = self.title_zh or self.title_en or self.name, self.title_en or self.title_zh or self.name
        return {"zh": zh, "en": en}.get(lang, f"{zh} / {en}" if zh != en else zh)

    def display_frame(self) -> pd.DataFrame:
        """Return the frame as shown in text and Markdown: combined columns joined, shares as percentages."""
        frame = self.frame.copy()
        for label, count_col, share_col in self.combined:
            if count_col not in frame.columns or share_col not in frame.columns:
                continue
            pos = list(frame.columns).index(count_col)
            cells = [
                "" if _missing(c) else f"{format_value(c)} ({format_value(s, percent=True)})"
                for c, s in zip(frame[count_col], frame[share_col], strict=True)
            ]
            frame = frame.drop(columns=[count_col, share_col])
            frame.insert(min(pos, len(frame.columns)), label, cells)
        for col in self.percent:
            if col in frame.columns:
                frame[col] = [format_value(v, percent=True) for v in frame[col]]
        return frame


# ----------------------------------------------------------------------------- values and labels
def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """Return ``value`` as a plain Python scalar (numpy scalars unwrapped, NaN as None)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if _missing(value):
        return None
    return value


def format_value(value: Any, *, percent: bool = False, thousands: bool = False) -> str:
    """Format one cell for people: shares as percentages, floats without needless zeros.

    Parameters
    ----------
    value : any
    percent : bool
        The value is a share between 0 and 1.
    thousands : bool
        Group thousands with commas (documents).

    Examples
    --------
    >>> format_value(0.4, percent=True), format_value(0.1234, percent=True), format_value(3215.0)
    ('40%', '12.3%', '3215')
    >>> format_value(3215.25, thousands=True), format_value(None), format_value(True)
    ('3,215.25', '', 'yes')
    """
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if percent:
            text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
            return f"{text}%"
        if isinstance(value, int):
            return f"{value:,}" if thousands else str(value)
        text = f"{value:,.3f}" if thousands else f"{value:.3f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def column_label(column: str, lang: str = "zh") -> str:
    """Return the label of a column in ``lang`` (``zh`` or ``en``).

    Known names come from :data:`HEADERS`; a name made of known words joined
    by spaces (``"+planned share"``) is translated word by word; any other
    name is returned as it is.

    Examples
    --------
    >>> column_label("share"), column_label("share", "en"), column_label("+planned covered")
    ('覆盖率', 'Share covered', '+规划 覆盖')
    """
    idx = 0 if lang == "zh" else 1
    if column in HEADERS:
        return HEADERS[column][idx]
    parts = str(column).split(" ")
    if len(parts) > 1 and all(p in HEADERS for p in parts):
        return " ".join(HEADERS[p][idx] for p in parts)
    return str(column)


def display_width(text: str) -> int:
    """Return the width of ``text`` in a fixed-width cell: CJK and full-width characters count double.

    Examples
    --------
    >>> display_width("zone"), display_width("沙坪坝区")
    (4, 8)
    """
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


_NUMBER = re.compile(r"^-?(0|[1-9]\d*)(\.\d+)?$")
_BLANKS = {"", "-", "—", "–", "/"}


def numeric_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy where text columns holding only numbers (or blanks) become numbers.

    A column converts when every value is a plain decimal number (no
    leading zeros, so codes like ``"007"`` stay text) or a blank (``""``,
    ``"-"``, ``"—"``, which become missing). Curated tables are read as text;
    this gives their numbers back as numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> numeric_frame(pd.DataFrame({"v": ["4.9", "-", "272"], "code": ["007", "1", "2"]})).to_dict("list")
    {'v': [4.9, nan, 272.0], 'code': ['007', '1', '2']}
    """
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col])):
            continue
        values = [v for v in out[col] if not (_missing(v) or str(v).strip() in _BLANKS)]
        if not values or not all(isinstance(v, str) and _NUMBER.match(v.strip()) for v in values):
            continue
        converted = pd.to_numeric(out[col].map(lambda v: None if _missing(v) or str(v).strip() in _BLANKS else v))
        if len(values) == len(out) and all(_NUMBER.match(v.strip()) and "." not in v for v in values):
            converted = converted.astype("int64")
        out[col] = converted
    return out


# ----------------------------------------------------------------------------- text formats
def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    return str(value)


def _rows_text(table: Table, fmt: str) -> str:
    import csv
    import io

    frame = table.frame if fmt == "csv" else table.display_frame()
    cols = [str(c) for c in frame.columns]
    rows = [[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(rows)
        return buf.getvalue()
    if fmt == "md":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(display_width(c), *(display_width(r[i]) for r in rows)) if rows else display_width(c)
              for i, c in enumerate(cols)]  # fmt: skip

    def pad(text: str, width: int) -> str:
        return text + " " * (width - display_width(text))

    lines = ["  ".join(pad(c, w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines += ["  ".join(pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join(lines) + "\n"


def summary_text(summary: dict[str, Any]) -> str:
    """Return a run summary as ``key: value`` lines (nested dicts on one line).

    Examples
    --------
    >>> print(summary_text({"model": "sketch", "parameters": {"circuity": 1.35}}), end="")
    model: sketch
    parameters: circuity=1.35
    """
    lines = []
    for key, value in summary.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}={v}" for k, v in value.items() if v is not None)
            lines.append(f"{key}: {inner}")
        else:
            lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


def render(tables: Sequence[Table], fmt: str, *, summary: dict[str, Any] | None = None) -> str:
    """Render tables as text, CSV, Markdown or JSON.

    Parameters
    ----------
    tables : sequence of Table
    fmt : {"text", "json", "csv", "md"}
        ``text`` puts the summary first and aligns columns (CJK characters
        count double); ``csv`` and ``md`` give the tables one after another
        (a blank line between); ``json`` gives one object with the summary
        and each table by name, or a plain list of rows for a single table
        without a summary. ``text`` and ``md`` show shares as percentages and
        the combined display columns of :attr:`Table.combined`; ``csv`` and
        ``json`` keep every number as a number.
    summary : dict, optional
        The run summary (parameters, sources, method).
    """
    if fmt not in TABLE_FORMATS:
        raise ParameterError("fmt", f"{{name}} should be one of {', '.join(TABLE_FORMATS)}, got {fmt!r}")
    if fmt == "json":
        if summary is None and len(tables) == 1:
            payload: Any = tables[0].records()
        else:
            payload = {"summary": summary or {}} | {t.name: t.records() for t in tables}
        return json.dumps(payload, ensure_ascii=False, indent=1, default=str) + "\n"
    parts = [_rows_text(t, fmt) for t in tables if not t.frame.empty]
    text = "\n".join(parts)
    if fmt == "text" and summary:
        text = summary_text(summary) + ("\n" + text if text else "")
    return text


def format_for_path(path: str | Path, fmt: str | None = None) -> str:
    """Return the table format for an output file: from its suffix, checked against ``fmt``.

    ``fmt`` ``None`` or ``"text"`` (the terminal default) accepts any suffix.

    Examples
    --------
    >>> format_for_path("coverage.md"), format_for_path("coverage.xlsx", "text")
    ('md', 'xlsx')
    """
    suffix = Path(path).suffix.lower()
    by_suffix = _SUFFIX_FORMATS.get(suffix)
    if by_suffix is None:
        known = ", ".join(_SUFFIX_FORMATS)
        raise ParameterError("out", f"{{name}} {str(path)!r}: a table file should end in one of {known}")
    if fmt not in (None, "text") and fmt != by_suffix:
        raise ParameterError(
            "fmt",
            f"{{name}} {fmt} does not match the suffix of {Path(path).name} ({by_suffix}): "
            f"drop {{name}} or name the file {Path(path).stem}.{fmt if fmt != 'text' else 'txt'}",
        )
    return by_suffix


# ----------------------------------------------------------------------------- notes: parameters, sources, accuracy
def _flatten(summary: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += _flatten(value, prefix=f"{name}.")
        elif isinstance(value, (list, tuple)):
            rows.append((name, ", ".join(str(v) for v in value)))
        elif value is not None:
            rows.append((name, _plain(value)))
    return rows


def _layer_names(summary: dict[str, Any] | None) -> list[str]:
    """Catalog layer names mentioned in ``summary["sources"]`` (values may list several, comma-separated)."""
    from geosci.catalog import catalog

    known = catalog()["layers"]
    found: list[str] = []
    sources = (summary or {}).get("sources")
    values = sources.values() if isinstance(sources, dict) else [sources] if sources else []
    for value in values:
        for part in str(value).replace(";", ",").split(","):
            name = part.strip()
            if name in known and name not in found:
                found.append(name)
    return found


def layer_notes(names: Sequence[str]) -> list[dict[str, Any]]:
    """Return the source, accuracy and licence of each catalog layer or table named.

    Names that are not in the catalog (a user's files) are returned with
    ``"user file: accuracy as given by its provider"``.

    Examples
    --------
    >>> layer_notes(["districts"])[0]["sources"]
    '002 §9'
    """
    from geosci.catalog import catalog

    out = []
    for name in names:
        entry = catalog()["layers"].get(name) or catalog()["tables"].get(name)
        if entry is None:
            out.append({"layer": name, "title_zh": "", "title_en": "", "sources": "user file",
                        "accuracy_m": None, "accuracy_note": "user file: accuracy as given by its provider",
                        "licence": ""})  # fmt: skip
            continue
        sources = entry.get("sources", entry.get("source", ""))
        out.append({
            "layer": name, "title_zh": entry.get("title_zh", ""), "title_en": entry.get("title_en", ""),
            "sources": "; ".join(sources) if isinstance(sources, list) else str(sources),
            "accuracy_m": entry.get("accuracy_m"), "accuracy_note": entry.get("accuracy_note", ""),
            "licence": entry.get("licence", ""),
        })  # fmt: skip
    return out


def notes_rows(
    tables: Sequence[Table], summary: dict[str, Any] | None = None, *, layers: Sequence[str] | None = None
) -> list[tuple[str, str, Any]]:
    """Return the notes of a run as ``(section, key, value)`` rows.

    Sections: ``parameters`` (the flattened summary), ``table`` (each
    table's title and notes), ``source`` and ``accuracy`` (per layer: the
    layers named in ``layers`` and those in ``summary["sources"]``).
    """
    import datetime

    import geosci

    rows: list[tuple[str, str, Any]] = [
        ("run", "geosci", geosci.__version__),
        ("run", "date", datetime.date.today().isoformat()),
    ]
    rows += [("parameters", k, v) for k, v in _flatten(summary or {})]
    for t in tables:
        if t.title_zh or t.title_en:
            rows.append(("table", t.name, t.title("both")))
        rows += [("table", t.name, note) for note in t.notes]
    names = list(dict.fromkeys([*(layers or []), *_layer_names(summary)]))
    for note in layer_notes(names):
        rows.append(("source", note["layer"], f"{note['title_zh']} {note['title_en']} — {note['sources']}".strip()))
        acc = f"±{note['accuracy_m']} m: " if note["accuracy_m"] is not None else ""
        rows.append(("accuracy", note["layer"], acc + str(note["accuracy_note"])))
        if note["licence"]:
            rows.append(("licence", note["layer"], note["licence"]))
    return rows


# ----------------------------------------------------------------------------- files
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_names(tables: Sequence[Table]) -> list[str]:
    names: list[str] = []
    for t in tables:
        base = _SHEET_BAD.sub("_", t.name)[:31] or "table"
        name, i = base, 2
        while name.lower() in {n.lower() for n in names} or name.lower() == "notes":
            name = f"{base[: 31 - len(str(i)) - 1]}_{i}"
            i += 1
        names.append(name)
    return names


def xlsx_bytes(
    tables: Sequence[Table], *, summary: dict[str, Any] | None = None, layers: Sequence[str] | None = None
) -> bytes:
    """Return an Excel workbook of the tables (openpyxl).

    One sheet per table (named by :attr:`Table.name`), each with a two-row
    header: Chinese labels in row 1, the column names in row 2 (see
    :data:`HEADERS`); the header is bold and frozen; numbers are numeric
    cells (text columns holding only numbers too, see :func:`numeric_frame`);
    shares (:attr:`Table.percent`) carry a ``0.0%`` number format; column
    widths fit their content (CJK characters count double). A last sheet,
    ``notes``, lists the run's parameters, scenario, sources and accuracy
    notes (:func:`notes_rows`).
    """
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for table, sheet_name in zip(tables, _sheet_names(tables), strict=True):
        ws = wb.create_sheet(sheet_name)
        frame = numeric_frame(table.frame)  # numbers read as text (curated tables) become numbers again
        cols = [str(c) for c in frame.columns]
        ws.append([column_label(c, "zh") for c in cols])
        ws.append(cols)
        for row in frame.itertuples(index=False, name=None):
            ws.append([_plain(v) for v in row])
        for r in (1, 2):
            for cell in ws[r]:
                cell.font, cell.fill = bold, fill
        for j, col in enumerate(cols, start=1):
            letter = get_column_letter(j)
            is_pct = col in table.percent
            width = max(display_width(column_label(col, "zh")), display_width(col))
            for (cell,) in ws.iter_rows(min_row=3, min_col=j, max_col=j):
                if is_pct and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = "0.0%"
                    shown = format_value(cell.value, percent=True)
                elif isinstance(cell.value, float):
                    cell.number_format = "#,##0.###" if abs(cell.value) >= 1000 else "General"
                    shown = format_value(cell.value, thousands=True)
                else:
                    shown = format_value(cell.value)
                width = max(width, display_width(shown))
                if len(shown) > 60:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[letter].width = min(width + 2, 62)
        ws.freeze_panes = "A3"
        if cols:
            ws.auto_filter.ref = f"A2:{get_column_letter(len(cols))}{max(ws.max_row, 2)}"
    ws = wb.create_sheet("notes")
    ws.append(["类别 section", "项目 key", "内容 value"])
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for section, key, value in notes_rows(tables, summary, layers=layers):
        ws.append([section, key, value if isinstance(value, (int, float)) else str(value)])
    ws.freeze_panes = "A2"
    for letter, width in (("A", 14), ("B", 30), ("C", 100)):
        ws.column_dimensions[letter].width = width
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_paths(path: str | Path, tables: Sequence[Table], *, notes: bool = False) -> list[Path]:
    """Return the CSV file of each table: ``OUT.csv`` for the first, ``OUT-<name>.csv`` for the others.

    With ``notes``, a last ``OUT-notes.csv`` for the run's notes.

    Examples
    --------
    >>> import pandas as pd
    >>> ts = [Table("coverage", pd.DataFrame()), Table("areas", pd.DataFrame())]
    >>> [p.name for p in csv_paths("out/cov.csv", ts, notes=True)]
    ['cov.csv', 'cov-areas.csv', 'cov-notes.csv']
    """
    path = Path(path)
    out = [path] + [path.with_name(f"{path.stem}-{t.name}{path.suffix}") for t in tables[1:]]
    if notes:
        out.append(path.with_name(f"{path.stem}-notes{path.suffix}"))
    if len({p.name.lower() for p in out}) != len(out):
        names = ", ".join(t.name for t in tables)
        raise ParameterError("tables", f"{{name}}: table names should differ to name one CSV file each, got {names}")
    return out


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([str(c) for c in frame.columns])
    writer.writerows([[_cell(v) for v in row] for row in frame.itertuples(index=False, name=None)])
    return buf.getvalue().encode("utf-8-sig")


def _md_document(tables: Sequence[Table], summary: dict[str, Any] | None, layers: Sequence[str] | None) -> str:
    parts = []
    for t in tables:
        if t.title_zh or t.title_en:
            parts.append(f"## {t.title('both')}\n\n")
        parts.append(_rows_text(t, "md") if not t.frame.empty else "(no rows)\n")
        parts += [f"\n> {note}\n" for note in t.notes]
        parts.append("\n")
    rows = notes_rows(tables, summary, layers=layers)
    if summary or any(s in ("source", "accuracy") for s, _, _ in rows):
        parts.append("## 说明 Notes\n\n")
        parts += [f"- {section} · {key}: {value}\n" for section, key, value in rows]
    return "".join(parts)


def write_tables(
    tables: Sequence[Table],
    path: str | Path,
    *,
    fmt: str | None = None,
    summary: dict[str, Any] | None = None,
    overwrite: bool = False,
    layers: Sequence[str] | None = None,
    outputs: OutputSet | None = None,
) -> list[Path]:
    """Write tables to ``path`` atomically, in the format its suffix names.

    Parameters
    ----------
    tables : sequence of Table
    path : path
        ``.xlsx`` (a workbook: see :func:`xlsx_bytes`), ``.csv`` (UTF-8 with
        a byte-order mark; one file per table, see :func:`csv_paths`, and
        ``OUT-notes.csv`` when there is a summary), ``.md`` (titles, tables
        and a notes section), ``.json`` or ``.txt``.
    fmt : str, optional
        The ``--format`` asked for: must agree with the suffix (``None`` or
        ``"text"`` accept any suffix).
    summary : dict, optional
        The run summary: parameters, scenarios, ``sources`` (catalog layer
        names there bring their source and accuracy notes along).
    overwrite : bool
        Replace existing files; otherwise
        :class:`~geosci.errors.OutputExistsError` before anything is written.
    layers : sequence of str, optional
        Further catalog layers whose sources and accuracy notes belong in
        the notes.
    outputs : geosci.io.OutputSet, optional
        Register the files there, to appear together with a command's other
        outputs; by default they appear together when all are written.

    Returns
    -------
    list of pathlib.Path
        The files written. Every file is rendered first, then all are
        written together: either all appear or none.
    """
    from geosci.io import OutputSet, check_output, write_bytes

    if not tables:
        raise ParameterError("tables", "{name}: there is no table to write")
    kind = format_for_path(path, fmt)
    if kind == "xlsx":
        files = {Path(path): xlsx_bytes(tables, summary=summary, layers=layers)}
    elif kind == "csv":
        import pandas as pd

        paths = csv_paths(path, tables, notes=bool(summary))
        frames = [t.frame for t in tables]
        if summary:
            frames.append(pd.DataFrame(notes_rows(tables, summary, layers=layers), columns=["section", "key", "value"]))
        files = {p: _csv_bytes(f) for p, f in zip(paths, frames, strict=True)}
    elif kind == "md":
        files = {Path(path): _md_document(tables, summary, layers).encode("utf-8")}
    else:
        files = {Path(path): render(tables, kind, summary=summary).encode("utf-8")}
    for p in files:  # refuse before writing anything
        check_output(p, overwrite=overwrite)
    if outputs is not None:
        for p, data in files.items():
            write_bytes(data, p, overwrite=overwrite, outputs=outputs)
        return list(files)
    with OutputSet() as own:
        for p, data in files.items():
            write_bytes(data, p, overwrite=overwrite, outputs=own)
    return list(files)
