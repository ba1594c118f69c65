"""``geosci report``: a planning document (Word, HTML or Markdown) from one analysis run."""

from __future__ import annotations

import sys

import click

from geosci.commands.main import main
from geosci.commands.options import Number, coverage_options, model_options, overwrite_option, single


def _document_options(f):
    """``--out``, ``--lang``, ``--no-maps``, ``--dpi`` and ``--overwrite``, shared by every report."""
    opts = [
        click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
                     help="The document: .docx (Word), .html (one file) or .md (with a NAME_files picture folder)."),
        click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Language of headings, captions (图1/表1 or Figure 1/Table 1) and labels."),
        click.option("--no-maps", "no_maps", is_flag=True, help="Leave out the map pictures (no browser needed)."),
        single("--dpi", type=Number(30, max=600), default=150.0,
               help="Resolution of the map pictures (A4 landscape pages)."),
        overwrite_option,
    ]  # fmt: skip
    for opt in reversed(opts):
        f = opt(f)
    return f


def _wrote(paths) -> None:
    first, rest = paths[0], paths[1:]
    extra = f" and {len(rest)} picture(s) in {rest[0].parent}" if rest else ""
    click.echo(f"wrote {first}{extra}", err=True)


@main.group("report")
def report() -> None:
    """Write a planning document from one run: maps, tables, captions, parameters, sources.

    The output's suffix chooses the document: .docx (Word, with numbered
    Chinese captions 图1/表1, or English with --lang en), .html (one
    self-contained file) or .md (Markdown with its pictures in NAME_files/).
    Every number in it is computed in the same run; map pictures need
    Chromium (or use --no-maps).
    """


@report.command("coverage")
@coverage_options
@_document_options
def report_coverage(catchment, inputs, out, lang, no_maps, dpi, overwrite):
    """Coverage report: the options of `geosci coverage`, written as a document.

    Example: geosci report coverage --radius 800 --out coverage.docx
    """
    from geosci.commands.options import check_outputs
    from geosci.report import check_report_path, coverage_report

    check_report_path(out, overwrite=overwrite)
    check_outputs((out, "out"), overwrite=overwrite, inputs=inputs)
    with click.progressbar(length=len(catchment["scenarios"] or ()) or 3, label="coverage", file=sys.stderr) as bar:
        rep = coverage_report(**catchment, lang=lang, maps=not no_maps, map_dpi=dpi,
                              progress=lambda _: bar.update(1))  # fmt: skip
    _wrote(rep.write(out, overwrite=overwrite))


@report.command("district")
@click.option("--zones", default="districts", show_default=True, help="The districts (catalog name or file).")
@click.option("--layer", "layers", multiple=True,
              help="Layers placed in the districts (repeatable). Default: incubator_clusters, district_incubators, "
                   "rail_stations, universities, research_centres, facilities.")  # fmt: skip
@_document_options
def report_district(zones, layers, out, lang, no_maps, dpi, overwrite):
    """District profiles: each district's role, area, incubators, stations, universities and research sites.

    Example: geosci report district --out districts.docx
    """
    from geosci.report import check_report_path, district_report

    check_report_path(out, overwrite=overwrite)
    rep = district_report(zones=zones, layers=layers or None, lang=lang, maps=not no_maps, map_dpi=dpi)
    _wrote(rep.write(out, overwrite=overwrite))


@report.command("indicators")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="The document: .docx (Word), .html (one file) or .md.")  # fmt: skip
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of headings, captions and indicator names.")  # fmt: skip
@overwrite_option
def report_indicators(out, lang, overwrite):
    """Write the 2020→2025 indicator table and the national 2025 targets as a document.

    Example: geosci report indicators --out indicators.docx
    """
    from geosci.report import check_report_path, indicators_report

    check_report_path(out, overwrite=overwrite)
    _wrote(indicators_report(lang=lang).write(out, overwrite=overwrite))


@report.command("access")
@click.option("--from", "origins", required=True, help="Origins (catalog name or file), e.g. incubator_clusters.")
@click.option("--to", "destinations", required=True, help="Destinations, e.g. centres.")
@single("--minutes", type=Number(0, min_open=True),
        help="Also map the area within this many minutes of the destinations.")  # fmt: skip
@model_options
@_document_options
def report_access(origins, destinations, minutes, model, out, lang, no_maps, dpi, overwrite):
    """Travel times between two layers (walk + rail), with an isochrone map of the destinations.

    Example: geosci report access --from incubator_clusters --to centres --minutes 30 --out access.docx
    """
    from geosci.report import access_report, check_report_path

    check_report_path(out, overwrite=overwrite)
    a = model.args
    rep = access_report(origins=origins, destinations=destinations, scenario=a["scenario"] or "existing",
                        params=model.params(), network=a["network"], gtfs=a["gtfs"], gtfs_date=a["gtfs_date"],
                        stations=a["stations"], lines=a["lines"], minutes=minutes, lang=lang, maps=not no_maps,
                        map_dpi=dpi)  # fmt: skip
    _wrote(rep.write(out, overwrite=overwrite))
