"""The review's numbers as an economist writes them: in tables for CSV and XLSX, and as
cell texts with Chinese or English units for the HTML page, the Word file and the terminal.

Counts are integers, other figures carry two fixed decimals; a share's required change is in
percentage points a year, everything else's in % a year.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import messages

DECIMALS = 2
COUNT_UNITS = ("count", "count/year")
UNIT_EN = {"100 million yuan": "100m yuan", "10 thousand TEU": "10,000 TEU", "count": "",
           "count/year": "a year"}


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        value is pd.NA


def number(value, unit: str = "") -> str:
    """A figure with fixed decimals (none for counts) and thousands separators."""
    if missing(value):
        return "–"
    if unit in COUNT_UNITS:
        return f"{round(float(value)):,d}"
    return f"{float(value):,.{DECIMALS}f}"


def unit_text(unit_en: str, unit_zh: str, lang: str) -> str:
    """The unit as printed on the page."""
    if lang == "zh":
        return unit_zh
    return UNIT_EN.get(unit_en, unit_en.replace("%/year", "%"))


def with_unit(value, unit_en: str, unit_zh: str, lang: str) -> str:
    """'12,400.56 亿元', '6,500 家', '8.00%'."""
    if missing(value):
        return "–"
    unit = unit_text(unit_en, unit_zh, lang)
    text = number(value, unit_en)
    if unit.startswith("%"):
        return text + "%"
    return f"{text} {unit}" if unit else text


def rate(value, points: bool, lang: str) -> str:
    """A change per year: '3.99%/年' or '0.43个百分点/年'."""
    if missing(value):
        return "–"
    return messages.text("table_pp_year" if points else "table_pct_year", lang,
                         value=f"{float(value):,.{DECIMALS}f}")


def _round(value, unit: str):
    if missing(value):
        return None
    if unit in COUNT_UNITS:
        return int(round(float(value)))
    return round(float(value), DECIMALS)


def _objects(frame: pd.DataFrame, values: list) -> pd.Series:
    """A column that keeps ints as ints beside missing values."""
    return pd.Series(values, index=frame.index, dtype=object)


def tables(review) -> dict[str, pd.DataFrame]:
    """summary, headline, assumptions and sources, rounded as the report prints them."""
    summary = review.summary.copy()
    in_unit = [u if m == "level" else "" for u, m in zip(summary["unit"], summary["measure"],
                                                        strict=True)]
    proj = [c for c in summary.columns if c.endswith(":projected")]
    for col in ["baseline_2020", "latest_actual", "achieved", "target_level", "target",
                "gap"] + proj:
        summary[col] = _objects(summary, [_round(v, u) for v, u in
                                          zip(summary[col], in_unit, strict=True)])
    for col in ("required_growth", "growth_needed_from_start", "tolerance"):
        summary[col] = _objects(summary, [_round(v, "") for v in summary[col]])
    for col in ("latest_year", "start_year"):
        summary[col] = _objects(summary, [_round(v, "count") for v in summary[col]])
    headline = review.headline.copy()
    for col in [c for c in headline.columns if c.endswith(":projected")] + \
            ["baseline_2020", "latest_actual", "growth_since_2020", "target", "required_growth"]:
        headline[col] = _objects(headline, [_round(v, "") for v in headline[col]])
    headline["latest_year"] = _objects(headline, [_round(v, "count")
                                                  for v in headline["latest_year"]])
    assumptions = pd.concat([a.assign(scenario=name) for name, a in review.assumptions.items()],
                            ignore_index=True)
    sources = review.actuals[["indicator", "year", "value", "unit", "grade", "basis",
                              "source"]].copy()
    sources["value"] = _objects(sources, [_round(v, u) for v, u in
                                          zip(sources["value"], sources["unit"], strict=True)])
    return {"headline": headline, "summary": summary, "assumptions": assumptions,
            "sources": sources}


def fixed(table: pd.DataFrame) -> pd.DataFrame:
    """Figures as Decimals for CSV: floats with fixed decimals (12400.56 stays 12400.56, 8.0
    is written 8.00), counts and years as integers. Decimals, not text, so that a negative
    figure is still a number to the CSV writer, and no step turns 2025 into 2025.0."""
    def cell(v):
        if isinstance(v, bool) or missing(v):
            return None if missing(v) else v
        if isinstance(v, float):
            return Decimal(f"{v:.{DECIMALS}f}")
        return Decimal(v) if isinstance(v, int) else v

    out = table.copy()
    for col in out.columns:
        out[col] = pd.Series([cell(v) for v in out[col]], index=out.index, dtype=object)
    return out


def number_format(column, value) -> str:
    """Excel's format for a figure: years plain, counts #,##0, others #,##0.00."""
    if isinstance(value, int):
        return "0" if "year" in str(column) else "#,##0"
    return f"#,##0.{'0' * DECIMALS}"


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """One sheet per table, no index column, numbers formatted as the report writes them."""
    from . import outputs

    plain = {name: pd.DataFrame({c: pd.Series([float(v) if isinstance(v, Decimal) else v
                                               for v in table[c]], index=table.index,
                                              dtype=object) for c in table.columns})
             for name, table in tables.items()}
    outputs.write_xlsx(plain, path, index=False, number_format=number_format)


COMPARATOR = {"approx": "≈", "at_least": "≥", "reach": "≥"}


def _title(sim, lang):
    return sim.scenario.title.get(lang) or sim.scenario.name


