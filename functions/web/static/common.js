// Shared by both pages: language (zh default, English toggle), signing in (auth.js), API
// calls and the SVG map. Plain browser JavaScript, no build step, no third-party code.
"use strict";

const CR = (() => {
  const CONFIG = window.CAREROUTE_CONFIG || {};
  const API = new URL("../", location.href); // pages live at <api>/app/<file>
  const ROUTE_CACHE = "careroute-routes"; // the service worker's copy of fetched routes
  const LANG_KEY = "careroute.lang";
  const SVG_NS = "http://www.w3.org/2000/svg";
  const LANGS = ["zh", "en"]; // the order of the two texts in each TEXT entry

  // Every text in both languages side by side, so none can lack one: [中文, English].
  const TEXT = {
    lang: ["English", "中文"],
    signin: ["登录", "Sign in"],
    signin_hint: ["请用您的账号登录。", "Please sign in with your account."],
    signin_off: ["此部署未配置登录。", "Sign-in is not set up for this deployment."],
    kept_copy: ["本机保存的路线：登录后才会发送记录", "The route kept on this phone: outcomes are sent once you sign in"],
    signout: ["退出", "Sign out"],
    loading: ["加载中…", "Loading…"],
    error: ["出错了", "Error"],
    steward_title: ["今日路线", "Today's route"],
    dashboard_title: ["探访覆盖看板", "Visit coverage dashboard"],
    date: ["日期", "Date"],
    month: ["月份", "Month"],
    stops: ["站点", "Stops"],
    window: ["时间窗", "Window"],
    arrival: ["预计到达", "ETA"],
    tier: ["等级", "Tier"],
    tasks: ["任务", "Tasks"],
    no_route: ["该日没有路线", "No route for this date"],
    depart: ["出发", "Depart"],
    return: ["返回", "Return"],
    walk: ["步行", "walk"],
    bike: ["骑行", "bike"],
    outcome: ["结果", "Outcome"],
    notes: ["备注", "Notes"],
    finding: ["发现问题", "Finding"],
    severity: ["紧急程度", "Severity"],
    none: ["无", "none"],
    record: ["记录", "Record"],
    recorded: ["已记录", "Recorded"],
    queued: ["待发送", "Queued"],
    outbox: ["未发送", "Unsent"],
    outbox_empty: ["全部已发送", "Everything sent"],
    send_now: ["立即发送", "Send now"],
    attempts: ["尝试", "attempts"],
    rejected: ["被拒绝", "Rejected"],
    discard: ["丢弃", "Discard"],
    offline: ["离线", "offline"],
    online: ["在线", "online"],
    visited: ["已探访", "Visited"],
    not_home: ["不在家", "Not home"],
    refused: ["拒绝", "Refused"],
    hospitalised: ["住院", "Hospitalised"],
    moved: ["搬走", "Moved"],
    deceased: ["去世", "Deceased"],
    phone_contact: ["电话联系", "Phone contact"],
    video_contact: ["视频联系", "Video contact"],
    call_elder: ["致电老人", "Call the elder"],
    call_guardian: ["致电联系人", "Call the contact"],
    benefit_tasks: ["待申请待遇", "Benefits to apply for"],
    yuan_month: ["元/月", "yuan/month"],
    subsistence: ["低保状态", "Subsistence status"],
    subsistence_allowance: ["低保", "Subsistence allowance"],
    extreme_poverty: ["特困", "Extreme poverty"],
    low_income: ["低收入", "Low income"],
    mark_applied: ["已协助申请", "Applied"],
    applied: ["已申请", "Applied"],
    health: ["健康", "Health"],
    safety_hazard: ["安全隐患", "Safety hazard"],
    living_difficulty: ["生活困难", "Living difficulty"],
    subsidy_eligibility: ["补贴资格", "Subsidy eligibility"],
    home_service_need: ["居家服务需求", "Home-service need"],
    adaptation_need: ["适老化改造需求", "Adaptation need"],
    urgent: ["紧急", "Urgent"],
    high: ["高", "High"],
    normal: ["一般", "Normal"],
    mandatory: ["必访", "due today"],
    cover: ["代班", "cover"],
    retry: ["重访", "retry"],
    city: ["全市", "City"],
    steward: ["管家", "Steward"],
    district: ["区", "District"],
    street: ["街道", "Street"],
    community: ["社区", "Community"],
    elders_due: ["应访老人", "Elders due"],
    elders_visited: ["已访老人", "Elders visited"],
    visit_rate: ["探访率", "Visit rate"],
    visits_made: ["探访次数", "Visits made"],
    overdue: ["逾期未访", "Overdue elders"],
    tickets_open: ["待办工单", "Open tickets"],
    tickets_overdue: ["超时工单", "Overdue tickets"],
    cadence: ["等级频次达标", "Tier cadence compliance"],
    within_cadence: ["按期", "On cadence"],
    coverage_map: ["覆盖地图", "Coverage map"],
    coverage_month: ["本月覆盖进度", "Coverage over the month"],
    drill: ["下钻", "Drill down"],
    inspections: ["巡查进度", "Inspection progress"],
    elder: ["老人", "Elder"],
    days_overdue: ["逾期天数", "Days overdue"],
    deadline: ["截止", "Deadline"],
    last_visit: ["上次探访", "Last visit"],
    ticket: ["工单", "Ticket"],
    category: ["类别", "Category"],
    due: ["到期", "Due"],
    level: ["层级", "Level"],
    all: ["合计", "All"],
    scope: ["范围", "Scope"],
    no_rows: ["无", "none"],
    insp_due: ["应巡查", "Due"],
    insp_done: ["已巡查", "Done"],
    insp_done_on_time: ["按期完成", "On time"],
    insp_open: ["未完成", "Open"],
    insp_overdue: ["已逾期", "Overdue"],
    institutions: ["养老机构床位与星级", "Care institutions: beds and star ratings"],
    inst_count: ["机构数", "Institutions"],
    inst_beds: ["床位", "Beds"],
    inst_occupied: ["在住", "Occupied"],
    inst_occupancy: ["入住率", "Occupancy"],
    inst_stars: ["一至五星 (未评)", "1-5 stars (not rated)"],
    inst_mean_stars: ["平均星级", "Mean stars"],
    assessments: ["能力评估", "Needs assessments"],
    asm_open: ["待评估", "Open"],
    asm_overdue: ["已逾期", "Overdue"],
    asm_done: ["已评估", "Done"],
    asm_disabled: ["失能", "Disabled"],
    asm_bed: ["可申请家庭床位", "Bed eligible"],
    benefits: ["政策待遇审批发放", "Benefits approved and paid"],
    ben_claims: ["已告知", "Notified"],
    ben_applied: ["待审批", "Awaiting decision"],
    ben_decided: ["已审批", "Decided"],
    ben_on_time: ["当日审批率", "Decided on time"],
    ben_waiting_late: ["超时未批", "Waiting late"],
    ben_paid: ["本月发放(元)", "Paid this month (yuan)"],
    beds_panel: ["家庭养老床位", "Home care beds"],
    beds_accepted: ["已验收床位", "Accepted beds"],
    beds_due: ["本月应服务", "Due this month"],
    beds_served: ["已服务", "Served"],
    beds_pending: ["待服务", "Not yet served"],
    beds_share: ["服务率", "Served share"],
    beds_monthly_misses: ["本月未服务", "Not served this month"],
    beds_cadence_misses: ["超周期", "Cadence gaps"],
    beds_visits: ["上门服务次数", "Service visits"],
    beds_hours: ["服务小时", "Service hours"],
    programmes_panel: ["服务项目", "Programmes"],
    prog_name: ["项目", "Programme"],
    prog_hours: ["居家服务小时 (免费 / 自费 / 床位)", "Service hours (free / self-paid / beds)"],
    prog_meals: ["助餐 (送餐 / 堂食 / 补贴元)", "Meals (delivered / dine-in / subsidy yuan)"],
    prog_day_care: ["日间照料 (已订 / 可订, 入住率; 托养夜)", "Day care (booked / offered, occupancy; respite nights)"],
    prog_value: ["数值", "Figures"],
    circle: ["15分钟服务圈", "15-minute service circle"],
    circle_share: ["圈内占比", "Share within"],
    circle_elders: ["老人", "Elders"],
    circle_within: ["15分钟内", "Within 15 min"],
    circle_outside: ["圈外老人", "Elders outside"],
    circle_more: ["另有", "more"],
    circle_none_outside: ["无圈外老人", "Nobody outside"],
    incidents: ["紧急事件", "Urgent incidents"],
    incidents_open: ["未结事件", "Open incidents"],
    incident_type: ["类型", "Type"],
    status: ["状态", "Status"],
    ack_due: ["确认时限", "Ack due"],
    report_month: ["本月报告", "This month's report"],
    inc_incidents: ["事件", "Incidents"],
    inc_ack_p50: ["确认 p50 (分)", "Ack p50 (min)"],
    inc_ack_p90: ["确认 p90 (分)", "Ack p90 (min)"],
    inc_arrive_p50: ["到达 p50 (分)", "Arrive p50 (min)"],
    inc_arrive_p90: ["到达 p90 (分)", "Arrive p90 (min)"],
    inc_ack_misses: ["确认超时", "Ack misses"],
    inc_arrive_misses: ["到达超时", "Arrival misses"],
    fall_detected: ["跌倒", "Fall detected"],
    one_key_call: ["一键呼叫", "One-key call"],
    smoke_alarm: ["烟雾报警", "Smoke alarm"],
    no_movement: ["长时间无活动", "No movement"],
    device_offline: ["设备离线", "Device offline"],
    new: ["新建", "New"],
    dispatching: ["派单中", "Dispatching"],
    dispatched: ["已派单", "Dispatched"],
    acknowledged: ["已确认", "Acknowledged"],
    arrived: ["已到达", "Arrived"],
    closed: ["已关闭", "Closed"],
    capacity: ["月度人力预测", "Capacity forecast for the month"],
    cap_communities: ["人力不足的社区", "Communities short"],
    cap_streets: ["需外部支援的街道", "Streets needing outside help"],
    cap_shortfall: ["缺口 (小时)", "Shortfall (h)"],
    cap_help: ["已安排支援 (小时)", "Help assigned (h)"],
    cap_uncovered: ["仍无人承担 (小时)", "Left uncovered (h)"],
    cap_need: ["需要 (小时)", "Needed (h)"],
    cap_have: ["可用 (小时)", "Available (h)"],
    cap_helpers: ["支援来源 (小时)", "Help from (h)"],
    cap_short_communities: ["不足社区", "Short communities"],
    cap_street_help: ["街道内互助 (小时)", "From the street (h)"],
    cap_outside: ["需街道外支援 (小时)", "From outside the street (h)"],
    cap_none: ["本月各社区均可独立完成探访", "Every community can do its month unaided"],
    cap_assumptions: ["假设：尝试成功率 {s}，班次 {u} 用于探访；每次探访按截止日安排", "Assumptions: {s} of tries succeed, {u} of a shift goes to visits; each visit on its deadline"],
  };

  let lang = localStorage.getItem(LANG_KEY) || "zh";
  const t = key => (TEXT[key] && TEXT[key][LANGS.indexOf(lang)]) || key;

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

  // Sign in (or finish signing in), then the page options from the URL fragment.
  const start = () => CRAuth.start();
  const who = () => CRAuth.who();
  const lastUser = () => CRAuth.lastUser();

  // The copy of an API answer the service worker kept (the steward's route), read without
  // the network and without a token; null when none was kept.
  async function kept(path) {
    if (!window.caches) return null;
    const copy = await caches.match(new URL(path, API).toString(), { cacheName: ROUTE_CACHE, ignoreVary: true });
    return copy ? copy.json() : null;
  }

  // Sign-out forgets the tokens and the routes kept for offline reading (elders' names and
  // addresses); outcomes not yet sent stay queued, or a visit would be lost.
  async function signOut() {
    Object.keys(localStorage).filter(k => k.startsWith("careroute.route.")).forEach(k => localStorage.removeItem(k));
    if (window.caches) await caches.delete(ROUTE_CACHE);
    await CRAuth.signOut();
  }

  // The sign-in box, shown when nobody is signed in: one button to the issuer's page.
  function signIn(box) {
    box.hidden = false;
    box.querySelector("button").onclick = () => CRAuth.signIn().catch(e => {
      box.querySelector("p").textContent = `${t("signin_off")} (${e.message})`;
    });
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error && body.error.message) || (body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body;
    }
  }

  // One API call with the signed-in user's ID token, refreshed first when it is about to
  // expire; a 401 (revoked, expired meanwhile) refreshes once and tries again.
  async function api(path, options = {}) {
    await CRAuth.fresh();
    let response = await call(path, options);
    if (response.status === 401 && CRAuth.canRefresh) {
      await CRAuth.refresh();
      response = await call(path, options);
    }
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  function call(path, options) {
    const headers = Object.assign({ Authorization: `Bearer ${CRAuth.token()}` }, options.headers || {});
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(new URL(path, API), { method: options.method || "GET", headers, body: options.body, cache: "no-store" });
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

  return { CONFIG, TEXT, t, get lang() { return lang; }, applyText, toggleLang, start, who, lastUser, kept,
           signIn, signOut, api, ROUTE_CACHE, ApiError, el, svg, projection, tiles, pct, rateColour, localToday, uuid };
})();
