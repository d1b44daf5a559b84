"""The review report as one self-contained HTML file: tables, charts and the font inline.

Charts are SVG with their text drawn as paths; the page's own text uses a subset of the
bundled CJK font cut to the characters on the page and embedded as a data URI, so the report
needs no network and no installed font. It reads on a phone and prints on A4 without
splitting a chart.
"""

from __future__ import annotations

import base64
import html
import io

import pandas as pd

from . import messages
from .charts.font import FONT_PATH
from .outputs import report_date
from .yamlfile import display_path

CSS = """
@font-face { font-family: "SimCJK"; src: url(data:font/otf;base64,{font}) format("opentype"); }
body { font-family: "SimCJK", sans-serif; color: #24292f; max-width: 1100px; margin: 0 auto;
       padding: 1rem; line-height: 1.5; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem;
     border-bottom: 1px solid #d0d7de; } h3 { font-size: 1.05rem; }
.wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: 4px 6px; text-align: left;
         vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.met, .exceeded, .done { color: #1a7f37; } .on_track { color: #0969da; }
.behind, .not_done, .above { color: #cf222e; }
.no_data, .no_final, .one_year { color: #57606a; }
figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; max-width: 760px; height: auto; display: block; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr));
          gap: 0.5rem 1.5rem; }
.small { color: #57606a; font-size: 0.75rem; } .nowrap { white-space: nowrap; }
td:first-child { min-width: 11rem; }
@media (max-width: 600px) { body { padding: 0.5rem; } th, td { font-size: 0.75rem; }
  .charts { grid-template-columns: 1fr; } }
@media print { @page { size: A4; margin: 14mm; } body { max-width: none; padding: 0; }
  .wrap { overflow: visible; } .charts { display: block; }
  figure img { max-width: 100%; } h2 { break-after: avoid; } }
"""

def title(review, lang: str) -> str:
    """The report's title for its as-of year: the mid-term review or the final evaluation of
    the plan the model serves (its narrative file)."""
    from . import narrative

    plan = narrative.plan(review.sims[0].scenario.model, lang) or \
        messages.text("report_plan", lang)
    return messages.text("report_final" if review.final else "report_midterm", lang, plan=plan)


def subtitle(review, lang: str) -> str:
    return messages.text("report_as_of", lang, year=review.as_of)


def rules(review, lang: str) -> list[str]:
    """The rules of the statuses this review can give, then the model's rule on the
    statistical basis of its data (its narrative file), if it has one."""
    from . import narrative
    from .review import FINAL, MIDTERM

    codes = FINAL if review.final else MIDTERM
    basis = narrative.basis(review.sims[0].scenario.model, lang)
    return [messages.text(f"review_rule_{k}", lang) for k in codes] + ([basis] if basis else [])


def _esc(value) -> str:
    return html.escape(str(value))


def _font_face(text: str) -> str:
    """The bundled font cut to the characters of `text`, base64-encoded."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_PATH), recalcTimestamp=False)  # the same bytes on every run
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text=text + "0123456789.,%–-()（）：:≥≈±· ")
    sub.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _chart(review, row, lang: str) -> str:
    from .charts.review import review_chart
    from .charts.svg import to_svg
    from .review import chart_data

    svg = to_svg(review_chart(chart_data(review, row, lang), lang))
    uri = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    name = row.indicator_zh if lang == "zh" else row.indicator_en
    return (f'<figure><img alt="{_esc(name)}" src="data:image/svg+xml;base64,{uri}">'
            f"</figure>")


def _cells_table(head, rows, codes) -> str:
    lines = ["<div class='wrap'><table><thead><tr>" +
             "".join(f"<th>{_esc(h)}</th>" for h in head) + "</tr></thead><tbody>"]
    for cells, code in zip(rows, codes, strict=True):
        lines.append(f"<tr><td>{_esc(cells[0])}</td>" +
                     "".join(f"<td class='num'>{_esc(c)}</td>" for c in cells[1:-1]) +
                     f"<td class='{code} nowrap'>{_esc(cells[-1])}</td></tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _table(frame: pd.DataFrame, columns: dict) -> str:
    head = "".join(f"<th>{_esc(v)}</th>" for v in columns.values())
    body = "".join("<tr>" + "".join(f"<td>{_esc('' if pd.isna(r[k]) else r[k])}</td>"
                                    for k in columns) + "</tr>"
                   for _, r in frame.iterrows())
    return f"<div class='wrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>" \
           f"</table></div>"


def sources_table(review, lang: str) -> pd.DataFrame:
    """The actuals as listed under the data sources, with units in the page's language."""
    from .review_tables import number

    zh = lang == "zh"
    names, units = {}, {}
    for cat in (review.catalogue, review.targets):
        names.update(zip(cat["id"], cat["indicator_zh" if zh else "indicator_en"],
                         strict=True))
        units.update(zip(cat["id"], cat["unit_zh"], strict=True))
    table = review.actuals.copy()
    table["shown"] = [number(v, u) for v, u in zip(table["value"], table["unit"], strict=True)]
    table["name"] = [names.get(i, i) for i in table["indicator"]]
    if zh:
        table["unit"] = [units.get(i, u) for i, u in zip(table["indicator"], table["unit"],
                                                         strict=True)]
    return table


