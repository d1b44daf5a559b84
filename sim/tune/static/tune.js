// sim tune: sliders -> POST /api/run -> targets table and ECharts charts. Plain JS, no build.
"use strict";

const FONT = getComputedStyle(document.documentElement).fontFamily;
const S = {lang: "zh", session: null, info: null, constants: {}, series: {}, result: null,
           pinned: null, spread: null, inflight: false, pending: false, charts: {}};
const $ = (sel) => document.querySelector(sel);
// the page's words come with the session (`tune_page_` entries of sim/messages.csv)
const w = (key) => S.info?.words[S.lang][key] ?? key;
const fill = (key, fields) => w(key).replace(/\{(\w+)\}/g, (_, f) => fields[f]);

async function api(path, body) {
  const headers = {"Content-Type": "application/json"};
  if (S.session) headers["X-Session"] = S.session;
  const res = await fetch(path, {method: "POST", headers, body: JSON.stringify(body || {})});
  const data = await res.json();
  if (!res.ok) throw data.problems || [String(res.status)];
  return data;
}

function showProblems(problems) {
  const box = $("#problems");
  box.hidden = !problems;
  box.textContent = problems ? problems.join("\n") : "";
}

function fmt(v, digits = 2) {
  if (v === null || v === undefined) return "–";
  return Math.abs(v) >= 1e5 ? Math.round(v).toLocaleString("en") :
    v.toLocaleString("en", {minimumFractionDigits: digits, maximumFractionDigits: digits});
}

function paramLabel(p) { return S.lang === "zh" ? p.zh : p.name; }

function paramUnit(p) { return p.unit[S.lang]; }

// ---- controls ----------------------------------------------------------------------------
function buildControls() {
  const info = S.info;
  const loops = $("#loop-list");
  loops.replaceChildren();
  for (const p of info.loops) {
    const row = document.createElement("label");
    row.className = "loop";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.dataset.name = p.name;
    box.checked = (S.constants[p.name] ?? p.value) !== 0;
    box.addEventListener("change", () => {
      const on = p.value !== 0 ? p.value : 1;
      setConstant(p, box.checked ? on : 0);
    });
    row.append(box, S.lang === "zh" ? `${p.zh} (${p.name})` : p.name);
    loops.append(row);
  }
  const holder = $("#sectors");
  holder.replaceChildren();
  for (const sector of info.sectors) {
    const params = info.parameters.filter((p) => p.sector === sector.id)
      .sort((a, b) => (a.shock - b.shock) || a.name.localeCompare(b.name));
    if (!params.length) continue;
    const det = document.createElement("details");
    det.className = "sector";
    det.open = sector.id === "services" || sector.id === "industry";
    det.innerHTML = `<summary>${sector[S.lang]} (${params.length})</summary>`;
    for (const p of params) det.append(paramControl(p));
    holder.append(det);
  }
}

function paramControl(p) {
  const div = document.createElement("div");
  div.className = "param";
  div.dataset.name = p.name;
  const value = S.constants[p.name] ?? p.value;
  const listId = `mark-${p.name.replace(/\W/g, "_")}`;
  const range = p.min === null && p.max === null ? "(-∞, ∞)" :
    `[${p.min ?? "-∞"}, ${p.max ?? "∞"}]`;
  div.innerHTML = `<div class="name"><b></b><span class="meta"></span></div>
    <div class="row"><input type="range"><input type="number">
    <button class="years" type="button"></button></div>
    <datalist id="${listId}"><option value="${p.value}"></option></datalist>`;
  div.querySelector("b").textContent = paramLabel(p);
  div.querySelector(".meta").textContent =
    [paramUnit(p), `${w("range")} ${range}`, `${w("scenario_value")} ${p.value}`]
      .filter(Boolean).join(" · ");
  div.title = `${p.name}: ${p.description}`;
  const slider = div.querySelector("input[type=range]");
  Object.assign(slider, {min: p.low, max: p.high, step: "any", value});
  slider.setAttribute("list", listId);
  slider.dataset.name = p.name;
  const box = div.querySelector("input[type=number]");
  Object.assign(box, {step: p.step, value});
  box.dataset.name = p.name;
  slider.addEventListener("input", () => {
    const v = snap(Number(slider.value), p);
    box.value = v;
    setConstant(p, v);
  });
  box.addEventListener("change", () => {
    const v = box.value === "" ? p.value : Number(box.value);
    slider.value = v;
    setConstant(p, Number.isFinite(v) ? v : box.value);
  });
  const yb = div.querySelector(".years");
  yb.textContent = w("years");
  yb.classList.toggle("on", !!S.series[p.name]);
  yb.addEventListener("click", () => openYears(p));
  div.classList.toggle("changed", p.name in S.constants);
  return div;
}