def target_text(r, lang: str) -> str:
    """'≥6,500 家 (2025)', '≈8.00% ±0.5 (2025)'."""
    unit_en = r.unit if r.measure == "level" else "%"
    unit_zh = r.unit_zh if r.measure == "level" else "%"
    tol = f" ±{r.tolerance:g}" if r.comparator == "approx" and not missing(r.tolerance) else ""
    avg = messages.text("table_avg", lang) + " " if r.measure in ("cagr", "average_growth") else ""
    return f"{avg}{COMPARATOR[r.comparator]}{with_unit(r.target, unit_en, unit_zh, lang)}" \
        f"{tol} ({r.target_year})"


def _series_value(value, r, lang):
    """A level of the target's series, with the unit of that series."""
    if r.observed_as == "index" or missing(value):
        return "–"
    return with_unit(value, r.series_unit, r.series_unit_zh, lang)


def _latest(r, lang) -> str:
    if missing(r.latest_year):
        return "–"
    year = int(r.latest_year)
    if r.measure == "level":
        return f"{with_unit(r.latest_actual, r.unit, r.unit_zh, lang)} ({year})"
    growth = f"{messages.text('table_avg', lang)} {number(r.achieved)}%"
    level = _series_value(r.latest_actual, r, lang)
    return f"{growth} ({year})" if level == "–" else f"{level} ({year}); {growth}"


def _projection(value, r, lang) -> str:
    if r.measure == "level":
        return with_unit(value, r.unit, r.unit_zh, lang)
    return "–" if missing(value) else f"{number(value)}%"


def _gap(r, lang) -> str:
    if missing(r.gap):
        return "–"
    if r.measure == "level" and not r.points:
        return with_unit(r.gap, r.unit, r.unit_zh, lang)
    return messages.text("table_pp", lang, value=f"{float(r.gap):+,.{DECIMALS}f}")


def summary_cells(review, lang: str, rows=None, projections: bool = True):
    """(header, rows of cell texts, status codes) of the targets table; tracked targets
    have no projections."""
    frame = review.summary if rows is None else rows
    head = [messages.text(f"table_head_{k}", lang)
            for k in ("indicator", "unit", "base", "latest", "target")]
    if review.final:
        head += [messages.text("table_head_gap", lang)]
    else:
        head += [messages.text("table_head_required", lang),
                 messages.text("table_head_needed", lang)] + \
            [messages.text("table_head_projection", lang, scenario=_title(s, lang))
             for s in review.sims if projections]
    head.append(messages.text("table_head_status", lang))
    out, codes = [], []
    for r in frame.itertuples(index=False):
        name = r.indicator_zh if lang == "zh" else r.indicator_en
        unit = unit_text(r.unit, r.unit_zh, lang) if r.measure == "level" else "%"
        base = _series_value(r.baseline_2020, r, lang) if r.measure != "level" else \
            with_unit(r.baseline_2020, r.unit, r.unit_zh, lang)
        cells = [name, unit, base, _latest(r, lang), target_text(r, lang)]
        if review.final:
            cells.append(_gap(r, lang))
        else:
            cells += [rate(r.required_growth, r.points, lang),
                      rate(r.growth_needed_from_start, r.points, lang)]
            row = dict(zip(frame.columns, r, strict=True))
            cells += [_projection(row[f"{s.scenario.name}:projected"], r, lang)
                      for s in review.sims if projections]
        cells.append(status_text(r.status, r.interim, lang))
        out.append(cells)
        codes.append(r.status)
    return head, out, codes


def status_text(status: str, interim: str, lang: str) -> str:
    """The status word, with the progress on the latest actual where the target year has
    no value yet: '暂无目标年数据（最新：已完成）'."""
    from .review import status_word

    if not interim:
        return status_word(status, lang)
    return messages.text("table_latest", lang, status=status_word(status, lang),
                         interim=status_word(interim, lang))


def headline_cells(review, lang: str):
    """(header, rows of cell texts, status codes) of the headline table."""
    head = [messages.text(f"table_head_{k}", lang)
            for k in ("indicator", "base", "latest", "since", "target", "required")] + \
        [messages.text("table_head_proj2025", lang, scenario=_title(s, lang))
         for s in review.sims] + [messages.text("table_head_status", lang)]
    out, codes = [], []
    for r in review.headline.itertuples(index=False):
        row = dict(zip(review.headline.columns, r, strict=True))
        name = r.indicator_zh if lang == "zh" else r.indicator_en
        pct = r.is_rate or r.points
        value = (lambda v: "–" if missing(v) else f"{number(v)}%") if pct else \
            (lambda v: with_unit(v, r.unit, r.unit_zh, lang))
        avg = f"{messages.text('table_avg', lang)} " if r.average else ""
        latest = "–" if missing(r.latest_year) else \
            f"{avg}{value(r.latest_actual)} ({int(r.latest_year)})"
        target = "–" if missing(r.target) else target_text(
            next(t for t in review.summary.itertuples(index=False) if t.id == r.id), lang)
        cells = [name, value(r.baseline_2020), latest,
                 rate(r.growth_since_2020, True, lang) if r.points else
                 "–" if missing(r.growth_since_2020) else f"{number(r.growth_since_2020)}%",
                 target, rate(r.required_growth, False, lang)]
        cells += [value(row[f"{s.scenario.name}:projected"]) for s in review.sims]
        cells.append(status_text(r.status, r.interim, lang) if r.status else "–")
        out.append(cells)
        codes.append(r.status)
    return head, out, codes