def assumptions_table(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A scenario's changed parameters with their units in the page's language."""
    from .charts.labels import unit_label

    out = table.copy()
    out["unit"] = [unit_label(u, lang) for u in out["unit"]]
    return out


def _h(level: int, text: str) -> str:
    return f"<h{level}>{_esc(text)}</h{level}>"


def render(review, lang: str, versions: dict) -> str:
    """The whole report as an HTML string."""
    from .narrative import loops
    from .review_tables import headline_cells, summary_cells

    s = review.summary
    modelled, tracked = s[s["modelled"]], s[~s["modelled"]]
    parts = [f"<h1>{_esc(title(review, lang))}</h1><p>{_esc(subtitle(review, lang))}</p>",
             _h(2, messages.text("report_headline", lang)),
             _cells_table(*headline_cells(review, lang)),
             _h(2, messages.text("report_summary", lang)),
             _cells_table(*summary_cells(review, lang, modelled)),
             _h(3, messages.text("report_rules", lang)) + "<ul>" +
             "".join(f"<li>{_esc(r)}</li>" for r in rules(review, lang)) + "</ul>",
             _h(2, messages.text("report_charts", lang)) + "<div class='charts'>"]
    parts += [_chart(review, r, lang) for r in modelled.itertuples(index=False)]
    parts.append("</div>")
    parts += [_h(2, messages.text("report_tracked", lang)),
              _cells_table(*summary_cells(review, lang, tracked, projections=False))]
    parts.append(_h(2, messages.text("report_scenarios", lang)))
    for sim in review.sims:
        sc = sim.scenario
        parts.append(f"<h3>{_esc(sc.title.get(lang) or sc.name)}</h3>"
                     f"<p>{_esc(sc.description.get(lang, ''))}</p>")
        table = review.assumptions[sc.name]
        columns = {"parameter": messages.text("report_parameter", lang),
                   "year": messages.text("report_year", lang),
                   "value": messages.text("report_value", lang),
                   "baseline": messages.text("report_baseline", lang),
                   "unit": messages.text("report_unit", lang)}
        parts.append(_table(assumptions_table(table, lang), columns) if len(table) else
                     f"<p>{_esc(messages.text('report_no_changes', lang))}</p>")
    sources = {"name": messages.text("report_indicator", lang),
               "year": messages.text("report_year", lang),
               "shown": messages.text("report_value", lang),
               "unit": messages.text("report_unit", lang),
               "grade": messages.text("report_grade", lang),
               "basis": messages.text("report_basis", lang),
               "source": messages.text("report_source", lang)}
    created = messages.text("report_created", lang)
    parts += [_h(2, messages.text("report_loops", lang)) + "<ul>" +
              "".join(f"<li>{_esc(t)}</li>"
                      for t in loops(review.sims[0].scenario.model, lang)) + "</ul>",
              _h(2, messages.text("report_sources", lang)),
              _table(sources_table(review, lang), sources),
              _h(2, messages.text("report_run", lang)) + "<p class='small'>" +
              (f"{_esc(created)}: {stamp}<br>" if (stamp := report_date()) else "") +
              f"{_esc(messages.text('report_versions', lang))}: " +
              _esc(", ".join(f"{k} {v}" for k, v in versions.items())) + "<br>" +
              "<br>".join(_esc(f"{sim.scenario.name}: {display_path(sim.scenario.path)}")
                          for sim in review.sims) + "</p>"]
    body = "\n".join(parts)
    text = html.unescape(body.replace("<", " <").replace(">", "> "))
    css = CSS.replace("{font}", _font_face(text))
    return (f"<!DOCTYPE html>\n<html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
            f"<meta charset='utf-8'><meta name='viewport' content='width=device-width, "
            f"initial-scale=1'><title>{_esc(title(review, lang))}</title><style>{css}</style>"
            f"</head><body>\n{body}\n</body></html>\n")