function snap(v, p) {
  const n = Math.round((v - p.low) / p.step);
  return Number((p.low + n * p.step).toPrecision(12));
}

function setConstant(p, v) {
  if (v === p.value) delete S.constants[p.name]; else S.constants[p.name] = v;
  const div = document.querySelector(`.param[data-name="${CSS.escape(p.name)}"]`);
  if (div) div.classList.toggle("changed", p.name in S.constants);
  schedule();
}

function openYears(p) {
  $("#years-title").textContent = `${w("year_table")}: ${paramLabel(p)}` +
    (paramUnit(p) ? ` (${paramUnit(p)})` : "");
  const body = $("#years-table tbody");
  body.replaceChildren();
  for (const year of S.info.years) {
    const tr = document.createElement("tr");
    const input = document.createElement("input");
    input.type = "number";
    input.step = p.step;
    input.dataset.year = year;
    const own = (S.series[p.name] || {})[year];
    const base = p.series[year];
    input.value = own ?? base ?? "";
    input.placeholder = String(S.constants[p.name] ?? p.value);
    input.addEventListener("change", () => {
      const by = {...(S.series[p.name] || {})};
      if (input.value === "") delete by[year]; else by[year] = Number(input.value);
      if (Object.keys(by).length) S.series[p.name] = by; else delete S.series[p.name];
      const btn = document.querySelector(`.param[data-name="${CSS.escape(p.name)}"] .years`);
      if (btn) btn.classList.toggle("on", !!S.series[p.name]);
      schedule();
    });
    const th = document.createElement("th");
    th.textContent = year;
    const td = document.createElement("td");
    td.append(input);
    tr.append(th, td);
    body.append(tr);
  }
  $("#years-dialog").showModal();
}

// ---- running -----------------------------------------------------------------------------
function schedule() {
  if (S.inflight) { S.pending = true; return; }
  send();
}

async function send() {
  S.inflight = true;
  S.pending = false;
  $("#status-line").textContent = w("running");
  try {
    const result = await api("/api/run", {constants: S.constants, series: S.series});
    S.result = result;
    S.spread = null;
    showProblems(null);
    render();
    $("#status-line").textContent = w("ran");
  } catch (problems) {
    showProblems(problems);
    $("#status-line").textContent = "";
  } finally {
    S.inflight = false;
    if (S.pending) send();
  }
}

// ---- results -----------------------------------------------------------------------------
function targetText(t) {
  const sign = {approx: "≈", at_least: "≥", reach: "≥"}[t.comparator];
  const tol = t.comparator === "approx" && t.tolerance !== null ? `±${t.tolerance}` : "";
  const value = `${sign}${t.target}${tol}`;
  if (t.measure === "level") return `${value} ${t.unit[S.lang]}`;
  return fill(t.measure, {value});
}

function render() {
  renderTable();
  renderTracked();
  renderCharts();
  const notes = $("#notices");
  notes.replaceChildren(...(S.result.notices || []).map((n) => {
    const li = document.createElement("li"); li.textContent = n; return li; }));
  document.dispatchEvent(new Event("tune:rendered"));
}

function renderTable() {
  const table = $("#targets");
  table.classList.toggle("with-pin", !!S.pinned);
  table.classList.toggle("with-prob", !!S.spread);
  const body = table.tBodies[0];
  const pinned = S.pinned ? Object.fromEntries(S.pinned.targets.map((t) => [t.id, t])) : {};
  const rows = S.result.targets.map((t) => {
    let tr = body.querySelector(`tr[data-id="${t.id}"]`);
    if (!tr) {
      tr = document.createElement("tr");
      tr.dataset.id = t.id;
      tr.innerHTML = "<td class=name></td><td class=target></td><td class=projected></td>" +
        "<td class=gap></td><td class=status></td><td class=pinned></td><td class=prob></td>";
    }
    tr.querySelector(".name").textContent = S.lang === "zh" ? t.zh : t.en;
    tr.querySelector(".target").textContent = targetText(t);
    const cell = tr.querySelector(".projected");
    cell.textContent = fmt(t.projected);
    cell.dataset.value = t.projected;
    tr.querySelector(".gap").textContent = fmt(t.gap);
    const st = tr.querySelector(".status");
    st.textContent = w(t.status);
    st.className = `status ${t.status}`;
    const pin = pinned[t.id];
    tr.querySelector(".pinned").textContent = pin ? `${fmt(pin.projected)} (${w(pin.status)})` : "";
    const prob = S.spread ? S.spread.probabilities[t.id] : undefined;
    tr.querySelector(".prob").textContent = prob === undefined ? "" : `${Math.round(prob * 100)}%`;
    return tr;
  });
  body.replaceChildren(...rows);
}

