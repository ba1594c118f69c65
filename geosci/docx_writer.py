"""Word documents for :mod:`geosci.report`, with python-docx.

An A4 page with 2.5 cm margins; body text in a Chinese serif (East-Asian font
宋体 SimSun, Latin Times New Roman), headings and captions in a Chinese sans
(黑体 SimHei, Latin Arial), falling back to the Noto CJK fonts where those are
installed (LibreOffice on Linux). Captions are numbered with Word ``SEQ``
fields, so Word can renumber and cross-reference them: ``图1``/``表1`` in
Chinese, ``Figure 1``/``Table 1`` in English; a table's caption stands above
it, a figure's below. Tables are real Word tables (header row repeated on
every page, numbers right-aligned); pictures are scaled to the text width;
the footer carries the page number.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from geosci.report import Report
    from geosci.tables import Table

__all__ = ["EAST_ASIAN_FONTS", "docx_bytes"]

EAST_ASIAN_FONTS = {"body": "SimSun", "heading": "SimHei"}
"""East-Asian fonts of body text and of headings and captions (Word substitutes where absent)."""

_LATIN = {"body": "Times New Roman", "heading": "Arial"}


def _set_fonts(style, kind: str, size_pt: float | None = None, *, bold: bool | None = None, color=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style.font
    font.name = _LATIN[kind]
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = color
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), _LATIN[kind])
    fonts.set(qn("w:hAnsi"), _LATIN[kind])
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONTS[kind])
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _chinese_defaults(doc) -> None:
    """Document defaults and font table that say Chinese: East-Asian language zh-CN, fonts with GB2312 charset."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), _LATIN["body"])
    fonts.set(qn("w:hAnsi"), _LATIN["body"])
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONTS["body"])
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    # the font table: a plain part in python-docx, edited as XML
    part = next((r.target_part for r in doc.part.rels.values() if r.reltype.endswith("/fontTable")), None)
    if part is None or not hasattr(part, "_blob"):
        return
    from lxml import etree

    root = etree.fromstring(part.blob)
    for name, alt in ((EAST_ASIAN_FONTS["body"], "宋体"), (EAST_ASIAN_FONTS["heading"], "黑体")):
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, val in (("w:altName", alt), ("w:charset", "86"), ("w:family", "auto"), ("w:pitch", "variable")):
            el = OxmlElement(tag)
            el.set(qn("w:val"), val)
            font.append(el)
        root.append(font)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _field(paragraph, instruction: str, shown: str) -> None:
    """Append a Word field (``SEQ``, ``PAGE`` ...) with its current result ``shown``."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind: str):
        run = paragraph.add_run()
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run._r.append(el)

    fld("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def _caption(doc, kind: str, number: int, title: str, lang: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label = ("图" if kind == "figure" else "表") if lang == "zh" else ("Figure " if kind == "figure" else "Table ")
    p.add_run(label)
    _field(p, f"SEQ {'Figure' if kind == 'figure' else 'Table'} \\* ARABIC", str(number))
    p.add_run(f" {title}" if lang == "zh" else f". {title}")
    p.paragraph_format.keep_with_next = kind == "table"
    return p


def _shade(cell, fill: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _column_widths(headers: list[str], rows: list[list[str]], text_width: int, font_pt: float) -> list[int]:
    """Column widths (EMU) that fit: short columns get their full width, long ones share the rest.

    Widths are counted in half-em units (a CJK character is two, see
    :func:`geosci.tables.display_width`), plus the cell padding.
    """
    from geosci.tables import display_width

    unit = int(font_pt * 12700 * 0.62)  # EMU per half-em (12700 EMU per point), generous for substituted fonts
    pad = 4
    header_need = [max(display_width(w) for w in h.split()) if h.strip() else 1 for h in headers]
    need = [max(header_need[j], *(display_width(r[j]) for r in rows)) + pad for j in range(len(headers))]
    avail = text_width // unit
    if sum(need) <= avail:
        scale = avail / sum(need)
        return [int(n * scale * unit) for n in need]
    # shrink the widest columns first, never below their header, their longest Latin word (CJK text may
    # break anywhere) or 8 units
    words = [max([display_width(w) for r in rows for w in r[j].split() if w.isascii()] or [0])
             for j in range(len(headers))]  # fmt: skip
    floor = [max(h + pad, min(w, 16) + pad, min(n, 8 + pad))
             for h, w, n in zip(header_need, words, need, strict=True)]  # fmt: skip
    fixed = list(need)
    while sum(fixed) > avail:
        widest = max(range(len(fixed)), key=lambda j: fixed[j] - floor[j])
        if fixed[widest] <= floor[widest]:
            break
        fixed[widest] -= 1
    scale = avail / sum(fixed)
    return [int(n * scale * unit) for n in fixed]


def _table(doc, table: Table, lang: str, text_width) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from geosci.report import display_rows

    headers, rows, numeric = display_rows(table, lang)
    if not rows:
        doc.add_paragraph("（无）" if lang == "zh" else "(none)")
        return
    t = doc.add_table(rows=1 + len(rows), cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = Pt(9 if len(headers) <= 6 else 8 if len(headers) <= 9 else 7)
    widths = _column_widths(headers, rows, text_width, size.pt)
    t.autofit = False
    for j, width in enumerate(widths):
        t.columns[j].width = width  # the grid, which LibreOffice follows
        for cell in t.columns[j].cells:
            cell.width = width  # the cells, which Word follows
    for i, values in enumerate([headers, *rows]):
        row = t.rows[i]
        if i == 0:
            _repeat_header(row)
        for j, value in enumerate(values):
            cell = row.cells[j]
            p = cell.paragraphs[0]
            run = p.add_run(value)
            run.font.size = size
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.space_before = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            if i == 0:
                run.bold = True
                _shade(cell, "DDE6F0")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif numeric[j]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def docx_bytes(report: Report) -> bytes:
    """Return the report as a Word document (.docx bytes)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    from geosci.report import Figure, Text, _numbered

    lang = report.lang
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    text_width = section.page_width - section.left_margin - section.right_margin

    _chinese_defaults(doc)
    dark = RGBColor(0x1F, 0x2D, 0x3D)
    styles = doc.styles
    _set_fonts(styles["Normal"], "body", 10.5)
    _set_fonts(styles["Title"], "heading", 20, bold=True, color=dark)
    _set_fonts(styles["Heading 1"], "heading", 14, bold=True, color=dark)
    _set_fonts(styles["Heading 2"], "heading", 12, bold=True, color=dark)
    _set_fonts(styles["Caption"], "heading", 9.5, bold=True, color=dark)
    styles["Caption"].font.italic = False
    _set_fonts(styles["Table Grid"], "body")
    styles["Normal"].paragraph_format.space_after = Pt(4)
    styles["Normal"].paragraph_format.line_spacing = 1.25

    doc.core_properties.title = report.title()
    doc.core_properties.author = "geosci"
    doc.core_properties.language = "zh-CN" if lang == "zh" else "en"
    doc.core_properties.created = report.created

    doc.add_paragraph(report.title(), style="Title")
    date = doc.add_paragraph(f"{report.created:%Y年%m月%d日}" if lang == "zh" else f"{report.created:%d %B %Y}")
    date.runs[0].font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    for block, n in _numbered(report):
        if isinstance(block, Text):
            if block.level:
                doc.add_heading(block.text(lang), level=block.level)
            else:
                doc.add_paragraph(block.text(lang))
        elif isinstance(block, Figure):
            doc.add_picture(io.BytesIO(block.png), width=text_width)
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
            _caption(doc, "figure", n, block.title(lang), lang)
            for note in block.notes:
                p = doc.add_paragraph(note)
                p.runs[0].font.size = Pt(8.5)
            doc.paragraphs[-1].paragraph_format.space_after = Pt(14)
        else:
            _caption(doc, "table", n, block.title(lang), lang)
            _table(doc, block, lang, text_width)
            for note in block.notes:
                p = doc.add_paragraph(note)
                p.runs[0].font.size = Pt(8.5)
            doc.add_paragraph().paragraph_format.space_after = Pt(2)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{report.title()} · ")
    _field(footer, "PAGE", "1")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
