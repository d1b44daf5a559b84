"""The review as a Word document (review.docx): tables, charts, rules and sources.

Chinese text is set in fonts that Word and WPS on Windows have: 宋体 for the body, 黑体 for
headings, named for East Asian text (w:eastAsia) so that Word does not fall back to a Latin
font. Charts are PNG at 300 dpi.
"""

from __future__ import annotations

import io
from pathlib import Path

BODY_FONT = "宋体"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
DPI = 300


def _set_font(style, east_asia: str) -> None:
    """Name the font for Latin and East Asian text of a style; theme fonts, which Word would
    prefer to named ones, are dropped."""
    from docx.oxml.ns import qn

    style.font.name = LATIN_FONT
    fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asia)


def _table(doc, head, rows) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for cells in rows:
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = "" if text is None else str(text)
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8)


def _chart_png(review, row, lang: str) -> bytes:
    from .charts.png import to_png
    from .charts.review import review_chart
    from .review import chart_data

    return to_png(review_chart(chart_data(review, row, lang), lang), DPI)


def write(review, path: Path, lang: str = "zh") -> Path:
    """review.docx at `path`."""
    from docx import Document
    from docx.shared import Cm

    from . import messages, outputs
    from .report_html import assumptions_table, rules, sources_table, subtitle, title
    from .narrative import loops
    from .review_tables import headline_cells, summary_cells

    doc = Document()
    doc.core_properties.title = title(review, lang)
    _set_font(doc.styles["Normal"], BODY_FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_font(doc.styles[name], HEADING_FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    doc.add_heading(title(review, lang), level=0)
    doc.add_paragraph(subtitle(review, lang))
    s = review.summary
    modelled, tracked = s[s["modelled"]], s[~s["modelled"]]
    doc.add_heading(messages.text("report_headline", lang), level=1)
    _table(doc, *headline_cells(review, lang)[:2])
    doc.add_heading(messages.text("report_summary", lang), level=1)
    _table(doc, *summary_cells(review, lang, modelled)[:2])
    doc.add_heading(messages.text("report_rules", lang), level=2)
    for rule in rules(review, lang):
        doc.add_paragraph(rule, style="List Bullet")
    doc.add_heading(messages.text("report_charts", lang), level=1)
    for row in modelled.itertuples(index=False):
        doc.add_picture(io.BytesIO(_chart_png(review, row, lang)), width=Cm(16))
    doc.add_heading(messages.text("report_tracked", lang), level=1)
    _table(doc, *summary_cells(review, lang, tracked, projections=False)[:2])
    doc.add_heading(messages.text("report_scenarios", lang), level=1)
    for sim in review.sims:
        sc = sim.scenario
        doc.add_heading(sc.title.get(lang) or sc.name, level=2)
        doc.add_paragraph(sc.description.get(lang, ""))
        table = assumptions_table(review.assumptions[sc.name], lang)
        columns = ["parameter", "year", "value", "baseline", "unit"]
        if len(table):
            _table(doc, [messages.text(f"report_{c}", lang) for c in columns],
                   [[r[c] for c in columns] for _, r in table.iterrows()])
        else:
            doc.add_paragraph(messages.text("report_no_changes", lang))
    doc.add_heading(messages.text("report_loops", lang), level=1)
    for text in loops(review.sims[0].scenario.model, lang):
        doc.add_paragraph(text, style="List Bullet")
    doc.add_heading(messages.text("report_sources", lang), level=1)
    sources = sources_table(review, lang)
    columns = ["name", "year", "shown", "unit", "grade", "basis", "source"]
    heads = {"name": "indicator", "shown": "value"}
    _table(doc, [messages.text(f"report_{heads.get(c, c)}", lang) for c in columns],
           [[r[c] for c in columns] for _, r in sources.iterrows()])
    doc.save(str(path))
    outputs.fix_office_times(Path(path))  # the same bytes for the same review
    return Path(path)