function renderTracked() {
  const list = $("#tracked ul");
  list.replaceChildren(...S.result.tracked.map((t) => {
    const li = document.createElement("li");
    li.textContent = `${S.lang === "zh" ? t.zh : t.en}: ${targetText(t)} (${t.year})`;
    return li;
  }));
}

function chartOption(c, t) {
  const series = [];
  const line = (name, data, extra) => series.push({name, type: "line", data, showSymbol: false,
                                                 animation: false, ...extra});
  const pairs = (years, values) => years.map((y, i) => [y, values[i]]);
  const band = S.spread && S.spread.bands[c.id];
  if (band) {  // a polygon from the 5% path out and the 95% path back
    const edge = [...band.years.map((y, i) => [y, band.high[i]]),
                  ...band.years.map((y, i) => [y, band.low[i]]).reverse()];
    series.push({name: w("band"), type: "custom", data: [edge[0]], silent: true, z: 1,
                 animation: false, itemStyle: {color: "rgba(9,105,218,0.2)"},
                 renderItem: (params, api) => ({type: "polygon",
                   shape: {points: edge.map((p) => api.coord(p))},
                   style: {fill: "rgba(9,105,218,0.2)"}})});
  }
  const pin = S.pinned && S.pinned.charts.find((p) => p.id === c.id);
  if (pin) line(w("pinned"), pairs(pin.years, pin.values), {color: "#8c959f",
                                                             lineStyle: {width: 2}});
  line(w("projected"), pairs(c.years, c.values), {color: "#0969da", lineStyle: {width: 2.5}});
  if (c.required) line(w("required"), c.required, {color: "#bc4c00", lineStyle: {type: "dashed"}});
  if (c.target !== null) {
    series.push({name: w("target"), type: "scatter", data: [[t.year, c.target]], symbol: "diamond",
                 symbolSize: 11, color: "#bc4c00", animation: false});
  }
  if (c.actuals.length) {
    series.push({name: w("actual"), type: "scatter", data: c.actuals, symbolSize: 7,
                 color: "#24292f", animation: false});
  }
  const years = [...c.years, ...c.actuals.map((a) => a[0])];
  // the value axis spans every value drawn (a stacked band would otherwise pull it to 0)
  const ys = [...c.values, ...c.actuals.map((a) => a[1]), ...(c.required || []).map((r) => r[1]),
              ...(c.target !== null ? [c.target] : []), ...(pin ? pin.values : []),
              ...(band ? [...band.low, ...band.high] : [])].filter((v) => v !== null);
  const lo = Math.min(...ys), hi = Math.max(...ys);
  const pad = (hi - lo) * 0.06 || Math.abs(hi) * 0.05 || 1;
  return {
    animation: false, textStyle: {fontFamily: FONT},
    title: {text: S.lang === "zh" ? t.zh : t.en,
            subtext: `${c.unit[S.lang]} · ${targetText(t)}`,
            left: 6, top: 2, textStyle: {fontSize: 13, fontFamily: FONT},
            subtextStyle: {fontFamily: FONT}},
    grid: {left: 56, right: 14, top: 52, bottom: 46},
    tooltip: {trigger: "axis", valueFormatter: (v) => fmt(v)},
    legend: {bottom: 0, textStyle: {fontSize: 11, fontFamily: FONT}, itemWidth: 14,
             data: series.map((s) => s.name)},
    xAxis: {type: "value", min: Math.min(...years), max: Math.max(...years), interval: 1,
            axisLabel: {formatter: (v) => String(v)}},
    yAxis: {type: "value", min: niceFloor(lo - pad), max: niceCeil(hi + pad)},
    series,
  };
}

