"""Subscripted variables as blocks with an element axis: equal to PySD member by member,
whatever the path an equation takes (one expression per piece, or one per element where a
block depends on its own elements)."""

import warnings

import numpy as np
import pytest

from sim import engine, scenario
from sim.engine import batch


def _controls(final, step, saveper) -> str:
    """A model's control section, from time 0."""
    return "".join(f"{name} = {value}\n\t~\t\n\t~\t\n\t|\n" for name, value in (
        ("INITIAL TIME", 0), ("FINAL TIME", final), ("TIME STEP", step), ("SAVEPER", saveper)))


MODEL = """{{UTF-8}}
A: (a1-a3)
\t~\t\n\t~\t\n\t|
B: b1, b2
\t~\t\n\t~\t\n\t|
g = {g}
\t~\t\n\t~\t\n\t|
c[A] = 1, {c2}, 3
\t~\t\n\t~\t\n\t|
m[A, B] = c[A] * (1 + g) + ELMCOUNT(B) * (B - 1)
\t~\t\n\t~\t\n\t|
stock[A, B] = INTEG(m[A, B] * g - stock[A, B] / 4, c[A])
\t~\t\n\t~\t\n\t|
smoothed[A] = SMOOTH(SUM(stock[A, B!]), 2)
\t~\t\n\t~\t\n\t|
total = SUM(stock[A!, B!]) + PROD(c[A!])
\t~\t\n\t~\t\n\t|
biggest = VMAX(smoothed[A!]) - VMIN(m[A!, b2])
\t~\t\n\t~\t\n\t|
tab[a1]([(0,0)-(10,10)],(0,0),(10,5))
\t~\t\n\t~\t\n\t|
tab[a2]([(0,0)-(10,10)],(0,1),(5,2),(10,9))
\t~\t\n\t~\t\n\t|
tab[a3]([(0,0)-(10,10)],(0,3),(10,3))
\t~\t\n\t~\t\n\t|
looked[A] = tab[A](Time * g * 10)
\t~\t\n\t~\t\n\t|
odd[A, B] :EXCEPT: [a2, b2] = m[A, B] - 1
\t~\t\n\t~\t\n\t|
odd[a2, b2] = total + looked[a2]
\t~\t\n\t~\t\n\t|
""" + _controls(5, 0.25, 0.5)


def _load(folder, g, c2):
    folder.mkdir()
    (folder / "m.mdl").write_text(MODEL.format(g=g, c2=c2), encoding="utf-8")
    (folder / "s.yaml").write_text("model: m.mdl\n", encoding="utf-8")
    return scenario.load(folder / "s.yaml")


@pytest.mark.parametrize("axis", [True, False])
def test_members_of_a_subscripted_model_match_pysd_one_by_one(tmp_path, axis):
    """Members differ in a constant and in one element of a subscripted constant; member m
    is the model PySD runs with member m's values written into the file."""
    g = np.array([0.1, 0.2, 0.35])
    c2 = np.array([2.0, 2.5, -4.0])
    base = _load(tmp_path / "base", 0.1, 2)
    c = batch.compiled(base.model)
    out = batch.simulate(c, {"g": g, "c[a2]": c2}, base.time, axis=axis)
    for m in range(3):
        one = _load(tmp_path / f"m{m}", g[m], c2[m])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = engine.pysd_engine.run(one)
        assert [c.real_names[n] for n in c.outputs()] == list(theirs.columns)
        for name in c.outputs():
            ours = out[name][:, m] if out[name].ndim == 2 else out[name]
            np.testing.assert_allclose(ours, theirs[c.real_names[name]].to_numpy(float),
                                       rtol=1e-9, atol=1e-12, err_msg=name)


def test_equations_over_a_range_are_one_expression(tmp_path):
    c = batch.compiled(_load(tmp_path / "m", 0.1, 2).model)
    prog = batch.program(c, set(), set(), set(), c.outputs())
    assert prog.generator.blocks["stock[*]"] == [f"stock[a{i},b{j}]" for i in (1, 2, 3)
                                                 for j in (1, 2)]
    assert "stock[*]" in {s.name for s in prog.generator.states.values()}
    unrolled = batch.program(c, set(), set(), set(), c.outputs(), axis=False)
    assert "stock[a1,b1]" in unrolled.generator.states
    assert len(prog.source) < len(unrolled.source)
    time = {"initial": 0, "final": 2, "step": 0.5, "saveper": 1}
    every = batch.simulate(c, {"g": np.array([0.1, 0.3])}, time)
    some = batch.simulate(c, {"g": np.array([0.1, 0.3])}, time,
                          outputs=["stock[a2,b1]", "total"])
    assert sorted(some) == ["stock[a2,b1]", "time", "total"]
    for name in ("stock[a2,b1]", "total"):
        np.testing.assert_array_equal(some[name], every[name])


