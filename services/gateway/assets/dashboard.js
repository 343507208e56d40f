// The county dashboard: every township side by side, the year against the
// one before, the warnings, and a township's detail. It uses only the public
// REST API with the token from logging in (kept for this browser tab only).
"use strict";

const state = {
  token: sessionStorage.getItem("fazhi.token"),
  me: null,
  year: null,
  names: {},
  summary: null,
  charts: [],
};
const $ = (id) => document.getElementById(id);

async function api(path) {
  const headers = state.token ? { Authorization: "Bearer " + state.token } : {};
  const response = await fetch(path, { headers });
  if (response.status === 401) {
    logout();
    throw new Error("登录已失效，请重新登录");
  }
  if (!response.ok) {
    let detail = response.statusText;
    try {
      const problem = await response.json();
      detail = problem.detail || problem.title || detail;
    } catch (_) { /* not a problem document */ }
    throw new Error(detail);
  }
  return response;
}
const getJson = async (path) => (await api(path)).json();

const number = (v) => (v === null || v === undefined ? "—" : String(v));
const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
const share = (part, whole) => (whole ? pct(part / whole) : "—");

// The figures shown for a division: label, the field it reads, how it prints.
const FIGURES = [
  ["受理投诉", "complaints.received", (f) => number(f.complaints?.received)],
  ["按时办结率", "complaints.on_time_rate", (f) => pct(f.complaints?.on_time_rate)],
  ["满意率", "complaints.satisfaction_rate", (f) => pct(f.complaints?.satisfaction_rate)],
  ["立案", "cases.filed", (f) => number(f.cases?.filed)],
  ["作出决定", "cases.decided", (f) => number(f.cases?.decided)],
  ["法制审核", "cases.review_coverage",
    (f) => (f.cases ? share(f.cases.reviewed, f.cases.review_required) : "—")],
  ["持证人数", "training.certificate_holders", (f) => number(f.training?.certificate_holders)],
  ["持证率", "training.certification_rate", (f) => pct(f.training?.certification_rate)],
  ["普法活动", "training.outreach_events", (f) => number(f.training?.outreach_events)],
];

const KINDS = {
  complaint_accept: "投诉签收", complaint_reply: "投诉答复",
  complaint_feedback: "紧急诉求反馈", petition_accept: "信访受理告知", case_decision: "案件决定期限",
  case_statement: "陈述申辩期", case_hearing: "听证申请期", case_service: "决定送达",
  case_publicity: "处罚公示", case_seizure: "查封扣押期限", certificate_expiry: "执法证到期",
  training_hours: "培训学时不足",
};

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function cards(target, figures, previous) {
  target.replaceChildren();
  for (const [label, field, show] of FIGURES) {
    const card = element("div", undefined, { class: "card", "data-field": field });
    card.append(element("div", label, { class: "label" }));
    card.append(element("div", show(figures), { class: "value" }));
    if (previous) card.append(element("div", "上年 " + show(previous), { class: "change" }));
    target.append(card);
  }
}

function countyTable(summary) {
  const body = $("county-table").querySelector("tbody");
  body.replaceChildren();
  for (const row of summary.townships) {
    const tr = element("tr", undefined, { "data-division": row.division_code });
    tr.append(element("td", row.name, { "data-field": "name" }));
    for (const [, field, show] of FIGURES) {
      tr.append(element("td", show(row), { class: "num", "data-field": field }));
    }
    tr.addEventListener("click", () => township(row));
    body.append(tr);
  }
  const total = element("tr", undefined, { "data-total": "true" });
  total.append(element("td", "合计"));
  for (const [, field, show] of FIGURES) {
    total.append(element("td", show(summary), { class: "num", "data-field": field }));
  }
  body.append(total);
}

function warningRows(target, warnings, withDivision) {
  const body = target.querySelector("tbody");
  body.replaceChildren();
  for (const w of warnings) {
    const tr = element("tr", undefined, { "data-record": w.record_id, "data-kind": w.kind });
    const level = element("td");
    level.append(element("span", w.level === "red" ? "已超期" : "临期", { class: "level-" + w.level }));
    tr.append(level, element("td", KINDS[w.kind] || w.kind), element("td", w.title));
    if (withDivision) tr.append(element("td", state.names[w.division_code] || w.division_code));
    tr.append(element("td", w.due_at.slice(0, 16).replace("T", " ")));
    body.append(tr);
  }
}