// Charts on screen are drawn at once; the others when they scroll into view. A chart whose
// series keep their kinds only gets new data (ECharts merges by index), which is cheaper.
const visible = new Set();
const watcher = new IntersectionObserver((entries) => {
  for (const e of entries) {
    const id = e.target.dataset.id;
    if (e.isIntersecting) { visible.add(id); drawChart(id); } else visible.delete(id);
  }
});

function drawChart(id) {
  const chart = S.charts[id];
  if (!chart || !S.result || chart.drawn === S.result) return;
  const c = S.result.charts.find((x) => x.id === id);
  const t = S.result.targets.find((x) => x.id === id);
  if (!c || !t) return;
  const option = chartOption(c, t);
  const shape = JSON.stringify([S.lang, option.series.map((s) => s.name)]);
  if (shape === chart.shape) {
    const update = option.series.map((s) => (s.renderItem ? {data: s.data, renderItem:
                                               s.renderItem} : {data: s.data}));
    chart.setOption({yAxis: option.yAxis, series: update}, {lazyUpdate: false});
  } else {
    chart.setOption(option, {notMerge: true, lazyUpdate: false});
    chart.shape = shape;
  }
  chart.drawn = S.result;
}

function niceStep(v) { return 10 ** Math.floor(Math.log10(Math.abs(v) || 1) - 1); }
function niceFloor(v) { const s = niceStep(v); return Math.floor(v / s) * s; }
function niceCeil(v) { const s = niceStep(v); return Math.ceil(v / s) * s; }

function renderCharts() {
  const holder = $("#charts");
  for (const c of S.result.charts) {
    if (!S.charts[c.id]) {
      const div = document.createElement("div");
      div.className = "chart";
      div.dataset.id = c.id;
      holder.append(div);
      S.charts[c.id] = echarts.init(div, null, {renderer: "canvas"});
      watcher.observe(div);
    }
    S.charts[c.id].drawn = null;
  }
  for (const id of visible) drawChart(id);
}

// ---- pin, uncertainty, save, language ----------------------------------------------------
async function pin() {
  try {
    S.pinned = await api("/api/pin");
    $("#unpin").hidden = false;
    render();
  } catch (problems) { showProblems(problems); }
}

function unpin() { S.pinned = null; $("#unpin").hidden = true; render(); }

async function uncertainty() {
  $("#status-line").textContent = w("running");
  try {
    const n = $("#samples").value;
    S.spread = await api("/api/uncertainty", n === "" ? {} : {samples: Number(n)});
    render();
    $("#status-line").textContent = `${w("p_met")}: ${S.spread.samples} ${w("members")}`;
  } catch (problems) { showProblems(problems); $("#status-line").textContent = ""; }
}

async function save() {
  const name = $("#save-name").value.trim();
  if (!name) { showProblems([w("name_needed")]); return; }
  try {
    const out = await api("/api/save", {name});
    showProblems(null);
    $("#status-line").textContent = fill("saved", {path: out.path});
  } catch (problems) { showProblems(problems); }
}

function applyLanguage() {
  document.documentElement.lang = S.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = w(el.dataset.t); });
  document.querySelectorAll("[data-tp]").forEach((el) => { el.placeholder = w(el.dataset.tp); });
  const sc = S.info.scenario;
  $("#scenario-title").textContent = sc.title[S.lang] || sc.title.en || sc.name;
  buildControls();
  if (S.result) render();
}

async function start() {
  try {
    await document.fonts.load(`14px ${FONT}`, "青岛");
  } catch (e) { /* the page still works with the system's fonts */ }
  try {
    S.info = await api("/api/session");
  } catch (problems) { showProblems(problems); return; }
  S.session = S.info.session;
  if (S.info.scenario.samples) $("#samples").value = S.info.scenario.samples;
  $("#uncertainty").disabled = !S.info.scenario.samples;
  applyLanguage();
  $("#pin").addEventListener("click", pin);
  $("#unpin").addEventListener("click", unpin);
  $("#uncertainty").addEventListener("click", uncertainty);
  $("#save").addEventListener("click", save);
  $("#lang").addEventListener("click", () => { S.lang = S.lang === "zh" ? "en" : "zh";
                                                applyLanguage(); });
  window.addEventListener("resize", () => Object.values(S.charts).forEach((c) => c.resize()));
  schedule();
}

start();