def test_a_variable_whose_elements_depend_on_each_other_runs_element_by_element(tmp_path):
    """chain[a2] needs chain[a1] (PySD itself recurses forever on it): one equation per
    element, with values worked out by hand."""
    text = MODEL.format(g=0.1, c2=2).split("INITIAL TIME")[0] + (
        "chain[a1] = g * 10\n\t~\t\n\t~\t\n\t|\n"
        "chain[a2] = chain[a1] + c[a2]\n\t~\t\n\t~\t\n\t|\n"
        "chain[a3] = chain[a2] * 2 + SUM(c[A!])\n\t~\t\n\t~\t\n\t|\n"
        "INITIAL TIME" + MODEL.split("INITIAL TIME")[1])
    (tmp_path / "chain.mdl").write_text(text, encoding="utf-8")
    c = batch.compile_model(tmp_path / "chain.mdl")
    g, c2 = np.array([0.1, 0.2]), np.array([2.0, -1.0])
    out = batch.simulate(c, {"g": g, "c[a2]": c2}, {"initial": 0, "final": 1, "step": 0.5,
                                                    "saveper": 1})
    np.testing.assert_allclose(out["chain[a1]"][0], [1.0, 2.0], rtol=1e-15)
    np.testing.assert_allclose(out["chain[a2]"][0], [3.0, 1.0], rtol=1e-15)
    np.testing.assert_allclose(out["chain[a3]"][0], [12.0, 5.0], rtol=1e-15)
    prog = batch.program(c, {"g", "c[a2]"}, set(), {"g", "c[a2]"}, c.outputs())
    assert "stock[*]" in prog.generator.blocks
    assert not any(n.startswith("chain") for n in prog.generator.blocks)


ALLOCATION = """{{UTF-8}}
branch: Boston, Dayton, Fresno
\t~\t\n\t~\t\n\t|
pprofile: ptype, ppriority, pwidth, pextra
\t~\t\n\t~\t\n\t|
base = {available}
\t~\t\n\t~\t\n\t|
available = base + Time
\t~\t\n\t~\t\n\t|
demand[branch] = 50, 30, 40
\t~\t\n\t~\t\n\t|
profile[branch, pprofile] = 1, 5, 3, 0; 1, 7, 2, 0; 3, 4, 4, 0;
\t~\t\n\t~\t\n\t|
priority[branch] = 3, 1, 2
\t~\t\n\t~\t\n\t|
shares[branch] = ALLOCATE AVAILABLE(demand[branch], profile[branch, ptype], available)
\t~\t\n\t~\t\n\t|
ranked[branch] = ALLOCATE BY PRIORITY(demand[branch], priority[branch], 3, 1.5, available)
\t~\t\n\t~\t\n\t|
chosen = VECTOR SELECT(priority[branch!] - 1, demand[branch!], -1, 9, 0)
\t~\t\n\t~\t\n\t|
weighted = VECTOR SELECT(priority[branch!] - 1, demand[branch!], -1, 3, 0)
\t~\t\n\t~\t\n\t|
matrix[branch, branch2] = 2, 1, 0; 1, 3, 1; 0, 1, 4
\t~\t\n\t~\t\n\t|
branch2 <-> branch
\t~\t\n\t~\t\n\t|
inverse[branch, branch2] = INVERT MATRIX(matrix[branch, branch2] * available / 60, 3)
\t~\t\n\t~\t\n\t|
""" + _controls(4, 1, 1)


def _members(folder, template: str, field: str, values) -> list:
    """One scenario per member: `template` with `field` set to the member's value."""
    runs = []
    for m, value in enumerate(values):
        (folder / f"m{m}").mkdir()
        (folder / f"m{m}" / "a.mdl").write_text(template.format(**{field: value}),
                                                encoding="utf-8")
        (folder / f"m{m}" / "s.yaml").write_text("model: a.mdl\n", encoding="utf-8")
        runs.append(scenario.load(folder / f"m{m}" / "s.yaml"))
    return runs


