"""geosci.tables: workbooks, CSV for Chinese Excel, Markdown and JSON from the same Table objects."""

from __future__ import annotations

import json

import openpyxl
import pandas as pd
import pytest

from geosci.catalog import read_layer, read_table
from geosci.coverage import coverage
from geosci.errors import OutputExistsError, ParameterError
from geosci.tables import (
    Table,
    column_label,
    csv_paths,
    format_for_path,
    numeric_frame,
    render,
    write_tables,
)


@pytest.fixture(scope="module")
def result():
    """A real coverage run on the curated layers: 800 m around existing and planned stations."""
    return coverage(
        read_layer("rail_stations"),
        {"incubator_clusters": read_layer("incubator_clusters"), "universities": read_layer("universities")},
        zones=read_layer("districts"),
        radius_m=800,
        scenarios=["existing", "+planned"],
    )


@pytest.fixture(scope="module")
def tables(result):
    counts = Table("counts", result.targets, "覆盖计数", "Coverage counts", percent=("share", "uncertain_share"),
                   combined=(("covered (share)", "covered", "share"),))  # fmt: skip
    areas = Table("areas", result.areas, "面积覆盖", "Area covered", percent=("area_share",))
    return [counts, areas]


SUMMARY = {
    "catchment": {"radius_m": 800},
    "scenarios": ["existing", "+planned"],
    "sources": {"stations": "rail_stations", "targets": "incubator_clusters, universities", "zones": "districts"},
}


def test_xlsx_is_a_real_workbook(tmp_path, result, tables):
    out = tmp_path / "coverage.xlsx"
    assert write_tables(tables, out, summary=SUMMARY) == [out]
    assert out.read_bytes()[:2] == b"PK"  # a zip container, not text
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["counts", "areas", "notes"]
    ws = wb["counts"]
    assert [c.value for c in ws[1]][:4] == ["情景", "图层", "片区", "数量"]  # Chinese labels
    assert [c.value for c in ws[2]] == list(result.targets.columns)  # the column names
    assert ws.freeze_panes == "A3"
    col = {c.value: c.column for c in ws[2]}
    for i, row in enumerate(result.targets.itertuples(), start=3):
        n, share = ws.cell(i, col["n"]), ws.cell(i, col["share"])
        assert isinstance(n.value, int) and n.value == row.n
        assert isinstance(share.value, (int, float)) and share.value == pytest.approx(row.share)
        assert share.number_format == "0.0%"
        assert ws.cell(i, col["zone"]).value == row.zone  # Chinese text intact
    # widths fit: the zone column is at least as wide as its longest name counted double
    zone_letter = openpyxl.utils.get_column_letter(col["zone"])
    assert ws.column_dimensions[zone_letter].width >= 2 * max(len(z) for z in result.targets["zone"])
    assert wb["areas"].cell(3, 5).number_format == "0.0%"  # area_share
    notes = {(r[0], r[1]): r[2] for r in wb["notes"].iter_rows(min_row=2, values_only=True)}
    assert notes[("parameters", "catchment.radius_m")] == 800
    assert notes[("parameters", "scenarios")] == "existing, +planned"
    assert "accuracy_note" not in notes  # notes are by layer
    assert "002 §13" in notes[("source", "rail_stations")]
    assert notes[("accuracy", "districts")].startswith("±100 m")
    assert ("accuracy", "incubator_clusters") in notes


def test_csv_has_bom_numbers_and_one_file_per_table(tmp_path, result, tables):
    out = tmp_path / "cov.csv"
    written = write_tables(tables, out, fmt="csv", summary=SUMMARY)
    assert [p.name for p in written] == ["cov.csv", "cov-areas.csv", "cov-notes.csv"]
    raw = out.read_bytes()
    assert raw[:3] == b"\xef\xbb\xbf"
    assert "沙坪坝区".encode() in raw
    back = pd.read_csv(out, encoding="utf-8-sig")
    assert list(back.columns) == list(result.targets.columns)  # numeric columns, no "2 (40%)" cells
    assert back["share"].tolist() == pytest.approx(result.targets["share"].tolist())
    assert back["n"].dtype.kind == "i"
    areas = pd.read_csv(tmp_path / "cov-areas.csv", encoding="utf-8-sig")
    assert areas["area_km2"].tolist() == pytest.approx(result.areas["area_km2"].tolist())


def test_csv_to_stdout_keeps_numbers_and_text_combines(tables):
    text = render(tables, "csv")
    assert "covered (share)" not in text and "%" not in text
    shown = render(tables, "text")
    assert "covered (share)" in shown and "%" in shown
    md = render(tables, "md")
    assert md.startswith("| scenario | layer | zone | n | covered (share) |")


def test_outputs_are_all_or_nothing(tmp_path, tables):
    (tmp_path / "cov-areas.csv").write_text("keep me")
    with pytest.raises(OutputExistsError):
        write_tables(tables, tmp_path / "cov.csv")
    assert not (tmp_path / "cov.csv").exists()  # nothing written when one target is refused
    assert (tmp_path / "cov-areas.csv").read_text() == "keep me"
    assert write_tables(tables, tmp_path / "cov.csv", overwrite=True)[1].read_bytes()[:3] == b"\xef\xbb\xbf"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cov-areas.csv", "cov.csv"]  # no temporary files left


def test_suffix_and_format_must_agree(tmp_path, tables):
    with pytest.raises(ParameterError, match=r"fmt csv does not match the suffix of t\.xlsx"):
        write_tables(tables, tmp_path / "t.xlsx", fmt="csv")
    with pytest.raises(ParameterError) as err:
        format_for_path("t.docx")
    assert err.value.for_option("--out").startswith("--out 't.docx'")
    assert format_for_path("t.xlsx", "text") == "xlsx"
    with pytest.raises(ParameterError, match="table names should differ"):
        csv_paths("x.csv", [Table(n, pd.DataFrame()) for n in ("a", "b", "b")])


def test_md_and_json_files(tmp_path, tables):
    md = write_tables(tables, tmp_path / "t.md", summary=SUMMARY)[0].read_text(encoding="utf-8")
    assert "## 覆盖计数 / Coverage counts" in md and "## 说明 Notes" in md and "accuracy · districts" in md
    data = json.loads(write_tables(tables, tmp_path / "t.json", summary=SUMMARY)[0].read_text(encoding="utf-8"))
    assert set(data) == {"summary", "counts", "areas"}
    assert isinstance(data["counts"][0]["share"], float)


def test_curated_tables_give_numbers_back():
    frame = numeric_frame(read_table("indicators_2025"))
    assert frame["no"].dtype.kind == "i"
    assert frame["value_2020"].dtype.kind == "f" and frame["value_2020"].isna().sum() == 1  # the "-" of row 7
    assert frame["unit"].iloc[0] == "%"


def test_workbook_turns_numbers_read_as_text_into_numbers(tmp_path):
    t = Table("rows", read_table("indicators_2025"))  # every column read as text
    ws = openpyxl.load_workbook(write_tables([t], tmp_path / "ind.xlsx")[0])["rows"]
    assert ws["A3"].value == 1 and ws["E3"].value == 4.9 and ws["E9"].value is None  # "-" is no value
    assert ws["B3"].value == "R&D经费支出占GDP比重"


def test_labels():
    assert column_label("zone") == "片区" and column_label("n") == "数量" and column_label("minutes") == "分钟"
    assert column_label("existing share", "en") == "Existing Share covered"
    assert column_label("unknown_col") == "unknown_col"
