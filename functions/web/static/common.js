// Shared by both pages: language (zh default, English toggle), the bearer token, API calls
// and the SVG map. Plain browser JavaScript, no build step, no third-party code.
"use strict";

const CR = (() => {
  const CONFIG = window.CAREROUTE_CONFIG || {};
  const API = new URL("../", location.href); // pages live at <api>/app/<file>
  const TOKEN_KEY = "careroute.token";
  const LANG_KEY = "careroute.lang";
  const SVG_NS = "http://www.w3.org/2000/svg";

  const TEXT = {
    zh: {
      lang: "English", signin: "登录", token_hint: "粘贴令牌（本地：careroute token --role steward --scope W0001）",
      use_token: "使用令牌", signout: "退出", loading: "加载中…", error: "出错了",
      steward_title: "今日路线", dashboard_title: "探访覆盖看板", date: "日期", month: "月份",
      stops: "站点", window: "时间窗", arrival: "预计到达", tier: "等级", tasks: "任务",
      no_route: "该日没有路线", depart: "出发", return: "返回", walk: "步行", bike: "骑行",
      outcome: "结果", notes: "备注", finding: "发现问题", severity: "紧急程度", none: "无",
      record: "记录", recorded: "已记录", queued: "待发送",
      outbox: "未发送", outbox_empty: "全部已发送", send_now: "立即发送", attempts: "尝试",
      rejected: "被拒绝", discard: "丢弃", offline: "离线", online: "在线",
      visited: "已探访", not_home: "不在家", refused: "拒绝", hospitalised: "住院",
      moved: "搬走", deceased: "去世",
      health: "健康", safety_hazard: "安全隐患", living_difficulty: "生活困难",
      subsidy_eligibility: "补贴资格", home_service_need: "居家服务需求", adaptation_need: "适老化改造需求",
      urgent: "紧急", high: "高", normal: "一般",
      mandatory: "必访", cover: "代班", retry: "重访",
      city: "全市", steward: "管家", district: "区", street: "街道", community: "社区",
      elders_due: "应访老人", elders_visited: "已访老人", visit_rate: "探访率",
      visits_made: "探访次数", overdue: "逾期未访", tickets_open: "待办工单",
      tickets_overdue: "超时工单", cadence: "等级频次达标", within_cadence: "按期",
      coverage_map: "覆盖地图", coverage_month: "本月覆盖进度", drill: "下钻",
      inspections: "巡查进度", elder: "老人", days_overdue: "逾期天数", deadline: "截止",
      last_visit: "上次探访", ticket: "工单", category: "类别", due: "到期", level: "层级",
      all: "合计", scope: "范围", no_rows: "无", insp_due: "应巡查", insp_done: "已巡查",
      insp_done_on_time: "按期完成", insp_open: "未完成", insp_overdue: "已逾期",
      circle: "15分钟服务圈", circle_share: "圈内占比", circle_elders: "老人", circle_within: "15分钟内",
      circle_outside: "圈外老人", circle_more: "另有", circle_none_outside: "无圈外老人",
      incidents: "紧急事件", incidents_open: "未结事件", incident_type: "类型", status: "状态",
      ack_due: "确认时限", report_month: "本月报告", inc_incidents: "事件", inc_ack_p50: "确认 p50 (分)",
      inc_ack_p90: "确认 p90 (分)", inc_arrive_p50: "到达 p50 (分)", inc_arrive_p90: "到达 p90 (分)",
      inc_ack_misses: "确认超时", inc_arrive_misses: "到达超时",
      fall_detected: "跌倒", one_key_call: "一键呼叫", smoke_alarm: "烟雾报警", no_movement: "长时间无活动",
      device_offline: "设备离线", new: "新建", dispatching: "派单中", dispatched: "已派单",
      acknowledged: "已确认", arrived: "已到达", closed: "已关闭",
      capacity: "月度人力预测", cap_communities: "人力不足的社区", cap_streets: "需外部支援的街道",
      cap_shortfall: "缺口 (小时)", cap_help: "已安排支援 (小时)", cap_uncovered: "仍无人承担 (小时)",
      cap_need: "需要 (小时)", cap_have: "可用 (小时)", cap_helpers: "支援来源 (小时)",
      cap_short_communities: "不足社区", cap_street_help: "街道内互助 (小时)", cap_outside: "需街道外支援 (小时)",
      cap_none: "本月各社区均可独立完成探访", cap_assumptions: "假设：尝试成功率 {s}，班次 {u} 用于探访；每次探访按截止日安排",
    },
    en: {
      lang: "中文", signin: "Sign in", token_hint: "Paste a token (locally: careroute token --role steward --scope W0001)",
      use_token: "Use token", signout: "Sign out", loading: "Loading…", error: "Error",
      steward_title: "Today's route", dashboard_title: "Visit coverage dashboard", date: "Date", month: "Month",
      stops: "Stops", window: "Window", arrival: "ETA", tier: "Tier", tasks: "Tasks",
      no_route: "No route for this date", depart: "Depart", return: "Return", walk: "walk", bike: "bike",
      outcome: "Outcome", notes: "Notes", finding: "Finding", severity: "Severity", none: "none",
      record: "Record", recorded: "Recorded", queued: "Queued",
      outbox: "Unsent", outbox_empty: "Everything sent", send_now: "Send now", attempts: "attempts",
      rejected: "Rejected", discard: "Discard", offline: "offline", online: "online",
      visited: "Visited", not_home: "Not home", refused: "Refused", hospitalised: "Hospitalised",
      moved: "Moved", deceased: "Deceased",
      health: "Health", safety_hazard: "Safety hazard", living_difficulty: "Living difficulty",
      subsidy_eligibility: "Subsidy eligibility", home_service_need: "Home-service need", adaptation_need: "Adaptation need",
      urgent: "Urgent", high: "High", normal: "Normal",
      mandatory: "due today", cover: "cover", retry: "retry",
      city: "City", steward: "Steward", district: "District", street: "Street", community: "Community",
      elders_due: "Elders due", elders_visited: "Elders visited", visit_rate: "Visit rate",
      visits_made: "Visits made", overdue: "Overdue elders", tickets_open: "Open tickets",
      tickets_overdue: "Overdue tickets", cadence: "Tier cadence compliance", within_cadence: "On cadence",
      coverage_map: "Coverage map", coverage_month: "Coverage over the month", drill: "Drill down",
      inspections: "Inspection progress", elder: "Elder", days_overdue: "Days overdue", deadline: "Deadline",
      last_visit: "Last visit", ticket: "Ticket", category: "Category", due: "Due", level: "Level",
      all: "All", scope: "Scope", no_rows: "none", insp_due: "Due", insp_done: "Done",
      insp_done_on_time: "On time", insp_open: "Open", insp_overdue: "Overdue",
      circle: "15-minute service circle", circle_share: "Share within", circle_elders: "Elders", circle_within: "Within 15 min",
      circle_outside: "Elders outside", circle_more: "more", circle_none_outside: "Nobody outside",
      incidents: "Urgent incidents", incidents_open: "Open incidents", incident_type: "Type", status: "Status",
      ack_due: "Ack due", report_month: "This month's report", inc_incidents: "Incidents", inc_ack_p50: "Ack p50 (min)",
      inc_ack_p90: "Ack p90 (min)", inc_arrive_p50: "Arrive p50 (min)", inc_arrive_p90: "Arrive p90 (min)",
      inc_ack_misses: "Ack misses", inc_arrive_misses: "Arrival misses",
      fall_detected: "Fall detected", one_key_call: "One-key call", smoke_alarm: "Smoke alarm", no_movement: "No movement",
      device_offline: "Device offline", new: "New", dispatching: "Dispatching", dispatched: "Dispatched",
      acknowledged: "Acknowledged", arrived: "Arrived", closed: "Closed",
      capacity: "Capacity forecast for the month", cap_communities: "Communities short", cap_streets: "Streets needing outside help",
      cap_shortfall: "Shortfall (h)", cap_help: "Help assigned (h)", cap_uncovered: "Left uncovered (h)",
      cap_need: "Needed (h)", cap_have: "Available (h)", cap_helpers: "Help from (h)",
      cap_short_communities: "Short communities", cap_street_help: "From the street (h)", cap_outside: "From outside the street (h)",
      cap_none: "Every community can do its month unaided", cap_assumptions: "Assumptions: {s} of tries succeed, {u} of a shift goes to visits; each visit on its deadline",
    },
  };

  let lang = localStorage.getItem(LANG_KEY) || "zh";
  const t = key => (TEXT[lang] && TEXT[lang][key]) || key;

  function applyText(root = document) {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    root.querySelectorAll("[data-t]").forEach(el => { el.textContent = t(el.dataset.t); });
    root.querySelectorAll("[data-t-placeholder]").forEach(el => { el.placeholder = t(el.dataset.tPlaceholder); });
  }

  function toggleLang(onChange) {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem(LANG_KEY, lang);
    applyText();
    if (onChange) onChange();
  }

  // Page options from the URL fragment (#token=...&date=...): the token leaves the address
  // bar at once and is kept in this browser only.
  function fragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.has("token")) {
      localStorage.setItem(TOKEN_KEY, params.get("token"));
      params.delete("token");
      history.replaceState(null, "", location.pathname + location.search + (params.toString() ? "#" + params : ""));
    }
    return params;
  }

  const token = () => localStorage.getItem(TOKEN_KEY);

  function claims() {
    const raw = token();
    if (!raw) return null;
    try {
      const part = raw.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = decodeURIComponent(escape(atob(part + "===".slice((part.length + 3) % 4))));
      const c = JSON.parse(json);
      if (c.exp && c.exp * 1000 < Date.now()) return null;
      return { sub: c.sub, role: c["custom:role"], scope: c["custom:scope"] || "" };
    } catch (e) {
      return null;
    }
  }

  // Sign-out forgets the token and the routes kept for offline reading (elders' names and
  // addresses); outcomes not yet sent stay queued, or a visit would be lost.
  function signOut() {
    localStorage.removeItem(TOKEN_KEY);
    Object.keys(localStorage).filter(k => k.startsWith("careroute.route.")).forEach(k => localStorage.removeItem(k));
    location.reload();
  }

  // The sign-in box: shown when there is no usable token.
  function signIn(box) {
    box.hidden = false;
    box.querySelector("button").onclick = () => {
      const value = box.querySelector("textarea").value.trim();
      if (value) { localStorage.setItem(TOKEN_KEY, value); location.reload(); }
    };
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || (body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  async function api(path, options = {}) {
    const headers = Object.assign({ Authorization: `Bearer ${token()}` }, options.headers || {});
    if (options.body) headers["Content-Type"] = "application/json";
    const response = await fetch(new URL(path, API), {
      method: options.method || "GET", headers, body: options.body, cache: "no-store",
    });
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children.flat()) if (c) node.append(c);
    return node;
  }

  // Web Mercator, so optional tiles line up with what the page draws itself.
  const mercX = lng => (lng + 180) / 360;
  const mercY = lat => {
    const s = Math.sin((lat * Math.PI) / 180);
    return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
  };

  // A projection of [lng, lat] points into a width x height box with a margin.
  function projection(points, width, height, margin = 24) {
    const xs = points.map(p => mercX(p[0])), ys = points.map(p => mercY(p[1]));
    let x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const span = Math.max(x1 - x0, y1 - y0, 1e-6);
    const scale = Math.min((width - 2 * margin) / Math.max(x1 - x0, span * 0.2),
                           (height - 2 * margin) / Math.max(y1 - y0, span * 0.2));
    const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const project = (lng, lat) => [width / 2 + (mercX(lng) - cx) * scale, height / 2 + (mercY(lat) - cy) * scale];
    project.scale = scale; project.cx = cx; project.cy = cy; project.width = width; project.height = height;
    return project;
  }

  // Optional base map: <image> tiles under the drawing, only when CONFIG.tileUrl is set.
  function tiles(project) {
    if (!CONFIG.tileUrl) return null;
    const z = Math.max(0, Math.min(18, Math.round(Math.log2(project.scale / 256))));
    const n = 2 ** z, size = project.scale / n;
    const left = project.cx - project.width / 2 / project.scale, top = project.cy - project.height / 2 / project.scale;
    const g = svg("g", { class: "tiles", opacity: "0.6" });
    for (let x = Math.floor(left * n); x <= Math.floor((left + project.width / project.scale) * n); x++) {
      for (let y = Math.floor(top * n); y <= Math.floor((top + project.height / project.scale) * n); y++) {
        const href = CONFIG.tileUrl.replace("{z}", z).replace("{x}", x).replace("{y}", y);
        g.append(svg("image", { href, x: (x / n - left) * project.scale, y: (y / n - top) * project.scale, width: size, height: size }));
      }
    }
    return g;
  }

  const pct = rate => (rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`);
  // Red (0 %) through amber to green (100 %).
  const rateColour = rate => (rate === null || rate === undefined ? "#bbb" : `hsl(${Math.round(120 * Math.max(0, Math.min(1, rate)))}, 65%, 45%)`);

  function localToday() {
    // Asia/Shanghai date, whatever the device's zone.
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map(x => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  return { CONFIG, TEXT, t, get lang() { return lang; }, applyText, toggleLang, fragment, token, claims,
           signIn, signOut, api, ApiError, el, svg, projection, tiles, pct, rateColour, localToday, uuid };
})();
