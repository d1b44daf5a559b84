"""The message catalogue: every text a user reads in Chinese and English, looked up in one
place, and no Chinese wording left in the code outside it."""

import ast
import re
import string

import pytest

from sim import measures, messages, review
from sim.charts.labels import STATUS_COLOURS
from sim.tune import controls

from .conftest import REPO

SIM = REPO / "sim"
# Entries whose text is empty on purpose, with the reason.
EMPTY = {("unit:Dmnl", "zh"): "Vensim's dimensionless unit has no word in Chinese"}
# Keys built at run time (f"<prefix>{...}"): each prefix with every suffix the code can give.
FAMILIES = {
    "status_": measures.STATUSES + ("tracked", "outside run"),
    "col_": ("id", "indicator", "target", "projected", "gap", "status"),
    "chart_": tuple(m for m in measures.MEASURES if m != "level") + tuple(STATUS_COLOURS) +
    ("observed", "filled"),
    "chart_cmp_": measures.COMPARATORS,
    "review_status_": review.STATUSES,
    "review_rule_": review.STATUSES,
    "table_head_": ("indicator", "unit", "base", "latest", "target", "since", "required"),
    "report_": ("parameter", "year", "value", "baseline", "unit", "indicator", "grade",
                "basis", "source"),
    "sector_": tuple(key for key, _ in controls.SECTORS),
    "unit:": (),  # any Vensim unit; one without an entry is printed as it is
}
# Literals with Chinese characters that are not wording a user reads, with the reason.
ALLOWED = {
    ("report_docx.py", "宋体"): "the name of the body font Word looks up",
    ("report_docx.py", "黑体"): "the name of the heading font Word looks up",
    ("report_html.py", "0123456789.,%–-()（）：:≥≈±· "):
        "glyphs the page's font subset always keeps",
    ("tune/controls.py", r"^[^\s:.(（:]+"): "reads the Chinese name out of a model description",
    ("schema/scenario.py", "true (above a 左右 band is not met) or false (above it is 超额, "
                           "exceeded, and met)"):
        "an English description of the scenario file that quotes the plan's terms",
}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _sources():
    for path in sorted(SIM.rglob("*.py")):
        yield path.relative_to(SIM).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _text_calls():
    """(file, key argument node) of every messages.text(...) call in sim/."""
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr == "text" and isinstance(node.func.value, ast.Name) and \
                    node.func.value.id == "messages":
                yield name, node.args[0]


def _keys_in_code():
    """The literal keys and the prefixes of the built keys that sim/ looks up."""
    literal, prefixes = {}, {}
    for name, arg in _text_calls():
        for key in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
            if isinstance(key, ast.Constant):
                literal.setdefault(key.value, name)
            elif isinstance(key, ast.JoinedStr) and isinstance(key.values[0], ast.Constant):
                prefixes.setdefault(key.values[0].value, name)
            else:
                prefixes.setdefault("", name)  # a key held in a variable: write it out
    for name, tree in _sources():  # review.status_word builds review_status_<code>
        if any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "status_word"
               for n in ast.walk(tree)):
            prefixes.setdefault("review_status_", name)
    return literal, prefixes


def test_every_entry_has_a_text_in_each_language_with_the_same_fields():
    for key, entry in messages.catalogue().items():
        for lang in messages.LANGS:
            assert entry[lang] or (key, lang) in EMPTY, (key, lang)
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f}
                  for lang in messages.LANGS]
        assert fields[0] == fields[1], key


def test_every_key_the_code_looks_up_is_in_the_catalogue():
    literal, prefixes = _keys_in_code()
    catalogue = messages.catalogue()
    assert len(literal) > 80  # the scan finds the look-ups
    missing = {k: where for k, where in literal.items() if k not in catalogue}
    assert not missing
    unknown = {p: where for p, where in prefixes.items() if p not in FAMILIES}
    assert not unknown, "a key built at run time needs its prefix and suffixes in FAMILIES"
    for prefix in prefixes:
        for suffix in FAMILIES[prefix]:
            assert prefix + suffix in catalogue, prefix + suffix


def _page_words() -> set[str]:
    """The words the tune page asks for: w("...") and fill("...") in tune.js, data-t and
    data-tp in index.html, and the statuses and measures it looks up by value."""
    static = SIM / "tune" / "static"
    script = (static / "tune.js").read_text(encoding="utf-8")
    page = (static / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r'\b(?:w|fill)\("(\w+)"', script)) | \
        set(re.findall(r'data-tp?="(\w+)"', page)) | set(measures.STATUSES) | \
        {m for m in measures.MEASURES if m != "level"}


def test_the_tune_page_gets_every_word_it_uses_and_no_other():
    words = controls.page_words()
    assert set(words["zh"]) == set(words["en"]) == _page_words()
    assert words["zh"]["pin"] == "固定为参照" and words["en"]["saved"] == "Saved: {path}"


def test_every_entry_is_looked_up_somewhere():
    literal, _ = _keys_in_code()
    built = {p + s for p, suffixes in FAMILIES.items() for s in suffixes} | \
        {controls.PAGE + w for w in _page_words()}
    unused = [k for k in messages.catalogue() if k not in literal and k not in built and
              not k.startswith("unit:")]
    assert not unused


def _docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.body and isinstance(node.body[0], ast.Expr) and \
                isinstance(node.body[0].value, ast.Constant):
            yield node.body[0].value


def test_no_chinese_wording_is_left_in_the_code():
    found, allowed = [], set()
    for name, tree in _sources():
        skip = {id(d) for d in _docstrings(tree)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    id(node) not in skip and CJK.search(node.value):
                if (name, node.value) in ALLOWED:
                    allowed.add((name, node.value))
                else:
                    found.append(f"sim/{name}:{node.lineno}: {node.value!r}")
    assert not found, "move these texts to sim/messages.csv or the model's narrative file"
    assert allowed == set(ALLOWED)  # no exception outlives its literal


def test_the_scan_sees_a_chinese_literal_but_not_a_docstring_or_comment():
    tree = ast.parse('"""说明"""\nx = f"{y}年"  # 注释\n')
    skip = {id(d) for d in _docstrings(tree)}
    hits = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and
            isinstance(n.value, str) and id(n) not in skip and CJK.search(n.value)]
    assert hits == ["年"]


def test_text_fills_the_template_in_the_language_asked():
    assert messages.text("written_to", "zh", path="outputs/x") == "输出: outputs/x"
    assert messages.text("written_to", "en", path="outputs/x") == "written to: outputs/x"
    assert messages.text("targets_met", "en", met=9, n=14) == "9 of 14 modelled targets met"
    assert messages.text("note", "zh", text="t") == messages.text("note", "en", text="t") \
        == "note: t"
    assert messages.text("table_pp_year", "zh", value="0.43") == "0.43个百分点/年"
    assert messages.text("table_latest", "en", status="a", interim="b") == "a (latest: b)"
    assert messages.known("unit:1/Year") and not messages.known("unit:furlongs")
    with pytest.raises(ValueError, match="language 'fr'"):
        messages.text("written_to", "fr", path="x")
