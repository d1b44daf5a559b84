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
import math

import pandas as pd

from .charts.font import FONT_PATH
from .charts.labels import UNIT_ZH
from .outputs import report_date

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
.met { color: #1a7f37; } .on_track { color: #0969da; } .behind { color: #cf222e; }
.no_data { color: #57606a; }
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
    "zh": {"title": "青岛市“十四五”战略性新兴产业与现代服务业规划中期评估", "summary": "规划目标总表",
           "rules": "状态判定规则", "charts": "建模指标：实际、预测与目标", "tracked": "跟踪指标（未建模）",
           "scenarios": "情景假设", "loops": "模型的反馈回路", "sources": "数据来源",
           "run": "运行信息", "id": "指标代码", "indicator": "指标", "unit": "单位",
           "base": "2020年基数", "latest": "最新实际值（年份）", "target": "目标（年份）",
           "required": "尚需年均增速", "needed": "2020年起所需年均增速", "status": "状态",
           "projection": "预测", "parameter": "参数", "value": "取值", "baseline": "基准值",
           "description": "说明", "year": "年份", "source": "来源", "no_changes": "与基准情景相同。",
           "created": "生成时间", "versions": "软件版本", "band": "不确定性区间（5–95%）",
           "actual": "实际值", "required_path": "目标所需路径"},
    "en": {"title": "Mid-term review of Qingdao's 14th Five-Year Plan for strategic emerging "
                    "industries and modern services", "summary": "All plan targets",
           "rules": "How the status is decided", "charts": "Modelled indicators: actuals, "
           "projections and targets", "tracked": "Tracked indicators (not modelled)",
           "scenarios": "Scenario assumptions", "loops": "Feedback loops of the model",
           "sources": "Data sources", "run": "About this run", "id": "id",
           "indicator": "indicator", "unit": "unit", "base": "2020 baseline",
           "latest": "latest actual (year)", "target": "target (year)",
           "required": "growth still required", "needed": "growth needed from 2020",
           "status": "status", "projection": "projection", "parameter": "parameter",
           "value": "value", "baseline": "baseline", "description": "description",
           "year": "year", "source": "source", "no_changes": "Same as the baseline.",
           "created": "created", "versions": "versions", "band": "uncertainty (5–95%)",
           "actual": "actual", "required_path": "path the target needs"},
}
COMPARATOR = {"approx": "≈", "at_least": "≥", "reach": "≥"}


def _esc(value) -> str:
    return html.escape(str(value))


def _num(value, digits=2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}" if abs(value) < 1e5 else f"{value:,.0f}"


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


def _summary_table(review, lang, words) -> str:
    s = review.summary
    scen = [c for c in s.columns if c.endswith(":projected")]
    titles = {sim.scenario.name: (sim.scenario.title.get(lang) or sim.scenario.name)
              for sim in review.sims}
    head = [words["indicator"], words["unit"], words["base"], words["latest"],
            words["target"], words["required"], words["needed"]] + \
        [f"{words['projection']}：{titles[c.split(':')[0]]}" if lang == "zh" else
         f"{words['projection']}: {titles[c.split(':')[0]]}" for c in scen] + [words["status"]]
    lines = ["<div class='wrap'><table><thead><tr>" + "".join(f"<th>{_esc(h)}</th>"
                                                              for h in head)
             + "</tr></thead><tbody>"]
    for r in s.itertuples(index=False):
        name = r.indicator_zh if lang == "zh" else r.indicator_en
        unit = r.unit if r.measure == "level" else "%/year"
        latest = "–" if pd.isna(r.latest_actual) else \
            f"{_num(r.latest_actual)} ({int(r.latest_year)})"
        tol = f" ±{r.tolerance:g}" if r.comparator == "approx" and not pd.isna(r.tolerance) \
            else ""
        target = f"{COMPARATOR[r.comparator]}{r.target:g}{tol} ({r.target_year})"
        if lang == "zh":
            unit = UNIT_ZH.get(unit, unit).replace("%/year", "%/年")
        cells = [unit, _num(r.baseline_2020), latest, target,
                 _num(r.required_growth) + ("%" if not pd.isna(r.required_growth) else ""),
                 _num(r.growth_needed_from_2020) + ("%" if not pd.isna(
                     r.growth_needed_from_2020) else "")]
        row = dict(zip(s.columns, r, strict=True))
        cells += [_num(row[c]) for c in scen]
        label = review_status(r.status, lang)
        lines.append(f"<tr><td>{_esc(name)}<br><span class='small'>{_esc(r.id)}</span></td>"
                     + "".join(f"<td class='num'>{_esc(c)}</td>" for c in cells)
                     + f"<td class='{r.status} nowrap'>{_esc(label)}</td></tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def review_status(status: str, lang: str) -> str:
    from .review import STATUS

    return STATUS[status][0 if lang == "zh" else 1]


def _table(frame: pd.DataFrame, columns: dict) -> str:
    head = "".join(f"<th>{_esc(v)}</th>" for v in columns.values())
    body = "".join("<tr>" + "".join(f"<td>{_esc('' if pd.isna(r[k]) else r[k])}</td>"
                                    for k in columns) + "</tr>"
                   for _, r in frame.iterrows())
    return f"<div class='wrap'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody>" \
           f"</table></div>"


def render(review, lang: str, versions: dict) -> str:
    """The whole report as an HTML string."""
    from .review import LOOPS, RULES

    words = TEXT[lang]
    parts = [f"<h1>{_esc(words['title'])}</h1>",
             f"<h2>{_esc(words['summary'])}</h2>", _summary_table(review, lang, words),
             f"<h3>{_esc(words['rules'])}</h3><ul>" +
             "".join(f"<li>{_esc(r)}</li>" for r in RULES[lang]) + "</ul>",
             f"<h2>{_esc(words['charts'])}</h2><div class='charts'>"]
    modelled = review.summary[review.summary["modelled"]]
    parts += [_chart(review, r, lang, words) for r in modelled.itertuples(index=False)]
    parts.append("</div>")
    tracked = review.summary[~review.summary["modelled"]].copy()
    tracked["name"] = tracked["indicator_zh" if lang == "zh" else "indicator_en"]
    tracked["latest"] = [("–" if pd.isna(v) else f"{v:g} ({int(y)})")
                         for v, y in zip(tracked["latest_actual"], tracked["latest_year"],
                                         strict=True)]
    tracked["goal"] = [f"{COMPARATOR[c]}{t:g} ({y})" for c, t, y in
                       zip(tracked["comparator"], tracked["target"], tracked["target_year"],
                           strict=True)]
    tracked["state"] = [review_status(s, lang) for s in tracked["status"]]
    parts += [f"<h2>{_esc(words['tracked'])}</h2>",
              _table(tracked, {"id": words["id"], "name": words["indicator"],
                               "unit": words["unit"], "latest": words["latest"],
                               "goal": words["target"], "state": words["status"]})]
    parts.append(f"<h2>{_esc(words['scenarios'])}</h2>")
    for sim in review.sims:
        s = sim.scenario
        parts.append(f"<h3>{_esc(s.title.get(lang) or s.name)}</h3>"
                     f"<p>{_esc(s.description.get(lang, ''))}</p>")
        table = review.assumptions[s.name]
        parts.append(_table(table, {"parameter": words["parameter"], "year": words["year"],
                                    "value": words["value"], "baseline": words["baseline"],
                                    "unit": words["unit"]})
                     if len(table) else f"<p>{_esc(words['no_changes'])}</p>")
    parts += [f"<h2>{_esc(words['loops'])}</h2><ul>" +
              "".join(f"<li>{_esc(t)}</li>" for t in LOOPS[lang]) + "</ul>",
              f"<h2>{_esc(words['sources'])}</h2>",
              _table(review.actuals, {"indicator": words["indicator"], "year": words["year"],
                                      "value": words["value"], "unit": words["unit"],
                                      "source": words["source"]}),
              f"<h2>{_esc(words['run'])}</h2><p class='small'>" +
              (f"{_esc(words['created'])}: {stamp}<br>" if (stamp := report_date()) else "") +
              f"{_esc(words['versions'])}: " +
              _esc(", ".join(f"{k} {v}" for k, v in versions.items())) + "<br>" +
              "<br>".join(_esc(f"{sim.scenario.name}: {sim.scenario.path}")
                          for sim in review.sims) + "</p>"]
    body = "\n".join(parts)
    text = html.unescape(body.replace("<", " <").replace(">", "> "))
    css = CSS.replace("{font}", _font_face(text))
    return (f"<!DOCTYPE html>\n<html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head>"
            f"<meta charset='utf-8'><meta name='viewport' content='width=device-width, "
            f"initial-scale=1'><title>{_esc(words['title'])}</title><style>{css}</style>"
            f"</head><body>\n{body}\n</body></html>\n")
