"""What the tuning page's browser test and its speed benchmark run inside the page: the
Chromium flags, and the scripts that move a slider or press the uncertainty button and time
the page until the table shows the result."""

SLIDER_BUDGET_MS = 100.0
UNCERTAINTY_BUDGET_MS = 1000.0
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

# Moves a slider as a drag does (value, then an input event) and resolves with the time until
# the projected value of `id` has changed in the table and the next frame has been painted.
MOVE = """([name, value, id]) => new Promise((resolve) => {
  const cell = document.querySelector(`#targets tr[data-id="${id}"] .projected`);
  const before = cell.dataset.value;
  const slider = document.querySelector(`input[type=range][data-name="${name}"]`);
  const t0 = performance.now();
  const seen = new MutationObserver(() => {
    if (cell.dataset.value === before) return;
    seen.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
  });
  seen.observe(document.querySelector("#targets"), {subtree: true, childList: true,
                                                     characterData: true, attributes: true});
  setTimeout(() => { seen.disconnect(); resolve(null); }, 10000);  // nothing changed
  slider.value = value;
  slider.dispatchEvent(new Event("input", {bubbles: true}));
})"""

# Presses the uncertainty button for `n` members and resolves with the time until the table
# shows the probabilities.
UNCERTAINTY = """(n) => new Promise((resolve) => {
  const table = document.querySelector("#targets");
  table.classList.remove("with-prob");
  document.querySelector("#samples").value = n;
  const t0 = performance.now();
  const seen = new MutationObserver(() => {
    if (!table.classList.contains("with-prob")) return;
    seen.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
  });
  seen.observe(table, {attributes: true});
  setTimeout(() => { seen.disconnect(); resolve(null); }, 30000);  // an error in the page
  document.querySelector("#uncertainty").click();
})"""

