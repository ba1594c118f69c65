"""geosci.io: outputs checked before work, written atomically, all files of a command or none."""

from __future__ import annotations

import json
import os

import pytest

from geosci.catalog import read_layer
from geosci.errors import DataError, OutputExistsError, ParameterError
from geosci.io import OutputSet, check_output, write_bytes, write_layer


def test_check_output_refuses_folders_missing_parents_and_parent_files(tmp_path):
    with pytest.raises(ParameterError, match="is a folder"):
        check_output(tmp_path)
    with pytest.raises(ParameterError, match="does not exist: create it first"):
        check_output(tmp_path / "nope" / "x.geojson")
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        check_output(tmp_path / "afile" / "x.geojson")


def test_an_input_is_never_an_output_even_through_a_symlink_or_with_overwrite(tmp_path):
    src = tmp_path / "in.geojson"
    src.write_text("{}")
    link = tmp_path / "link.geojson"
    link.symlink_to(src)
    for target in (src, link):
        with pytest.raises(ParameterError, match="is the input file"):
            check_output(target, overwrite=True, inputs=[src])


def test_shapefile_sidecars_count_as_the_output(tmp_path):
    (tmp_path / "x.dbf").write_bytes(b"stale")
    with pytest.raises(OutputExistsError, match=r"x\.dbf exists"):
        check_output(tmp_path / "x.shp")
    check_output(tmp_path / "x.shp", overwrite=True)


def test_output_set_is_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    with pytest.raises(RuntimeError), OutputSet() as outputs:
        write_bytes(b"a", a, outputs=outputs)
        assert not a.exists()  # not visible before the whole set is complete
        raise RuntimeError("late failure")
    assert not a.exists() and not b.exists()
    assert [p.name for p in tmp_path.iterdir()] == []  # no temporary file left behind
    with OutputSet() as outputs:
        write_bytes(b"a", a, outputs=outputs)
        write_bytes(b"b", b, outputs=outputs)
    assert a.read_bytes() == b"a" and b.read_bytes() == b"b"


def test_geojson_is_named_for_its_destination_and_reproducible(tmp_path):
    frame = read_layer("landmarks")
    first = write_layer(frame, tmp_path / "one.geojson").read_bytes()
    (tmp_path / "one.geojson").unlink()
    second = write_layer(frame, tmp_path / "one.geojson").read_bytes()
    assert first == second and json.loads(first)["name"] == "one"


def test_write_refuses_an_existing_file_and_leaves_it(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes(b"old")
    with pytest.raises(OutputExistsError):
        write_bytes(b"new", path)
    assert path.read_bytes() == b"old"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders: the check cannot be seen as root")
def test_read_only_folder_is_named_before_work(tmp_path):  # pragma: no cover - CI runs as root
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    with pytest.raises(ParameterError, match="read-only"):
        check_output(ro / "x.geojson")


def test_long_names_are_refused_plainly(tmp_path):
    with pytest.raises((ParameterError, DataError), match="too long"):
        check_output(tmp_path / ("x" * 260 + ".geojson"))


def test_a_legal_246_byte_name_is_written(tmp_path):
    path = tmp_path / ("x" * 238 + ".geojson")
    assert len(path.name.encode()) == 246
    write_bytes(b"{}", path)
    assert path.read_bytes() == b"{}"
