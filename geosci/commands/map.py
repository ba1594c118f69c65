"""``geosci map``: a named map recipe (or your own files) as one offline HTML file, and a PNG."""

from __future__ import annotations

import click

from geosci.commands.main import main
from geosci.commands.options import overwrite_option


def _tiles():
    from geosci.mapping import TILES

    return click.Choice(list(TILES))


@main.command("map")
@click.argument("recipe", required=False)
@click.option("--out", type=click.Path(dir_okay=False), help="HTML file to write (default: RECIPE.html).")
@click.option("--tiles", type=_tiles(), default="none", show_default=True,
              help="Basemap. AMap tiles are GCJ-02: the layers are shifted to match them.")  # fmt: skip
@click.option("--tiles-key", envvar="GEOSCI_TILES_KEY", help="API key for basemaps that need one (tianditu).")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of labels, legend and title.")  # fmt: skip
@click.option("--png", "png", type=click.Path(dir_okay=False), help="Also render a PNG (needs Chromium).")
@click.option("--width", type=click.IntRange(400, 8000), default=1600, show_default=True, help="PNG width, pixels.")
@click.option("--height", type=click.IntRange(300, 8000), default=1100, show_default=True, help="PNG height, pixels.")
@click.option("--add", "add", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Draw your own vector file on top (repeatable); with no RECIPE, a map of these files "
                   "alone.")  # fmt: skip
@overwrite_option
def map_cmd(recipe, out, tiles, tiles_key, lang, png, width, height, add, overwrite):
    """Make the map RECIPE as one offline HTML file (and optionally a PNG).

    RECIPE is one of district, axis, region, transit, incubators, or the path
    of a recipe .json file. The HTML holds Leaflet and all data inline and
    opens with no network; a basemap (--tiles) is optional decoration.
    """
    from geosci.mapfiles import make_map_files

    for path, what in make_map_files(recipe, add=add, out=out, png=png, tiles=tiles, tiles_key=tiles_key, lang=lang,
                                     width=width, height=height, overwrite=overwrite):  # fmt: skip
        click.echo(f"wrote {path} ({what})", err=True)
