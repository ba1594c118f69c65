"""``geosci map``: a named map recipe (or your own files) as one offline HTML file and printed pages."""

from __future__ import annotations

import click

from geosci.commands.main import main
from geosci.commands.options import overwrite_option


class _Tiles(click.ParamType):
    """A basemap name, or the path of a local .mbtiles archive."""

    name = "TILES"

    def convert(self, value, param, ctx):
        from geosci.mapping import TILES
        from geosci.tiles import is_tile_archive

        if value in TILES or is_tile_archive(value):
            return value
        self.fail(f"{value!r} should be one of {', '.join(TILES)} or a .mbtiles file", param, ctx)


def _tiles():
    return _Tiles()


@main.command("map")
@click.argument("recipe", required=False)
@click.option("--out", type=click.Path(dir_okay=False),
              help="HTML file (default: RECIPE.html, without a page); ending in .pdf, .png or .svg, that printed "
                   "page.")  # fmt: skip
@click.option("--tiles", type=_tiles(), default="none", show_default=True,
              help="Basemap: none, osm, amap, amap-satellite, tianditu, or a local .mbtiles archive (embedded, "
                   "offline). AMap tiles are GCJ-02: the layers are shifted to match them.")  # fmt: skip
@click.option("--tiles-key", envvar="GEOSCI_TILES_KEY", help="API key for basemaps that need one (tianditu).")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True,
              help="Language of labels, legend and title.")  # fmt: skip
@click.option("--pdf", type=click.Path(dir_okay=False), help="Write the printed page as a vector PDF.")
@click.option("--png", type=click.Path(dir_okay=False), help="Write the printed page as a PNG at --dpi.")
@click.option("--svg", type=click.Path(dir_okay=False), help="Write the printed page as SVG.")
@click.option("--page", type=click.Choice(["A4", "A3", "A2"]), default="A4", show_default=True, help="Paper size.")
@click.option("--landscape/--portrait", default=True, show_default=True, help="Page orientation.")
@click.option("--dpi", type=click.IntRange(30, 1200), default=300, show_default=True, help="PNG resolution.")
@click.option("--title", help="Title of the map (default: the recipe's).")
@click.option("--extent", help="What to show: core, a district name (璧山, Bishan ...) or minx,miny,maxx,maxy (WGS84).")
@click.option("--add", "add", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Draw your own vector file on top (repeatable); with no RECIPE, a map of these files "
                   "alone.")  # fmt: skip
@overwrite_option
def map_cmd(recipe, out, tiles, tiles_key, lang, pdf, png, svg, page, landscape, dpi, title, extent, add, overwrite):
    """Make the map RECIPE as one offline HTML file, and printed pages (PDF, PNG, SVG).

    RECIPE is one of district, axis, region, transit, incubators, or the path
    of a recipe .json file. The HTML holds Leaflet and all data inline and
    opens with no network; a basemap (--tiles) is optional decoration. A
    printed page (--pdf, --png, --svg) has a title block, legend, metric
    scale bar, north arrow, inset locator and the sources of the layers drawn.
    """
    from geosci.printing import make_map_outputs

    for path, what in make_map_outputs(recipe, add=add, out=out, pdf=pdf, png=png, svg=svg, tiles=tiles,
                                       tiles_key=tiles_key, lang=lang, extent=extent, page=page, landscape=landscape,
                                       dpi=dpi, title=title, overwrite=overwrite):  # fmt: skip
        click.echo(f"wrote {path} ({what})", err=True)
