"""Print the README's data table from the catalog: ``python tools/readme_tables.py``.

The README's "Data" table is this output, pasted between the
``<!-- layers-table -->`` markers; a test checks that they agree, so the
README never disagrees with the catalog.
"""

from __future__ import annotations

from geosci.catalog import catalog, read_layer


def _short(text: str, limit: int = 150) -> str:
    text = " ".join(str(text).split()).replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def layers_table() -> str:
    """Return the Markdown table of every layer: features, seeds, accuracy range and how it was made."""
    rows = ["| layer | 标题 | features | seeds | accuracy | geometry |", "|---|---|---|---|---|---|"]
    for name, e in catalog()["layers"].items():
        acc = read_layer(name)["accuracy_m"].astype(float) if "accuracy_m" in read_layer(name).columns else None
        if acc is not None and len(acc):
            lo, hi = int(acc.min()), int(acc.max())
            accuracy = f"±{lo:,} m" if lo == hi else f"±{lo:,}–{hi:,} m"
        else:
            accuracy = f"≤ {e['accuracy_m']:,} m"
        seeds = ", ".join(sorted({s.split()[0] for s in e["sources"]}))
        rows.append(f"| `{name}` | {e['title_zh']} | {e['feature_count']} | {seeds} | {accuracy} | "
                    f"{_short(e['geometry_method'])} |")  # fmt: skip
    rows.append("")
    rows.append("Tables: " + "; ".join(f"`{n}` ({t['title_zh']}, {t.get('source', '')})"
                                       for n, t in catalog()["tables"].items()) + ".")  # fmt: skip
    return "\n".join(rows)


if __name__ == "__main__":
    print(layers_table())
