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

TEXT = {
    "zh": {"midterm": "{plan}中期评估", "final": "{plan}总结评估", "plan": "规划",
           "as_of": "数据截至{year}年", "headline": "主要经济指标与核心目标",
           "summary": "规划目标总表", "rules": "状态判定规则",
           "charts": "建模指标：实际、预测与目标", "tracked": "跟踪指标（未建模）",
           "scenarios": "情景假设", "loops": "模型的反馈回路", "sources": "数据来源",
           "run": "运行信息", "parameter": "参数", "value": "取值", "baseline": "基准值",
           "unit": "单位", "indicator": "指标", "grade": "等级", "basis": "统计口径",
           "year": "年份", "source": "来源", "no_changes": "与基准情景相同。",
           "created": "生成时间", "versions": "软件版本", "band": "不确定性区间（5–95%）",
           "actual": "实际值", "required_path": "目标所需路径", "target": "目标",
           "index": "指数（2020年=100）"},
    "en": {"midterm": "Mid-term review of {plan}", "final": "Final evaluation of {plan}",
           "plan": "the plan",
           "as_of": "data up to {year}", "headline": "The economy and the headline target",
           "summary": "All plan targets", "rules": "How the status is decided",
           "charts": "Modelled indicators: actuals, projections and targets",
           "tracked": "Tracked indicators (not modelled)", "scenarios": "Scenario assumptions",
           "loops": "Feedback loops of the model", "sources": "Data sources",
           "run": "About this run", "parameter": "parameter", "value": "value",
           "baseline": "baseline", "unit": "unit", "indicator": "indicator", "grade": "grade",
           "basis": "basis", "year": "year", "source": "source",
           "no_changes": "Same as the baseline.", "created": "created", "versions": "versions",
           "band": "uncertainty (5–95%)", "actual": "actual",
           "required_path": "path the target needs", "target": "target",
           "index": "index (2020 = 100)"},
}


def title(review, lang: str) -> str:
    """The report's title for its as-of year: the mid-term review or the final evaluation of
    the plan the model serves (its narrative file)."""
    from . import narrative

    words = TEXT[lang]
    plan = narrative.plan(review.sims[0].scenario.model, lang) or words["plan"]
    return words["final" if review.final else "midterm"].format(plan=plan)


def subtitle(review, lang: str) -> str:
    return TEXT[lang]["as_of"].format(year=review.as_of)


def rules(review, lang: str) -> list[str]:
    """The rules of the statuses this review can give, then the basis rule."""
    from .review import FINAL, MIDTERM, RULES

    return [RULES[lang][k] for k in (FINAL if review.final else MIDTERM)] + \
        [RULES[lang]["basis"]]


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


def _chart(review, row, lang: str, words: dict) -> str:
    from .charts.review import review_chart
    from .charts.svg import to_svg
    from .review import chart_data

    svg = to_svg(review_chart(chart_data(review, row, lang), lang, words))
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


def render(review, lang: str, versions: dict) -> str:
    """The whole report as an HTML string."""
    from .narrative import loops
    from .review_tables import headline_cells, summary_cells

    words = TEXT[lang]
    s = review.summary
    modelled, tracked = s[s["modelled"]], s[~s["modelled"]]
    parts = [f"<h1>{_esc(title(review, lang))}</h1><p>{_esc(subtitle(review, lang))}</p>",
             f"<h2>{_esc(words['headline'])}</h2>",
             _cells_table(*headline_cells(review, lang)),
             f"<h2>{_esc(words['summary'])}</h2>",
             _cells_table(*summary_cells(review, lang, modelled)),
             f"<h3>{_esc(words['rules'])}</h3><ul>" +
             "".join(f"<li>{_esc(r)}</li>" for r in rules(review, lang)) + "</ul>",
             f"<h2>{_esc(words['charts'])}</h2><div class='charts'>"]
    parts += [_chart(review, r, lang, words) for r in modelled.itertuples(index=False)]
    parts.append("</div>")
    parts += [f"<h2>{_esc(words['tracked'])}</h2>",
              _cells_table(*summary_cells(review, lang, tracked, projections=False))]
    parts.append(f"<h2>{_esc(words['scenarios'])}</h2>")
    for sim in review.sims:
        sc = sim.scenario
        parts.append(f"<h3>{_esc(sc.title.get(lang) or sc.name)}</h3>"
                     f"<p>{_esc(sc.description.get(lang, ''))}</p>")
        table = review.assumptions[sc.name]
        parts.append(_table(assumptions_table(table, lang),
                            {"parameter": words["parameter"], "year": words["year"],
                                    "value": words["value"], "baseline": words["baseline"],
                                    "unit": words["unit"]})
                     if len(table) else f"<p>{_esc(words['no_changes'])}</p>")
    parts += [f"<h2>{_esc(words['loops'])}</h2><ul>" +
              "".join(f"<li>{_esc(t)}</li>"
                      for t in loops(review.sims[0].scenario.model, lang)) + "</ul>",
              f"<h2>{_esc(words['sources'])}</h2>",
              _table(sources_table(review, lang),
                     {"name": words["indicator"], "year": words["year"],
                      "shown": words["value"], "unit": words["unit"], "grade": words["grade"],
                      "basis": words["basis"], "source": words["source"]}),
              f"<h2>{_esc(words['run'])}</h2><p class='small'>" +
              (f"{_esc(words['created'])}: {stamp}<br>" if (stamp := report_date()) else "") +
              f"{_esc(words['versions'])}: " +
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