def _match_pysd(c, ours: dict, runs: list, rtol=1e-9, atol=1e-12) -> None:
    """Member m of the batch engine's `ours` equals PySD's run of `runs[m]`."""
    for m, one in enumerate(runs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = engine.pysd_engine.run(one)
        for name in c.outputs():
            mine = ours[name][:, m] if ours[name].ndim == 2 else ours[name]
            np.testing.assert_allclose(mine, theirs[c.real_names[name]].to_numpy(float),
                                       rtol=rtol, atol=atol, err_msg=name)


def test_array_functions_per_member_match_pysd(tmp_path):
    """ALLOCATE AVAILABLE (rectangular and normal profiles), ALLOCATE BY PRIORITY, VECTOR
    SELECT and INVERT MATRIX with an availability that differs between members."""
    available = np.array([60.0, 95.0, 150.0])
    folders = _members(tmp_path, ALLOCATION, "available", [60.0, *available])
    c = batch.compiled(folders[0].model)
    out = batch.simulate(c, {}, folders[0].time)
    # ALLOCATE BY PRIORITY at Time 0 by hand: 60 available, Boston (priority 3) first,
    # Fresno (2) starts once Boston holds (3 - 2) / 1.5 x 50: both then share in proportion
    # to their requests until 60 is given (Dayton, priority 1, waits)
    boston = 50 / 1.5 + (60 - 50 / 1.5) * 50 / 90
    np.testing.assert_allclose(out["ranked[Boston]"][0], boston, rtol=1e-12)
    np.testing.assert_allclose(out["ranked[Fresno]"][0], 60 - boston, rtol=1e-12)
    assert out["ranked[Dayton]"][0] == 0
    assert out["chosen"][0] == 50  # the largest demand where priority - 1 is not 0
    assert out["weighted"][0] == 100  # the largest (priority - 1) x demand: Boston's
    ours = batch.simulate(c, {"base": available}, folders[0].time)
    unrolled = batch.simulate(c, {"base": available}, folders[0].time, axis=False)
    for name in c.outputs():
        np.testing.assert_allclose(ours[name], unrolled[name], rtol=1e-12, err_msg=name)
    _match_pysd(c, ours, folders[1:])


ORDERING = """{{UTF-8}}
item: i1, i2, i3, i4
\t~\t\n\t~\t\n\t|
base = {base}
\t~\t\n\t~\t\n\t|
score[i1] = 3 ~~|
score[i2] = base ~~|
score[i3] = 3 ~~|
score[i4] = 1
\t~\t\n\t~\t\n\t|
up[item] = VECTOR SORT ORDER(score[item], 1)
\t~\t\n\t~\t\n\t|
down[item] = VECTOR SORT ORDER(score[item], 0)
\t~\t\n\t~\t\n\t|
rank[item] = VECTOR RANK(score[item], 1)
\t~\t\n\t~\t\n\t|
sorted[item] = VECTOR REORDER(score[item], down[item])
\t~\t\n\t~\t\n\t|
""" + _controls(1, 1, 1)


def test_vector_sort_order_rank_and_reorder_per_member(tmp_path):
    """VECTOR SORT ORDER (0-based, ascending and descending), VECTOR RANK and VECTOR REORDER
    with a score that orders the items differently in each member, i1 and i3 tied."""
    bases = np.array([2.0, 5.0])
    runs = _members(tmp_path, ORDERING, "base", bases)
    c = batch.compiled(runs[0].model)
    ours = batch.simulate(c, {"base": bases}, runs[0].time)
    # by hand: scores (3, 2, 3, 1) and (3, 5, 3, 1); ascending keeps tied i1 before i3,
    # descending is the ascending order reversed (i3 before i1)
    expected = {"up": [[3, 1, 0, 2], [3, 0, 2, 1]], "down": [[2, 0, 1, 3], [1, 2, 0, 3]],
                "rank": [[3, 2, 4, 1], [2, 4, 3, 1]], "sorted": [[3, 3, 2, 1], [5, 3, 3, 1]]}
    for var, members in expected.items():
        for m, values in enumerate(members):
            got = [ours[f"{var}[i{i}]"][0, m] for i in range(1, 5)]
            assert got == values, (var, m)
    unrolled = batch.simulate(c, {"base": bases}, runs[0].time, axis=False)
    for name in c.outputs():
        np.testing.assert_array_equal(*np.broadcast_arrays(ours[name], unrolled[name]),
                                      err_msg=name)
    _match_pysd(c, ours, runs, rtol=0, atol=0)  # exactly: integers and a reorder
