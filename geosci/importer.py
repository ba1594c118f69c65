"""Import a planner's file as a geosci layer, with its metadata file beside it.

:func:`import_layer` reads any supported file through
:func:`geosci.ingest.read_any` (encodings, coordinate columns, datum checks,
repairs), gives it the layer fields (:func:`geosci.ingest.to_layer_form`)
and writes the layer and ``OUT.meta.json`` together: both or neither.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["import_layer"]


def import_layer(
    path: str | Path,
    out: str | Path,
    *,
    kind: str,
    source: str | None = None,
    licence: str = "given by the user",
    title: str | None = None,
    accuracy_m: float | None = None,
    status: str = "existing",
    id_field: str | None = None,
    name_field: str | None = None,
    renumber: bool = False,
    overwrite: bool = False,
    **read_options: Any,
) -> tuple[Any, dict[str, Any], Any]:
    """Read ``path``, convert it to a WGS84 layer and write it with its metadata.

    Parameters
    ----------
    path : path
        The input file; it is only read.
    out : path
        The layer to write (.geojson, .gpkg, .shp, .csv); ``OUT.meta.json``
        is written beside it.
    kind : str
        What the features are (``metro_station``, ``incubator`` ...).
    source, licence, title : str, optional
        Where the data comes from (default: the file name), its licence and a title.
    accuracy_m : float, optional
        How far off positions may be, metres.
    status : {"existing", "under_construction", "planned"}
        Status where the data has none.
    id_field, name_field : str, optional
        Columns holding ids and names.
    renumber : bool
        Give new sequential ids.
    overwrite : bool
        Replace existing outputs.
    **read_options
        Passed to :func:`geosci.ingest.read_any` (``crs``, ``encoding``,
        ``lon``, ``lat``, ``swap_xy``, ``geometry_type``, ``layer``,
        ``datum_check`` ...).

    Returns
    -------
    layer : GeoDataFrame
    meta : dict
        What was written to ``OUT.meta.json``.
    report : ImportReport
    """
    from geosci.catalog import file_sha256
    from geosci.ingest import read_any, to_layer_form
    from geosci.io import OutputSet, check_output, write_bytes, write_layer

    meta_path = Path(f"{out}.meta.json")
    check_output(out, overwrite=overwrite, inputs=[path])
    check_output(meta_path, overwrite=overwrite, inputs=[path])
    input_sha = file_sha256(path) if Path(path).is_file() else None
    frame, report = read_any(path, **read_options)
    src_text = source or f"imported from {Path(path).name}"
    basis = f"imported from {Path(path).name} ({report.crs_in}; {report.datum_conversion})"
    layer = to_layer_form(frame, kind=kind, source=src_text, id_field=id_field, name_field=name_field,
                          status=status, accuracy_m=accuracy_m, renumber=renumber, basis=basis)  # fmt: skip
    meta = {
        "title": title or Path(path).stem, "kind": kind, "file": Path(out).name,
        "geometry_type": str(layer.geom_type.iloc[0]), "feature_count": len(layer), "source": src_text,
        "licence": licence, "accuracy_m": accuracy_m,
        "accuracy_note": f"as given by the user ({accuracy_m} m)" if accuracy_m is not None
        else "not stated by the user",
        "crs": "EPSG:4326", "input": {"path": str(path), "sha256": input_sha}, "import": report.as_dict(),
    }  # fmt: skip
    with OutputSet() as outputs:
        write_layer(layer, out, overwrite=overwrite, outputs=outputs)
        write_bytes((json.dumps(meta, ensure_ascii=False, indent=1, default=str) + "\n").encode("utf-8"), meta_path,
                    overwrite=overwrite, outputs=outputs)  # fmt: skip
    return layer, meta, report
