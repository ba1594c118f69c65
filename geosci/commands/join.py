"""``geosci join``: which district, centre, axis segment or ecosystem each feature lies in or is nearest to."""

from __future__ import annotations

import click

from geosci.commands.main import main
from geosci.commands.options import Number, check_outputs, emit, out_option, overwrite_option, zone_field_option


@main.command("join")
@click.argument("layer")
@click.option("--to", "zones", default="districts", show_default=True,
              help="Zones or reference layer: districts, centres, axis, ring_ecosystems ... or a file.")  # fmt: skip
@zone_field_option
@click.option("--nearest", is_flag=True, help="Nearest zone (with its distance) instead of the containing one.")
@click.option("--max-distance", type=Number(0), help="With --nearest: farthest match, metres.")
@click.option("--counts", is_flag=True, help="Print the count and list of features per zone instead.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv", "md", "geojson"]), default="text",
              show_default=True)  # fmt: skip
@out_option()
@overwrite_option
def join_cmd(layer, zones, zone_field, nearest, max_distance, counts, fmt, out, overwrite):
    """Which district, centre, axis segment or ecosystem each feature of LAYER lies in or is nearest to."""
    from geosci.joins import join_tables, write_joined

    check_outputs((out, "out"), inputs=[layer, zones], overwrite=overwrite)
    joined, tables = join_tables(layer, zones, zone_field=zone_field, nearest=nearest, max_distance_m=max_distance,
                                 counts=counts)  # fmt: skip
    if fmt == "geojson":
        if out:
            click.echo(f"wrote {write_joined(joined, out, overwrite=overwrite)}", err=True)
        else:
            click.echo(joined.to_json(ensure_ascii=False, drop_id=True))
        return
    emit(tables, fmt=fmt, out=out, overwrite=overwrite)
