"""Single-file, offline HTML for Folium maps.

Folium links Leaflet and its plugins from public CDNs, so its maps break on
intranets and air-gapped machines. :func:`map_to_html` renders a map and
replaces every external ``<script src>`` and stylesheet ``<link>`` with the
file's content, inline. The content comes from the web resources bundled in
the installed ``folium-offline`` package (nothing is fetched, and no copy of
third-party JavaScript lives in geosci). A resource it cannot inline is an
error, never a silent CDN link.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from geosci.errors import GeosciError

if TYPE_CHECKING:  # pragma: no cover
    import folium

__all__ = ["external_references", "inline_resources", "map_to_html", "write_map"]

_SCRIPT = re.compile(r'<script\s+src="(https?://[^"]+)"\s*>\s*</script>')
_LINK = re.compile(r'<link\s+rel="stylesheet"\s+href="(https?://[^"]+)"\s*/?>')


def _resources() -> dict[str, str]:
    try:
        from offlinefolium.elements import _res
    except ImportError as exc:  # pragma: no cover - it is an install requirement
        raise GeosciError("offline maps need the folium-offline package: pip install folium-offline") from exc
    return _res


def inline_resources(page: str) -> str:
    """Replace external script and stylesheet links in ``page`` by their inline content.

    Raises
    ------
    GeosciError
        When a linked resource is not available offline.
    """
    res = _resources()

    def _get(url: str) -> str:
        if url not in res:
            raise GeosciError(f"the map needs {url}, which is not available offline")
        return res[url].replace("</script", "<\\/script")

    page = _SCRIPT.sub(lambda mt: f"<script>{_get(mt.group(1))}</script>", page)
    return _LINK.sub(lambda mt: f"<style>{_get(mt.group(1))}</style>", page)


def external_references(page: str) -> list[str]:
    """Return the http(s) URLs that ``page`` loads as scripts, stylesheets or CSS ``url()``.

    Examples
    --------
    >>> external_references('<script src="https://x.org/a.js"></script><style>b{}</style>')
    ['https://x.org/a.js']
    """
    refs = re.findall(r'<script[^>]+src="(https?://[^"]+)"', page)
    refs += re.findall(r'<link[^>]+href="(https?://[^"]+)"', page)
    refs += re.findall(r"""url\(\s*['"]?(https?://[^)'"]+)""", page)
    refs += re.findall(r"""@import\s+['"](https?://[^'"]+)""", page)
    return refs


def map_to_html(m: folium.Map) -> str:
    """Render a Folium map as one self-contained HTML page that works offline."""
    page = inline_resources(m.get_root().render())
    left = external_references(page)
    if left:
        raise GeosciError(f"the map still loads {left[0]} from the network")
    return page


def write_map(m: folium.Map, path: str | Path, *, overwrite: bool = False, outputs=None) -> Path:
    """Write a Folium map as one offline HTML file, atomically.

    Parameters
    ----------
    m : folium.Map
    path : path
        The ``.html`` file to write.
    overwrite : bool
        Replace an existing file; otherwise :class:`~geosci.errors.OutputExistsError`.
    outputs : geosci.io.OutputSet, optional
        Make the file visible together with a command's other files.

    Returns
    -------
    pathlib.Path
    """
    from geosci.io import write_bytes

    return write_bytes(map_to_html(m).encode("utf-8"), path, overwrite=overwrite, outputs=outputs)
