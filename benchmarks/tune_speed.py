"""How fast the tuning page answers: slider to updated table and charts, and the uncertainty
button, in headless Chromium against a server on a free loopback port.

Run from the repository root: python benchmarks/tune_speed.py [--moves N] [--samples N]
[--actuals FILE --as-of YEAR] [--screenshot PNG]

Every figure is measured in this run, on this machine; the ratios compare them with the
budgets of 100 ms for a slider and 1 s for the uncertainty button. A slider's time runs from
its input event until its target's projected value has changed in the table and two frames
have been painted (so the charts on screen are drawn too). The server's own share is timed
in-process on the same scenario. The machine is shared, so medians are reported.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "baseline.yaml"
sys.path.insert(0, str(ROOT))

from tests.tune.probes import (ARGS, MOVE, SLIDER_BUDGET_MS, UNCERTAINTY,  # noqa: E402
                               UNCERTAINTY_BUDGET_MS)


def server_side(actuals, as_of, moves: int) -> float:
    """Median ms of one run request handled in-process (validation, run, chart series)."""
    from sim.tune.session import Session, Tuner

    tuner = Tuner(SCENARIO, actuals, as_of)
    session = Session()
    tuner.run(session, {})
    times = []
    for i in range(moves):
        start = time.perf_counter()
        tuner.run(session, {"constants": {"sei real growth": 0.06 + 0.004 * i}})
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def shrink(png: Path) -> None:
    """Rewrite a screenshot as a 256-colour PNG, a third of its size or less."""
    from PIL import Image

    with Image.open(png) as image:
        small = image.convert("RGB").quantize(256)
    small.save(png, optimize=True)


def in_browser(actuals, as_of, moves: int, samples: int, screenshot: Path | None):
    """Slider latencies (ms) and the uncertainty button's (ms), from Chromium."""
    from playwright.sync_api import sync_playwright

    from sim.tune import server

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("no chromium on this machine: apt-get install chromium")
    srv, url = server.server(SCENARIO, actuals, as_of, port=0)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.02)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(url)
            page.wait_for_selector("#targets tbody tr[data-id=sei_va_growth]")
            page.evaluate(MOVE, ["sei real growth", 0.081, "sei_va_growth"])  # warm-up
            sliders = [page.evaluate(MOVE, ["sei real growth", 0.06 + 0.004 * i,
                                            "sei_va_growth"]) for i in range(moves)]
            page.evaluate(MOVE, ["sei real growth", 0.0805, "sei_va_growth"])
            page.locator("#pin").click()  # the scenario's run as the reference, in grey
            page.evaluate(MOVE, ["sei real growth", 0.1, "sei_va_growth"])
            page.evaluate(UNCERTAINTY, samples)  # warm-up: scipy's import, the first draws
            spreads = [page.evaluate(UNCERTAINTY, samples) for _ in range(3)]
            if screenshot is not None:
                page.screenshot(path=str(screenshot))
                shrink(screenshot)
            browser.close()
    finally:
        srv.should_exit = True
        thread.join(10)
    return sliders, spreads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=15)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--actuals", type=Path)
    parser.add_argument("--as-of", dest="as_of", type=int, default=2022,
                        help="with --actuals: the last observed year; the targets must still "
                             "respond to the slider after it [default: 2022]")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    as_of = args.as_of if args.actuals else None
    server_ms = server_side(args.actuals, as_of, args.moves)
    sliders, spreads = in_browser(args.actuals, as_of, args.moves, args.samples,
                                  args.screenshot)
    if None in sliders or None in spreads:
        sys.exit("the page did not update: a move that changes nothing, or an error shown "
                 "in the page")
    slider_ms = statistics.median(sliders)
    spread_ms = statistics.median(spreads)
    label = f" (anchored on {args.actuals} to {as_of})" if args.actuals else ""
    print(f"scenario: {SCENARIO.relative_to(ROOT)}{label}")
    print(f"slider -> table and charts: median {slider_ms:.0f} ms, max {max(sliders):.0f} ms "
          f"over {len(sliders)} moves; {slider_ms / SLIDER_BUDGET_MS:.2f} x the 100 ms budget")
    print(f"  of which the server's run: median {server_ms:.0f} ms "
          f"({server_ms / slider_ms:.0%} of the slider's time)")
    print(f"uncertainty button, {args.samples} members: median {spread_ms:.0f} ms; "
          f"{spread_ms / UNCERTAINTY_BUDGET_MS:.2f} x the 1 s budget")


if __name__ == "__main__":
    main()
