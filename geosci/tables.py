"""Tables as results: one type for every table a command prints or writes.

Every analysis returns its tables as :class:`Table` objects (a DataFrame with
a name and titles). :func:`render` turns them into text for a terminal or a
document (``text``, ``csv``, ``md``, ``json``); :func:`write_tables` writes
them to a file, atomically, by the file's suffix. The command line only
chooses between the two.

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geosci.errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["TABLE_FORMATS", "Table", "format_for_path", "render", "summary_text", "write_tables"]

TABLE_FORMATS = ("text", "json", "csv", "md")
"""Formats a table can be printed in."""

_SUFFIX_FORMATS = {".txt": "text", ".json": "json", ".csv": "csv", ".md": "md"}


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
    """

    name: str
    frame: pd.DataFrame
    title_zh: str = ""
    title_en: str = ""
    percent: tuple[str, ...] = field(default_factory=tuple)

    def records(self) -> list[dict[str, Any]]:
        """Return the rows as a list of dicts (JSON-ready values)."""
        return json.loads(self.frame.to_json(orient="records", force_ascii=False, date_format="iso"))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    return str(value)


def _rows_text(table: Table, fmt: str) -> str:
    import csv
    import io

    cols = [str(c) for c in table.frame.columns]
    rows = [[_cell(v) for v in row] for row in table.frame.itertuples(index=False, name=None)]
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        writer.writerows(rows)
        return buf.getvalue()
    if fmt == "md":
        lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
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
        ``text`` puts the summary first and aligns columns; ``csv`` and
        ``md`` give the tables one after another (a blank line between);
        ``json`` gives one object with the summary and each table by name,
        or a plain list of rows for a single table without a summary.
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

    Examples
    --------
    >>> format_for_path("coverage.md")
    'md'
    """
    suffix = Path(path).suffix.lower()
    by_suffix = _SUFFIX_FORMATS.get(suffix)
    if by_suffix is None:
        known = ", ".join(_SUFFIX_FORMATS)
        raise ParameterError("out", f"{{name}} {str(path)!r}: a table file should end in one of {known}")
    if fmt not in (None, "text") and fmt != by_suffix:
        raise ParameterError("fmt", f"{{name}} {fmt} does not match the suffix of {Path(path).name} ({by_suffix})")
    return by_suffix


def write_tables(
    tables: Sequence[Table],
    path: str | Path,
    *,
    fmt: str | None = None,
    summary: dict[str, Any] | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write tables to ``path`` atomically, in the format its suffix names.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from geosci.io import write_bytes

    text = render(tables, format_for_path(path, fmt), summary=summary)
    return [write_bytes(text.encode("utf-8"), path, overwrite=overwrite)]
