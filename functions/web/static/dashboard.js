// The officials' dashboard: monthly coverage of the viewer's scope with a drill-down
// (district -> street -> community), tier cadence compliance, overdue elders, tickets, a map
// of community and district outlines coloured by coverage (Leaflet), the month's coverage as a chart and the month's
// capacity forecast (who cannot do the month unaided, and who helps). Every number comes
// from the JWT API as it answers; nothing is computed here but shares and colours.
"use strict";

(async () => {
  const { t, el, svg } = CR;
  const TIERS = ["T1", "T2", "T3", "ALL"];
  const TIER_COLOUR = { T1: "#c62828", T2: "#ef6c00", T3: "#2e7d32", ALL: "#1565c0" };
  const MAX_COMMUNITY_READS = 250; // beyond this the map colours communities by their child scope
  const params = await CR.start().catch(e => { console.warn("sign-in:", e.message); return new URLSearchParams(location.hash.slice(1)); });
  const who = CR.who();
  const monthInput = document.getElementById("month");
  const TOP = { city_admin: "city", district_official: "district", street_official: "street" };
  let geo = null;          // GET /map of the viewer's own scope
  let outlines = null;     // GET /map/outlines of the viewer's own scope (GeoJSON)
  let path = [];           // drill-down: scopes from the viewer's own to the one shown
  let view = null;         // what the current scope's requests returned

  CR.applyText();
  document.getElementById("lang").onclick = () => CR.toggleLang(render);
  document.getElementById("signout").onclick = CR.signOut;
  if (!who || !TOP[who.role]) { CR.signIn(document.getElementById("signin")); return; }
  document.getElementById("board").hidden = false;
  const own = who.role === "city_admin" ? "city" : `${TOP[who.role]}:${who.scope}`;

  const q = (path, query) => `${path}?${new URLSearchParams(query)}`;
  const kindOf = scope => scope.split(":")[0];
  const idOf = scope => scope.split(":")[1];

  function nameOf(scope) {
    const [kind, id] = scope.split(":");
    if (kind === "city") return t("city");
    const list = { district: geo.districts, street: geo.streets, community: geo.communities }[kind] || [];
    const found = list.find(x => x[`${kind}_id`] === id);
    return found ? `${found.name} (${id})` : id;
  }

  // The scopes one level inside `scope`, from the map document.
  function children(scope) {
    const [kind, id] = scope.split(":");
    if (kind === "city") return geo.districts.map(d => `district:${d.district_id}`);
    if (kind === "district") return geo.streets.filter(s => s.district_id === id).map(s => `street:${s.street_id}`);
    if (kind === "street") return geo.communities.filter(c => c.street_id === id).map(c => `community:${c.community_id}`);
    return [];
  }

  function communitiesIn(scope) {
    const [kind, id] = scope.split(":");
    return geo.communities.filter(c => kind === "city" || c[`${kind}_id`] === id);
  }

  const allRow = coverage => coverage.tiers.find(r => r.tier === "ALL");

  async function pool(items, work, width = 6) {
    const results = new Array(items.length);
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) { const i = next++; results[i] = await work(items[i]); }
    }));
    return results;
  }

  async function load() {
    const scope = path[path.length - 1];
    const month = monthInput.value;
    const kids = children(scope);
    const inScope = communitiesIn(scope);
    const [coverage, overdue, open, late, daily, kidRows] = await Promise.all([
      CR.api(q("coverage", { month, scope })),
      CR.api(q("overdue", { scope, limit: 20 })),
      CR.api(q("tickets", { scope, status: "open", limit: 20 })),
      CR.api(q("tickets", { scope, status: "overdue", limit: 1 })),
      CR.api(q("coverage/daily", { month, scope })),
      pool(kids, k => CR.api(q("coverage", { month, scope: k }))),
    ]);
    // The map's colour per community: its own coverage when the scope is small enough.
    let communityRates = {};
    if (kindOf(scope) === "street") {
      kids.forEach((k, i) => { communityRates[idOf(k)] = allRow(kidRows[i]).visit_rate; });
    } else if (inScope.length <= MAX_COMMUNITY_READS) {
      const rows = await pool(inScope, c => CR.api(q("coverage", { month, scope: `community:${c.community_id}` })));
      inScope.forEach((c, i) => { communityRates[c.community_id] = allRow(rows[i]).visit_rate; });
    } else {
      kids.forEach((k, i) => { for (const c of communitiesIn(k)) communityRates[c.community_id] = allRow(kidRows[i]).visit_rate; });
    }
    view = { scope, coverage, overdue, open, late, daily, kids, kidRows, communityRates };
    render();
  }

  function table(node, head, rows) {
    node.replaceChildren(
      el("thead", {}, el("tr", {}, head.map(([key, num]) => el("th", { class: num ? "num" : null, text: t(key) })))),
      el("tbody", {}, rows.length ? rows : [el("tr", {}, el("td", { colspan: head.length, class: "muted", text: t("no_rows") }))]));
  }

  function renderCrumbs() {
    document.getElementById("crumbs").replaceChildren(...path.map((s, i) =>
      el("button", { class: i === path.length - 1 ? null : "plain", "data-scope": s, text: nameOf(s),
                     onclick: () => { path = path.slice(0, i + 1); load().catch(fail); } })));
  }

  function renderFigures() {
    const all = allRow(view.coverage);
    const set = (id, v) => { document.querySelector(`[data-testid=${id}]`).textContent = v; };
    set("elders_due", all.elders_due);
    set("elders_visited", all.elders_visited);
    set("visit_rate", CR.pct(all.visit_rate));
    set("visits_made", all.visits_made);
    set("overdue_count", view.overdue.count);
    set("tickets_open", view.open.count);
    set("tickets_overdue", view.late.count);
  }

  function renderTiers() {
    // The list is one page (the most overdue first); the counts per tier are of them all.
    const overdueBy = { ...view.overdue.by_tier, ALL: view.overdue.count };
    table(document.getElementById("tiers"),
      [["tier"], ["elders_due", 1], ["elders_visited", 1], ["visit_rate", 1], ["overdue", 1], ["within_cadence", 1]],
      view.coverage.tiers.map(r => {
        const late = overdueBy[r.tier] || 0;
        const onTime = r.elders_due ? CR.pct(Math.max(0, r.elders_due - late) / r.elders_due) : "–";
        return el("tr", { "data-tier": r.tier },
          el("td", {}, el("span", { class: `badge ${r.tier}`, text: r.tier === "ALL" ? t("all") : r.tier })),
          el("td", { class: "num", "data-col": "elders_due", text: r.elders_due }),
          el("td", { class: "num", "data-col": "elders_visited", text: r.elders_visited }),
          el("td", { class: "num", "data-col": "visit_rate", text: CR.pct(r.visit_rate) }),
          el("td", { class: "num", "data-col": "overdue", text: late }),
          el("td", { class: "num", "data-col": "within_cadence", text: onTime }));
      }));
  }

  function renderChildren() {
    table(document.getElementById("children"),
      [["scope"], ["elders_due", 1], ["elders_visited", 1], ["visit_rate", 1], ["visits_made", 1]],
      view.kids.map((k, i) => {
        const r = allRow(view.kidRows[i]);
        return el("tr", { class: "drill", "data-scope": k, onclick: () => { path.push(k); load().catch(fail); } },
          el("td", { text: nameOf(k) }),
          el("td", { class: "num", "data-col": "elders_due", text: r.elders_due }),
          el("td", { class: "num", "data-col": "elders_visited", text: r.elders_visited }),
          el("td", { class: "num", "data-col": "visit_rate", text: CR.pct(r.visit_rate) }),
          el("td", { class: "num", "data-col": "visits_made", text: r.visits_made }));
      }));
  }

  // The coverage map (Leaflet, vendored: no CDN): each community's share of its district
  // coloured by the month's coverage, the district outlines over them (GET /map/outlines).
  // Base tiles only when CONFIG.tileUrl is set; by default the outlines alone.
  let leaflet = null;      // the Leaflet map, made on the first render
  let drawn = null;        // the outlines drawn for the scope shown
  function renderMap() {
    const scope = view.scope;
    const shown = new Set(communitiesIn(scope).map(c => c.community_id));
    const districts = new Set(geo.communities.filter(c => shown.has(c.community_id)).map(c => c.district_id));
    const districtRate = {};
    if (kindOf(scope) === "city") view.kids.forEach((k, i) => { districtRate[idOf(k)] = allRow(view.kidRows[i]).visit_rate; });
    if (!leaflet) {
      leaflet = L.map("map", { attributionControl: Boolean(CR.CONFIG.tileAttribution), zoomSnap: 0.25 });
      if (CR.CONFIG.tileUrl) {
        L.tileLayer(CR.CONFIG.tileUrl, { attribution: CR.CONFIG.tileAttribution || "", maxZoom: 19 }).addTo(leaflet);
      }
    }
    if (drawn) drawn.remove();
    const isDistrict = f => f.properties.kind === "district";
    const features = outlines.features.filter(f => isDistrict(f) ? districts.has(f.properties.district_id) : shown.has(f.properties.community_id));
    // Communities first, so the district outlines lie on top of them.
    features.sort((a, b) => isDistrict(a) - isDistrict(b));
    drawn = L.geoJSON(features, {
      style: f => isDistrict(f)
        ? { className: "outline", color: "#37474f", weight: 2, fill: false }
        : { className: "community", color: "#fff", weight: 1, fillColor: CR.rateColour(view.communityRates[f.properties.community_id]), fillOpacity: 0.6 },
      onEachFeature: (f, layer) => {
        const p = f.properties;
        if (isDistrict(f)) {
          const rate = districtRate[p.district_id];
          layer.bindTooltip(rate === undefined ? p.name : `${p.name} ${CR.pct(rate)}`,
            { permanent: kindOf(scope) === "city", direction: "center", className: "label" });
        } else {
          layer.bindTooltip(`${p.name} ${CR.pct(view.communityRates[p.community_id])}`);
        }
      },
    }).addTo(leaflet);
    leaflet.fitBounds(drawn.getBounds(), { padding: [8, 8] });
    // The paths exist once the map has a view: each says what it outlines (as the tables do).
    drawn.eachLayer(layer => {
      const p = layer.feature.properties;
      layer.getElement().dataset[p.kind] = p[`${p.kind}_id`];
    });
  }

  function renderChart() {
    const chart = document.getElementById("chart");
    const days = view.daily.days, due = view.daily.elders_due;
    const W = 600, H = 300, L = 40, R = 10, T = 10, B = 28;
    const x = i => L + (days.length > 1 ? (i / (days.length - 1)) : 0.5) * (W - L - R);
    const y = v => T + (1 - v) * (H - T - B);
    const nodes = [];
    for (const v of [0, 0.25, 0.5, 0.75, 1]) {
      nodes.push(svg("line", { class: "grid", x1: L, x2: W - R, y1: y(v), y2: y(v) }), svg("text", { x: 4, y: y(v) + 4, text: `${v * 100}%` }));
    }
    nodes.push(svg("line", { class: "axis", x1: L, x2: W - R, y1: y(0), y2: y(0) }));
    days.forEach((d, i) => { if (i % 5 === 0 || i === days.length - 1) nodes.push(svg("text", { x: x(i) - 8, y: H - 8, text: d.date.slice(8) })); });
    for (const tier of TIERS) {
      if (!due[tier]) continue;
      const pts = days.map((d, i) => `${x(i).toFixed(1)},${y(d[tier] / due[tier]).toFixed(1)}`).join(" ");
      nodes.push(svg("polyline", { points: pts, fill: "none", stroke: TIER_COLOUR[tier], "stroke-width": tier === "ALL" ? 3 : 1.5, "data-tier": tier }));
    }
    const last = days[days.length - 1];
    chart.replaceChildren(...nodes);
    chart.dataset.lastAll = last ? last.ALL : "";
    document.getElementById("chart-legend").replaceChildren(...TIERS.filter(k => due[k]).map(k =>
      el("span", {}, el("i", { class: "swatch", style: `background:${TIER_COLOUR[k]}` }), `${k === "ALL" ? t("all") : k} ${last ? last[k] : 0}/${due[k]}`)));
  }

  function renderLists() {
    table(document.getElementById("overdue"), [["elder"], ["community"], ["tier"], ["deadline"], ["days_overdue", 1]],
      view.overdue.elders.slice(0, 20).map(e => el("tr", {},
        el("td", { text: e.elder_id }), el("td", { text: e.community_id }), el("td", { text: e.tier }),
        el("td", { text: e.deadline || "–" }), el("td", { class: "num", text: e.days_overdue ?? "–" }))));
    table(document.getElementById("tickets"), [["elder"], ["category"], ["severity"], ["level"], ["due"]],
      view.open.tickets.slice(0, 20).map(k => el("tr", { class: k.overdue ? "error" : null },
        el("td", { text: k.elder_id }), el("td", { text: t(k.category) }), el("td", { text: t(k.severity) }),
        el("td", { text: t(k.level) }), el("td", { text: k.due_at.slice(0, 16).replace("T", " ") }))));
  }

  // Inspection progress comes from another service: shown only while its endpoint answers.
  // It reports the city or a district; a street or community view asks for its district.
  async function probeInspections() {
    const panel = document.getElementById("inspections");
    let data;
    try {
      data = await CR.api(q(CR.CONFIG.inspectionsPath || "inspections/progress", { scope: districtScope(), month: monthInput.value }));
    } catch (e) {
      panel.hidden = true; // not deployed (yet) or not for this viewer: no panel
      return;
    }
    const cols = ["due", "done", "done_on_time", "open", "overdue"];
    const rows = [{ ...data.total, district_id: "ALL" }, ...(data.districts || [])];
    const node = el("table", { "data-testid": "inspections-table" });
    table(node, [["scope"], ...cols.map(c => [`insp_${c}`, 1])], rows.map(r => el("tr", { "data-district": r.district_id },
      el("td", { text: r.district_id === "ALL" ? t("all") : nameOf(`district:${r.district_id}`) }),
      cols.map(c => el("td", { class: "num", "data-col": c, text: r[c] ?? "–" })))));
    document.getElementById("inspections-body").replaceChildren(node);
    panel.hidden = false;
  }

  // The district the scope shown lies in (the city stays the city): the programme panels
  // below report the city or one district, a row per district.
  function districtScope() {
    const scope = path[path.length - 1];
    const kind = kindOf(scope);
    if (kind === "city" || kind === "district") return scope;
    const place = kind === "street" ? geo.streets.find(s => s.street_id === idOf(scope))
      : geo.communities.find(c => c.community_id === idOf(scope));
    return `district:${(place || {}).district_id}`;
  }

  // One programme's panel (`id`, `id`-body): GET `api` for the district of the scope shown,
  // a row for the total when the answer has one and a row per district, one column per
  // [label key, value of a row]. Hidden while the endpoint does not answer (not deployed,
  // not for this viewer).
  async function probeProgramme(id, api, query, cols) {
    const panel = document.getElementById(id);
    let data;
    try {
      data = await CR.api(q(api, { scope: districtScope(), ...query }));
    } catch (e) {
      panel.hidden = true;
      return;
    }
    const rows = [...(data.total ? [{ ...data.total, district_id: "ALL" }] : []), ...(data.districts || [])];
    const node = el("table", { "data-testid": `${id}-table` });
    table(node, [["scope"], ...cols.map(([key]) => [key, 1])], rows.map(r => el("tr", { "data-district": r.district_id },
      el("td", { text: r.district_id === "ALL" ? t("all") : nameOf(`district:${r.district_id}`) }),
      cols.map(([key, value]) => el("td", { class: "num", "data-col": key, text: value(r) ?? "–" })))));
    document.getElementById(`${id}-body`).replaceChildren(node);
    panel.hidden = false;
  }

  // Care institutions (GET /institutions: ratings from their latest inspections), needs
  // assessments (GET /assessments/summary) and benefit claims (GET /benefits/summary, the
  // month shown): the figures docs/programmes.md describes.
  const probeInstitutions = () => probeProgramme("institutions", CR.CONFIG.institutionsPath || "institutions", {}, [
    ["inst_count", r => r.institutions], ["inst_beds", r => r.beds], ["inst_occupied", r => r.occupied_beds],
    ["inst_occupancy", r => CR.pct(r.occupancy)],
    ["inst_stars", r => `${r.by_stars.slice(1).join(" / ")} (${r.by_stars[0]})`], ["inst_mean_stars", r => r.mean_stars]]);
  const probeAssessments = () => probeProgramme("assessments", CR.CONFIG.assessmentsPath || "assessments/summary", {}, [
    ["asm_open", r => r.open], ["asm_overdue", r => r.overdue], ["asm_done", r => r.done],
    ["asm_disabled", r => r.by_care_level.disabled || 0], ["asm_bed", r => r.bed_eligible]]);
  const probeBenefits = () => probeProgramme("benefits", CR.CONFIG.benefitsPath || "benefits/summary", { month: monthInput.value }, [
    ["ben_claims", r => r.claims], ["ben_applied", r => r.by_status.applied || 0], ["ben_decided", r => r.decided],
    ["ben_on_time", r => (r.decided ? CR.pct(r.decided_on_time / r.decided) : null)],
    ["ben_waiting_late", r => r.waiting_late], ["ben_paid", r => r.yuan_paid]]);

  // Home care beds of the scope shown in the month (GET /oversight/beds, recomputed from the
  // beds and their service visit records): beds accepted, due and served (one service in
  // every month), misses, visits and hours. Feature-detected: hidden while it does not answer.
  async function probeBeds() {
    const panel = document.getElementById("beds");
    let data;
    try {
      data = await CR.api(q(CR.CONFIG.bedsPath || "oversight/beds", { scope: view.scope, month: monthInput.value }));
    } catch (e) {
      panel.hidden = true;
      return;
    }
    const figures = [["beds_accepted", data.beds.accepted], ["beds_due", data.beds_due], ["beds_served", data.beds_served], ["beds_pending", data.pending],
      ["beds_share", `${data.percent}%`], ["beds_monthly_misses", data.monthly_misses], ["beds_cadence_misses", data.cadence_misses],
      ["beds_visits", data.visits_served], ["beds_hours", data.service_hours]];
    const node = el("table", { "data-testid": "beds-table" });
    table(node, figures.map(([key]) => [key, 1]), [el("tr", {}, figures.map(([key, value]) => el("td", { class: "num", "data-col": key, text: value })))]);
    document.getElementById("beds-body").replaceChildren(node);
    panel.hidden = false;
  }

  // The month's programmes in the scope shown, each recomputed from its records by its own
  // service: service hours (GET /oversight/service-hours), meals and their subsidy (GET
  // /meals/subsidies), day care and respite (GET /oversight/day-care, per district: a street
  // or community view shows its district's). A row is shown while its endpoint answers.
  async function probeProgrammes() {
    const panel = document.getElementById("programmes");
    const scope = path[path.length - 1];
    const district = districtScope();
    const month = monthInput.value;
    const ask = p => CR.api(p).catch(() => null);
    const [hours, meals, care] = await Promise.all([
      ask(q("oversight/service-hours", { scope, month })),
      ask(q("meals/subsidies", { scope, month })),
      ask(q("oversight/day-care", { scope: district, month })),
    ]);
    const rows = [];
    if (hours) {
      const h = hours.hours_by_programme;
      rows.push(["prog_hours", `${hours.hours} (${h.free_hours} / ${h.self_paid} / ${h.home_care_bed})`]);
    }
    if (meals) rows.push(["prog_meals", `${meals.meals_delivered} / ${meals.meals_dine_in} / ${meals.subsidy_yuan}`]);
    if (care) rows.push(["prog_day_care", `${care.day_places_booked} / ${care.day_places_offered}, ${CR.pct(care.day_occupancy)}; ${care.respite_nights_booked}`]);
    if (!rows.length) { panel.hidden = true; return; }
    const node = el("table", { "data-testid": "programmes-table" });
    table(node, [["prog_name"], ["prog_value", 1]], rows.map(([key, text]) =>
      el("tr", { "data-programme": key }, el("td", { text: t(key) }), el("td", { class: "num", text }))));
    document.getElementById("programmes-body").replaceChildren(node);
    panel.hidden = false;
  }

  // The 15-minute service circle of the scope shown: the share of its elders within 15
  // minutes' walk of a service facility and one row per scope one level down (click to drill
  // down, as in the coverage table), from the coverage reports already read (their
  // `service_circle`, the daily count); for a street or community also the ids of the elders
  // outside (GET /service-circle, which counts on request: small scopes only). Shown while
  // the coverage report carries the figure; the ids while their endpoint answers.
  async function probeCircle() {
    const panel = document.getElementById("circle");
    const scope = view.scope;
    const total = view.coverage.service_circle;
    if (!total) { panel.hidden = true; return; }
    let outside = null;
    if (kindOf(scope) === "street" || kindOf(scope) === "community") {
      try {
        outside = (await CR.api(q(CR.CONFIG.circlePath || "service-circle", { scope }))).total.outside;
      } catch (e) {
        outside = null; // figures without the ids
      }
      if (view.scope !== scope) return; // drilled elsewhere meanwhile: that view's probe fills it
    }
    const cell = (col, text) => el("td", { class: "num", "data-col": col, text });
    const node = el("table", { id: "circle-table", "data-testid": "circle-table" });
    table(node, [["scope"], ["circle_elders", 1], ["circle_within", 1], ["circle_share", 1]], [
      el("tr", { "data-scope": scope }, el("td", { text: t("all") }),
        cell("elders", total.elders), cell("within", total.within), cell("share", CR.pct(total.share))),
      ...view.kids.map((k, i) => {
        const r = view.kidRows[i].service_circle || { elders: "–", within: "–", share: null };
        return el("tr", { class: "drill", "data-scope": k, onclick: () => { path.push(k); load().catch(fail); } },
          el("td", { text: nameOf(k) }), cell("elders", r.elders), cell("within", r.within), cell("share", CR.pct(r.share)));
      }),
    ]);
    const parts = [
      el("div", { class: "figure" }, el("div", { class: "muted", text: `${t("circle_share")} (${total.as_of})` }),
        el("div", { class: "value", "data-testid": "circle_share", text: CR.pct(total.share) })),
      node,
    ];
    if (Array.isArray(outside)) {
      const shown = outside.slice(0, 60);
      const more = outside.length - shown.length;
      parts.push(el("h3", { text: `${t("circle_outside")} (${outside.length})` }),
        el("p", { class: "ids", "data-testid": "circle-outside", "data-count": outside.length },
          outside.length ? shown.join(" ") + (more > 0 ? ` … ${t("circle_more")} ${more}` : "") : t("circle_none_outside")));
    }
    document.getElementById("circle-body").replaceChildren(...parts);
    panel.hidden = false;
  }

  // Urgent incidents of the scope (救援跟踪): the month's open incidents and its response
  // report (by type; minutes to acknowledge and to arrive, p50/p90; deadline misses).
  async function probeIncidents() {
    const panel = document.getElementById("incidents");
    const scope = view.scope, month = monthInput.value;
    let open, report;
    try {
      [open, report] = await Promise.all([
        CR.api(q(CR.CONFIG.incidentsPath || "incidents", { scope, month, open: "true" })),
        CR.api(q(CR.CONFIG.incidentReportPath || "incident-report", { scope, month })),
      ]);
    } catch (e) {
      panel.hidden = true;
      return;
    }
    if (view.scope !== scope) return;
    const cols = ["incidents", "ack_minutes_p50", "ack_minutes_p90", "arrive_minutes_p50", "arrive_minutes_p90", "ack_misses", "arrive_misses"];
    const keys = ["inc_incidents", "inc_ack_p50", "inc_ack_p90", "inc_arrive_p50", "inc_arrive_p90", "inc_ack_misses", "inc_arrive_misses"];
    const rows = [["ALL", report.total], ...Object.entries(report.by_type)];
    const reportTable = el("table", { id: "incident-report", "data-testid": "incident-report" });
    table(reportTable, [["incident_type"], ...keys.map(k => [k, 1])], rows.map(([type, f]) =>
      el("tr", { "data-type": type }, el("td", { text: type === "ALL" ? t("all") : t(type) }),
        cols.map(c => el("td", { class: "num", "data-col": c, text: f[c] ?? "–" })))));
    const openTable = el("table", { id: "incidents-open", "data-testid": "incidents-open" });
    table(openTable, [["elder"], ["incident_type"], ["severity"], ["status"], ["level"], ["ack_due"]],
      open.incidents.slice(0, 20).map(i => el("tr", { "data-incident": i.incident_id },
        el("td", { text: i.elder_id }), el("td", { text: t(i.event_type) }), el("td", { text: t(i.severity) }),
        el("td", { text: t(i.status) }), el("td", { text: t(i.level) }),
        el("td", { text: i.ack_due_at.slice(0, 16).replace("T", " ") }))));
    document.getElementById("incidents-body").replaceChildren(
      el("div", { class: "figure" }, el("div", { class: "muted", text: t("incidents_open") }),
        el("div", { class: "value", "data-testid": "incidents_open", text: open.count })),
      openTable, el("h3", { text: t("report_month") }), reportTable);
    panel.hidden = false;
  }

  // The month's capacity forecast of the scope (GET /oversight/capacity): the communities
  // that cannot do their month's visits unaided and who helps them, and the streets whose
  // communities cannot cover each other. Read before the month starts; hidden when the
  // route does not answer. Helpers never cross a district, so the city's forecast is its
  // districts' together: the city view asks per district (each answer stays small and
  // quick) and shows one row per district, which drills down like the coverage table.
  async function probeCapacity() {
    const panel = document.getElementById("capacity");
    const scope = view.scope, month = monthInput.value;
    const parts = kindOf(scope) === "city" ? view.kids : [scope];
    let answers;
    try {
      answers = await pool(parts, s => CR.api(q(CR.CONFIG.capacityPath || "oversight/capacity", { month, scope: s })));
    } catch (e) {
      panel.hidden = true;
      return;
    }
    if (view.scope !== scope || monthInput.value !== month) return;
    const sum = key => answers.reduce((total, a) => total + a[key], 0);
    const hours = key => Number(sum(key).toFixed(1));
    const byShortfall = (a, b) => b.shortfall_hours - a.shortfall_hours || a.community_id.localeCompare(b.community_id);
    const communityRows = answers.flatMap(a => a.community_rows).sort(byShortfall);
    const streetRows = answers.flatMap(a => a.street_rows);
    const figure = (key, id, value) => el("div", { class: "figure" }, el("div", { class: "muted", text: t(key) }),
      el("div", { class: "value", "data-testid": id, text: value }));
    const cell = (col, text) => el("td", { class: "num", "data-col": col, text });
    const body = [
      figure("cap_communities", "capacity_communities", `${sum("flagged_communities")}/${sum("communities")}`),
      figure("cap_streets", "capacity_streets", `${sum("flagged_streets")}/${sum("streets")}`),
      figure("cap_shortfall", "capacity_shortfall", hours("shortfall_hours")),
      figure("cap_help", "capacity_help", hours("help_hours")),
      figure("cap_uncovered", "capacity_uncovered", hours("uncovered_hours")),
    ];
    if (kindOf(scope) === "city") {
      const districts = el("table", { id: "capacity-districts", "data-testid": "capacity-districts" });
      table(districts, [["district"], ["cap_communities", 1], ["cap_shortfall", 1], ["cap_help", 1], ["cap_uncovered", 1]],
        answers.map((a, i) => el("tr", { class: "drill", "data-scope": parts[i], onclick: () => { path.push(parts[i]); load().catch(fail); } },
          el("td", { text: nameOf(parts[i]) }), cell("communities", `${a.flagged_communities}/${a.communities}`),
          cell("shortfall_hours", a.shortfall_hours), cell("help_hours", a.help_hours), cell("uncovered_hours", a.uncovered_hours))));
      body.push(districts);
    }
    if (communityRows.length) {
      const communities = el("table", { id: "capacity-communities", "data-testid": "capacity-communities" });
      table(communities, [["community"], ["street"], ["cap_need", 1], ["cap_have", 1], ["cap_shortfall", 1], ["cap_helpers"], ["cap_uncovered", 1]],
        communityRows.slice(0, 20).map(c => el("tr", { "data-community": c.community_id, class: c.uncovered_hours > 0 ? "error" : null },
          el("td", { text: `${c.name} (${c.community_id})` }), el("td", { text: c.street }),
          cell("hours_required", c.hours_required), cell("hours_available", c.hours_available),
          cell("shortfall_hours", c.shortfall_hours),
          el("td", { "data-col": "help", text: c.help.map(h => `${h.from_community} ${h.hours} (${t(h.level)})`).join("; ") || "–" }),
          cell("uncovered_hours", c.uncovered_hours))));
      body.push(el("h3", { text: t("cap_communities") }), communities);
    } else {
      body.push(el("p", { class: "muted", text: t("cap_none") }));
    }
    if (streetRows.length) {
      const streets = el("table", { id: "capacity-streets", "data-testid": "capacity-streets" });
      table(streets, [["street"], ["cap_short_communities", 1], ["cap_shortfall", 1], ["cap_street_help", 1], ["cap_outside", 1]],
        streetRows.map(s => el("tr", { "data-street": s.street_id },
          el("td", { text: `${s.street} (${s.street_id})` }), cell("short_communities", s.short_communities.length),
          cell("shortfall_hours", s.shortfall_hours), cell("street_help_hours", s.street_help_hours),
          cell("outside_help_hours", s.outside_help_hours))));
      body.push(el("h3", { text: t("cap_streets") }), streets);
    }
    const assumed = answers[0] ? answers[0].assumptions : { attempt_success: null, usable_share: null };
    body.push(el("p", { class: "muted", "data-testid": "capacity-assumptions",
      text: t("cap_assumptions").replace("{s}", CR.pct(assumed.attempt_success)).replace("{u}", CR.pct(assumed.usable_share)) }));
    document.getElementById("capacity-body").replaceChildren(...body);
    panel.hidden = false;
  }

  // The exports' texts, kept here beside the panel that shows them: [中文, English].
  Object.assign(CR.TEXT, {
    exports: ["导出数据", "Export the numbers"],
    export_what: ["内容", "Contents"],
    export_coverage: ["本月探访覆盖率 (按风险等级)", "The month's coverage per risk tier"],
    export_overdue: ["逾期未访老人", "Overdue elders"],
    export_tickets: ["待办工单", "Open tickets"],
    export_misses: ["本月漏访老人 (含原因)", "Elders missed this month (with causes)"],
    export_note: ["表头为中文；不含姓名、地址和电话", "Chinese headers; no names, addresses or phone numbers"],
    export_writing: ["正在生成文件…", "Writing the file…"],
  });

  // The numbers of the scope shown as CSV or XLSX files (GET /exports/coverage, /overdue:
  // the same reads as the panels above; /misses: the month's missed elders with their
  // causes), one button per export and format. The tickets (a city's are thousands) are a
  // file written in the background: `writeInBackground` asks for it, reads the job until it
  // is done and saves the file its link leads to.
  // Feature-detected: hidden while the coverage export does not answer.
  const EXPORTS = [
    ["export_coverage", "exports/coverage", () => ({ scope: view.scope, month: monthInput.value })],
    ["export_overdue", "exports/overdue", () => ({ scope: view.scope })],
    ["export_tickets", "exports/tickets", () => ({ scope: view.scope, status: "open" }), true],
    ["export_misses", "exports/misses", () => ({ scope: view.scope, month: monthInput.value })],
  ];

  async function probeExports() {
    const panel = document.getElementById("exports");
    try {
      await CR.api(q("exports/coverage", { scope: view.scope, month: monthInput.value, format: "csv" }));
    } catch (e) {
      panel.hidden = true;
      return;
    }
    const node = el("table", { "data-testid": "exports-table" });
    const status = el("p", { class: "muted", "data-testid": "export-status" });
    table(node, [["export_what"], ["csv"], ["xlsx"]], EXPORTS.map(([key, api, query, background]) =>
      el("tr", { "data-export": api.split("/")[1] }, el("td", { text: t(key) }),
        ["csv", "xlsx"].map(format => el("td", {}, el("button", {
          class: "plain", "data-format": format, text: format.toUpperCase(),
          onclick: () => (background ? writeInBackground(api, { ...query(), format }, status)
            : download(q(api, { ...query(), format }))).catch(fail) }))))));
    document.getElementById("exports-body").replaceChildren(node, status, el("p", { class: "muted", text: t("export_note") }));
    panel.hidden = false;
  }

  // A file from the API, fetched with the signed-in user's token and saved under the name
  // the API gives it (Content-Disposition).
  async function download(path) {
    await CRAuth.fresh();
    const response = await fetch(new URL(path, new URL("../", location.href)), {
      headers: { Authorization: `Bearer ${CRAuth.token()}` }, cache: "no-store" });
    if (!response.ok) throw new CR.ApiError(response.status, await response.json().catch(() => null));
    const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    save(URL.createObjectURL(await response.blob()), named ? named[1] : "export");
  }

  // A file written in the background (POST, then GET exports/jobs/{id} every second until
  // done or failed): the link the job gives is the private bucket's, valid for minutes, and
  // its answer is an attachment under the export's name.
  async function writeInBackground(api, asked, status) {
    status.textContent = t("export_writing");
    try {
      let job = await CR.api(api, { method: "POST", body: JSON.stringify(asked) });
      while (job.status === "pending") {
        await new Promise(resolve => setTimeout(resolve, 1000));
        job = await CR.api(`exports/jobs/${encodeURIComponent(job.job_id)}`);
      }
      if (job.status !== "done") throw new Error(job.error || job.status);
      save(job.download_url, job.file_name);
    } finally {
      status.textContent = "";
    }
  }

  function save(href, name) {
    const link = el("a", { href, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    if (href.startsWith("blob:")) setTimeout(() => URL.revokeObjectURL(href), 10000);
  }

  function render() {
    CR.applyText();
    if (!view) return;
    renderCrumbs(); renderFigures(); renderTiers(); renderChildren(); renderMap(); renderChart(); renderLists();
    document.body.dataset.ready = view.scope;
    probeInspections().finally(() => { document.body.dataset.inspections = view.scope; });
    probeInstitutions().finally(() => { document.body.dataset.institutions = view.scope; });
    probeAssessments().finally(() => { document.body.dataset.assessments = view.scope; });
    probeBenefits().finally(() => { document.body.dataset.benefits = view.scope; });
    probeBeds().finally(() => { document.body.dataset.beds = view.scope; });
    probeProgrammes().finally(() => { document.body.dataset.programmes = view.scope; });
    const shown = view.scope;
    probeCircle().finally(() => { document.body.dataset.circle = shown; });
    probeIncidents().finally(() => { document.body.dataset.incidents = shown; });
    probeCapacity().finally(() => { document.body.dataset.capacity = shown; });
    probeExports().finally(() => { document.body.dataset.exports = shown; });
  }

  function fail(e) {
    document.getElementById("crumbs").replaceChildren(el("span", { class: "error", text: `${t("error")}: ${e.message}` }));
  }

  monthInput.value = params.get("month") || CR.localToday().slice(0, 7);
  monthInput.onchange = () => load().catch(fail);
  Promise.all([CR.api(q("map", { scope: own })), CR.api(q("map/outlines", { scope: own }))]).then(([doc, shapes]) => {
    geo = doc;
    outlines = shapes;
    path = [own];
    const start = params.get("scope");
    if (start && start !== own) path.push(start); // e.g. #scope=street:S001 from a link
    return load();
  }).catch(fail);
})();
