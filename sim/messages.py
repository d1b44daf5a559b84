"""Every text the command line prints, in Chinese and English: one catalogue, one lookup.

An entry is a {lang: template} mapping, or one template for texts that read the same in
both languages (names, numbers, codes). Templates use str.format fields.
"""

from __future__ import annotations

LANGS = ("zh", "en")

MESSAGES: dict[str, dict[str, str] | str] = {
    # where a command wrote its outputs
    "written_to": {"zh": "输出: {path}", "en": "written to: {path}"},
    "report_at": {"zh": "报告: {path}", "en": "report: {path}"},
    "calibrated_scenario": "calibrated scenario: {path}",
    # notes on how a run was made
    "note": "note: {text}",
    "anchored": {"zh": "以{year}年及以前的实际数据为起点 ({file})",
                 "en": "anchored on actuals to {year} ({file})"},
    # the targets table of `run`
    "col_id": "id",
    "col_indicator": {"zh": "指标", "en": "indicator"},
    "col_target": {"zh": "目标", "en": "target"},
    "col_projected": {"zh": "预测", "en": "projected"},
    "col_gap": {"zh": "差距", "en": "gap"},
    "col_status": {"zh": "状态", "en": "status"},
    "unit_100m_yuan": {"zh": "亿元", "en": "100m yuan"},
    "unit_pct_a_year": {"zh": "%/年", "en": "%/year"},
    "status_met": {"zh": "达标", "en": "met"},
    "status_exceeded": {"zh": "超额", "en": "exceeded"},
    "status_below": {"zh": "低于目标", "en": "below"},
    "status_above": {"zh": "高于区间", "en": "above"},
    "status_tracked": {"zh": "跟踪指标，未建模", "en": "tracked"},
    "status_outside run": {"zh": "不在模拟期内", "en": "outside run"},
    "targets_met": {"zh": "{met}/{n} 个建模目标达标",
                    "en": "{met} of {n} modelled targets met"},
    # progress and summaries
    "members_done": "  {done}/{total} members",
    "ensemble_summary": "{samples} members, {sampling}, seed {seed}, engine {engine}",
    "sensitivity_summary": "{method}: {runs} model runs, seed {seed}",
    "fitting": "fitting {parameters} parameters to {observations} observations ({method}, "
               "{how}, seed {seed})",
    "sampler": "{walkers} walkers, {steps} steps",
    "starts": "{starts} starts",
    "fit_progress": "  {runs} model runs, best objective {best:.6g}",
    "validated": "{path}: ok ({constants} constants, {series} series, model {model})",
    "parameter": "{name} = {value:g} [{lo}, {hi}] {unit}\n    {description}",
    "tune_serving": "sim tune: {url} (Ctrl+C to stop)",
    "tune_exposed": "warning: serving on {host}: anyone who can reach this address can use "
                    "the page and save scenarios here.",
    # problems found by the command line itself
    "set_malformed": "expected NAME=VALUE, e.g. --set 'services price growth=0.03'.",
    "set_not_a_number": "must be a number; got {text!r}. {hint}.",
    "set_not_finite": "must be a finite number.",
    "fit_not_converged": "{spec}: the fit did not converge ({reason}); its best point is kept "
                         "in {dest}. {fix}.",
    "raise_max_runs": "Raise method.max_runs or narrow the bounds",
    "raise_steps": "Raise method.steps",
}


def text(key: str, lang: str = "en", **values) -> str:
    """The message `key` in `lang` ("zh" or "en"), with `values` filled in."""
    entry = MESSAGES[key]
    if isinstance(entry, dict):
        if lang not in entry:
            raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
        entry = entry[lang]
    return entry.format(**values)