function drawCharts(summary, previous) {
  if (!window.echarts) return;
  for (const chart of state.charts) chart.dispose();
  const bars = echarts.init($("chart-townships"));
  bars.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: ["受理投诉", "立案"] },
    xAxis: { type: "category", data: summary.townships.map((r) => r.name) },
    yAxis: { type: "value" },
    series: [
      { name: "受理投诉", type: "bar", data: summary.townships.map((r) => r.complaints?.received ?? 0) },
      { name: "立案", type: "bar", data: summary.townships.map((r) => r.cases?.filed ?? 0) },
    ],
  });
  const picks = [
    ["受理投诉", (f) => f.complaints?.received],
    ["立案", (f) => f.cases?.filed],
    ["作出决定", (f) => f.cases?.decided],
    ["持证人数", (f) => f.training?.certificate_holders],
    ["普法活动", (f) => f.training?.outreach_events],
  ];
  const trend = echarts.init($("chart-trend"));
  trend.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [String(state.year - 1), String(state.year)] },
    xAxis: { type: "category", data: picks.map(([label]) => label) },
    yAxis: { type: "value" },
    series: [
      { name: String(state.year - 1), type: "bar", data: picks.map(([, get]) => get(previous) ?? 0) },
      { name: String(state.year), type: "bar", data: picks.map(([, get]) => get(summary) ?? 0) },
    ],
  });
  state.charts = [bars, trend];
}

async function load() {
  document.body.dataset.loaded = "false";
  $("status").textContent = "加载中…";
  $("township").hidden = true;
  try {
    const [summary, previous, warnings] = await Promise.all([
      getJson("/api/v1/oversight/summary?year=" + state.year),
      getJson("/api/v1/oversight/summary?year=" + (state.year - 1)),
      getJson("/api/v1/oversight/warnings?page_size=200"),
    ]);
    state.summary = summary;
    $("scope-title").textContent = (state.names[state.me.division_code] || state.me.division_code) + " " + state.year + "年汇总";
    cards($("cards"), summary, previous);
    countyTable(summary);
    warningRows($("warnings"), warnings.warnings, true);
    $("warning-count").textContent = "（" + warnings.warnings.length + (warnings.next_page_token ? "+" : "") + " 条）";
    drawCharts(summary, previous);
    const missing = [...new Set([...summary.unavailable, ...warnings.unavailable])];
    $("status").textContent = "数据截至 " + new Date().toLocaleString("zh-CN") +
      (missing.length ? "；部分服务未响应：" + missing.join("、") : "");
    document.body.dataset.loaded = "true";
  } catch (error) {
    $("status").textContent = "加载失败：" + error.message;
    document.body.dataset.loaded = "error";
  }
}

async function township(row) {
  const section = $("township");
  section.dataset.loaded = "false";
  section.dataset.division = row.division_code;
  section.hidden = false;
  $("township-title").textContent = row.name + " " + state.year + "年";
  const code = encodeURIComponent(row.division_code);
  try {
    const [previous, warnings] = await Promise.all([
      getJson("/api/v1/oversight/summary?division=" + code + "&year=" + (state.year - 1)),
      getJson("/api/v1/oversight/warnings?page_size=200&division=" + code),
    ]);
    cards($("township-cards"), row, previous);
    warningRows($("township-warnings"), warnings.warnings, false);
    section.dataset.loaded = "true";
    section.scrollIntoView();
  } catch (error) {
    $("township-title").textContent = row.name + "：加载失败（" + error.message + "）";
    section.dataset.loaded = "error";
  }
}

async function openReport() {
  const code = encodeURIComponent($("township").dataset.division);
  const response = await api("/api/v1/reports/annual?format=html&division=" + code + "&year=" + state.year);
  const url = URL.createObjectURL(await response.blob());
  window.open(url, "_blank");
}

async function start() {
  const me = await getJson("/api/v1/auth/me");
  state.me = me;
  const divisions = await getJson("/api/v1/divisions");
  for (const d of divisions.divisions) state.names[d.code] = d.name;
  $("who-name").textContent = (state.names[me.division_code] || me.division_code) + " · " + me.subject.replace(/^account:/, "");
  $("login").hidden = true;
  $("who").hidden = false;
  $("board").hidden = false;
  await load();
}

function logout() {
  sessionStorage.removeItem("fazhi.token");
  state.token = null;
  $("board").hidden = true;
  $("who").hidden = true;
  $("login").hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  const chinaYear = new Date(Date.now() + 8 * 3600 * 1000).getUTCFullYear();
  const chosen = Number(new URLSearchParams(location.search).get("year")) || chinaYear;
  for (let y = chinaYear; y >= chinaYear - 5; y--) {
    const option = element("option", y + "年", { value: String(y) });
    if (y === chosen) option.selected = true;
    $("year").append(option);
  }
  state.year = chosen;
  $("year").addEventListener("change", () => {
    state.year = Number($("year").value);
    load();
  });
  $("logout").addEventListener("click", logout);
  $("township-close").addEventListener("click", () => { $("township").hidden = true; });
  $("township-report").addEventListener("click", () => openReport().catch((e) => alert(e.message)));
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("login-error").textContent = "";
    try {
      const response = await fetch("/api/v1/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: $("username").value, password: $("password").value }),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.detail || "登录失败");
      state.token = answer.access_token;
      sessionStorage.setItem("fazhi.token", state.token);
      await start();
    } catch (error) {
      $("login-error").textContent = error.message;
    }
  });
  if (state.token) start().catch(() => logout());
});
