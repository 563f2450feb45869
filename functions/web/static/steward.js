// The steward's day: the route on a map and in order, and an outcome form that survives a
// flaky network. Each outcome is queued in localStorage with its own Idempotency-Key the
// moment it is recorded, and sent (again and again, always with the SAME key) until the API
// accepts it; a retry after a lost answer therefore never stores a second visit. A benefit
// the steward helped the elder apply for goes through the same outbox (the claim's "apply"
// step: a repeat of it is answered with the claim as it is). Each stop offers a call to the
// elder and the guardian when the route gives their numbers. An elder found gone to hospital
// is recorded with the hospital (nearest to the stop first, or "unknown"): the outcome's
// `stay`; a stop the route plans at a hospital (its `stay`) says so, and its "visited" posts
// the same stay. A service worker (sw.js) keeps the page, the last routes fetched, the claims
// and the hospitals, so the page opens with no signal.
"use strict";

(async () => {
  const { t, el, svg } = CR;
  const OUTCOMES = ["visited", "not_home", "refused", "hospitalised", "moved", "deceased", "phone_contact", "video_contact"];
  const FINDINGS = ["health", "safety_hazard", "living_difficulty", "subsidy_eligibility", "home_service_need", "adaptation_need"];
  const SEVERITIES = ["normal", "high", "urgent"];
  const RETRY_MS = [2000, 4000, 8000, 15000, 30000];
  const SUBSISTENCE = ["subsistence_allowance", "extreme_poverty", "low_income", "none"];
  const CLAIMS_PATH = "benefits/claims?status=notified"; // the steward's community's open claims
  const HOSPITALS_PATH = "hospitals"; // the city's hospitals, by id (sorted per stop here)
  const STAYING = "stay"; // the hospital choice's value for the stop's current stay, not listed
  Object.assign(CR.TEXT, {
    hospital: ["医院", "Hospital"],
    hospital_unknown: ["不清楚", "Unknown"],
    in_hospital: ["在医院", "In hospital"],
  });

  const params = await CR.start().catch(e => { console.warn("sign-in:", e.message); return new URLSearchParams(location.hash.slice(1)); });
  // Signed in in this tab; or not, but this phone's steward: their kept route, sign-in asked.
  const who = CR.who() || (CR.lastUser() && CR.lastUser().role === "steward" ? CR.lastUser() : null);
  const signedIn = Boolean(CR.who());
  const dateInput = document.getElementById("date");
  let route = null;
  let claims = []; // benefit claims waiting for the steward's help (notified)
  let hospitals = []; // [{hospital_id, name, district_id, lat, lng}], for the hospitalised outcome
  let timer = null;
  let sending = false;
  let answered = true; // did the last call get an answer? (navigator.onLine may not know)

  CR.applyText();
  document.getElementById("lang").onclick = () => CR.toggleLang(render);
  document.getElementById("signout").onclick = CR.signOut;
  if (!who || !["steward", "city_admin"].includes(who.role)) {
    CR.signIn(document.getElementById("signin"));
    document.getElementById("summary").textContent = "";
    return;
  }
  if (!signedIn) CR.signIn(document.getElementById("signin"));
  const stewardId = who.role === "steward" ? who.scope : params.get("steward") || "";
  const outboxKey = `careroute.outbox.${stewardId}`;
  const sentKey = `careroute.sent.${stewardId}`;

  // ---- the outbox: [{key, date, body, queued_at, attempts, error, rejected}]; a benefit
  // step also has its `path` and `claim` ({claim_id, elder_id, rule_id}); an outcome has none.
  const load = (key, fallback) => { try { return JSON.parse(localStorage.getItem(key)) ?? fallback; } catch (e) { return fallback; } };
  const outbox = () => load(outboxKey, []);
  const saveOutbox = items => localStorage.setItem(outboxKey, JSON.stringify(items));
  const sent = () => load(sentKey, {});

  function markSent(item, visit) {
    const all = sent();
    if (item.claim) all[`claim/${item.claim.claim_id}`] = { step: item.body.step };
    else all[`${item.date}/${item.body.elder_id}`] = { outcome: item.body.outcome, visit_id: visit && visit.visit_id };
    localStorage.setItem(sentKey, JSON.stringify(all));
  }

  function enqueue(stop, form) {
    const data = new FormData(form);
    const body = {
      elder_id: stop.elder_id,
      outcome: data.get("outcome"),
      visited_at: new Date().toISOString(),
      notes: (data.get("notes") || "").toString(),
      findings: data.get("category") ? [{ category: data.get("category"), severity: data.get("severity") || "normal", note: "" }] : [],
    };
    if (stop.cover && stop.community_id) body.community_id = stop.community_id;
    // The stop's reference (ids and tier), sent back as the route gave it: an API container
    // that has not read the route records the outcome without reading it (it checks it).
    if (stop.stop_ref) body.stop_ref = stop.stop_ref;
    const stay = stayOf(stop, body.outcome, data.get("hospital"));
    if (stay) body.stay = stay;
    queue({ date: route.date, body });
  }

  // "Applied": the steward helped the elder apply for a notified benefit on this visit (with
  // the certified subsistence status a means-tested benefit needs, and the visit when sent).
  function enqueueStep(claim, subsistence) {
    const body = { step: "apply" };
    if (subsistence) body.subsistence = subsistence;
    const visit = sent()[`${route.date}/${claim.elder_id}`];
    if (visit && visit.visit_id) body.visit_id = visit.visit_id;
    const { claim_id, elder_id, rule_id } = claim;
    queue({ date: route.date, path: `benefits/claims/${encodeURIComponent(claim_id)}/steps`, claim: { claim_id, elder_id, rule_id }, body });
  }

  // Where the elder is staying, as the outcome says it: the hospital picked for
  // "hospitalised" (none when "unknown"), the stop's own stay for "visited" there.
  function stayOf(stop, outcome, hospitalId) {
    if (outcome === "hospitalised") {
      const hospital = hospitals.find(h => h.hospital_id === hospitalId);
      if (hospital) return { place: hospital.name, lat: hospital.lat, lng: hospital.lng };
      return hospitalId === STAYING && stop.stay ? stop.stay : null;
    }
    return outcome === "visited" && stop.stay ? stop.stay : null;
  }

  function queue(item) {
    const items = outbox();
    items.push({ key: CR.uuid(), ...item, queued_at: Date.now(), attempts: 0, error: null, rejected: false });
    saveOutbox(items);
    render();
    flush();
  }

  // Send every queued outcome, oldest first, each with the key it was given when queued.
  async function flush() {
    if (sending || !signedIn) return; // without a session, outcomes wait for the sign-in
    sending = true;
    clearTimeout(timer);
    let wait = null;
    try {
      for (const item of outbox().filter(i => !i.rejected)) {
        let outcome;
        try {
          const visit = await CR.api(item.path || "visits", { method: "POST", body: JSON.stringify(item.body), headers: { "Idempotency-Key": item.key } });
          outcome = { done: true, visit };
          answered = true;
        } catch (e) {
          const status = e instanceof CR.ApiError ? e.status : 0;
          answered = status !== 0;
          // 0 (no answer), 401 (signed out meanwhile: kept for the next sign-in), 408, 429
          // and 5xx: try again later with the same key; any other 4xx will never be
          // accepted: keep it visible as rejected, don't resend.
          const transient = [0, 401, 408, 429].includes(status) || status >= 500;
          outcome = { done: false, transient, error: status ? `${status} ${e.message}` : t("offline") };
        }
        const items = outbox();
        const index = items.findIndex(i => i.key === item.key);
        if (index < 0) continue;
        if (outcome.done) {
          markSent(items[index], outcome.visit);
          items.splice(index, 1);
        } else {
          items[index].attempts += 1;
          items[index].error = outcome.error;
          items[index].rejected = !outcome.transient;
          if (outcome.transient) wait = RETRY_MS[Math.min(items[index].attempts - 1, RETRY_MS.length - 1)];
        }
        saveOutbox(items);
        render();
        if (wait !== null) break; // the network is down: keep the order, try later
      }
    } finally {
      sending = false;
    }
    if (wait !== null) timer = setTimeout(flush, wait);
  }

  // ---- the route (offline, the service worker answers with the copy it kept)
  async function loadRoute() {
    const day = dateInput.value;
    document.getElementById("summary").textContent = t("loading");
    try {
      const path = `stewards/${encodeURIComponent(stewardId)}/routes/${day}`;
      [route, claims, hospitals] = await Promise.all([signedIn ? CR.api(path) : CR.kept(path), openClaims(), cityHospitals()]);
      if (!route) throw new CR.ApiError(404, null);
    } catch (e) {
      route = null;
      document.getElementById("summary").textContent = e.status === 404 ? t("no_route") : `${t("error")}: ${e.message}`;
      document.getElementById("stops").replaceChildren();
      document.getElementById("map").replaceChildren();
      return;
    }
    render();
  }

  // The claims another service keeps: when it does not answer (or for an admin reading a
  // steward's route), the stops just show no benefit to apply for.
  async function openClaims() {
    if (who.role !== "steward") return [];
    try {
      return (signedIn ? await CR.api(CLAIMS_PATH) : await CR.kept(CLAIMS_PATH)) || [];
    } catch (e) {
      console.warn("benefit claims unavailable:", e.message);
      return [];
    }
  }

  // The hospitals for the hospitalised outcome; without an answer only "unknown" is offered.
  async function cityHospitals() {
    try {
      const list = signedIn ? await CR.api(HOSPITALS_PATH) : await CR.kept(HOSPITALS_PATH);
      return (list && list.hospitals) || [];
    } catch (e) {
      console.warn("hospitals unavailable:", e.message);
      return [];
    }
  }

  // Metres between two points (haversine): orders the hospitals from a stop.
  function metres(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad, dLng = (b.lng - a.lng) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  // The hospital choice: "unknown" first (the steward may not know yet), then the stop's
  // current stay when it is not a listed hospital, then the hospitals nearest to the stop
  // (the elder's home, or the hospital the route plans the visit at) first. The current
  // stay is picked to begin with, else "unknown".
  function hospitalChoice(stop) {
    const near = hospitals.map(h => ({ h, m: metres(stop, h) })).sort((a, b) => a.m - b.m || (a.h.hospital_id < b.h.hospital_id ? -1 : 1));
    const listed = stop.stay && hospitals.some(h => h.name === stop.stay.place);
    return el("label", { class: "hospital", hidden: true }, t("hospital"), " ",
      el("select", { name: "hospital", "data-testid": "hospital" },
        el("option", { value: "", text: t("hospital_unknown") }),
        stop.stay && !listed ? el("option", { value: STAYING, selected: true, text: stop.stay.place }) : null,
        near.map(({ h, m }) => el("option", { value: h.hospital_id, selected: Boolean(stop.stay && h.name === stop.stay.place),
          text: `${h.name} · ${(m / 1000).toFixed(1)} km` }))));
  }

  // The service worker, installed on the first visit; that visit waits (briefly) until it
  // controls the page, so the route it fetches is kept too.
  async function offlineReady() {
    if (!("serviceWorker" in navigator)) return;
    try {
      await navigator.serviceWorker.register("sw.js");
      if (navigator.serviceWorker.controller) return;
      await new Promise(resolve => {
        navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true });
        setTimeout(resolve, 3000);
      });
    } catch (e) {
      console.warn("offline copy unavailable:", e.message);
    }
  }

  function stopState(stop) {
    const key = `${route.date}/${stop.elder_id}`;
    const queued = outbox().find(i => !i.claim && `${i.date}/${i.body.elder_id}` === key);
    if (queued) return queued.rejected ? "rejected" : "queued";
    return sent()[key] ? "recorded" : null;
  }

  function claimState(claim) {
    const queued = outbox().find(i => i.claim && i.claim.claim_id === claim.claim_id);
    if (queued) return queued.rejected ? "rejected" : "queued";
    return sent()[`claim/${claim.claim_id}`] ? "applied" : null;
  }

  // tel: links only for what looks like a phone number (digits, +, -, spaces).
  const tel = number => /^\+?[0-9][0-9 -]{2,29}$/.test(number.trim()) ? `tel:${number.replace(/[ -]/g, "")}` : null;

  function calls(stop) {
    const elder = stop.phone && tel(stop.phone);
    const guardian = stop.guardian_phone && tel(stop.guardian_phone);
    if (!elder && !guardian) return null;
    return el("div", { class: "calls" },
      elder ? el("a", { class: "call", href: elder, "data-testid": "call-elder", text: `☎ ${t("call_elder")}` }) : null,
      guardian ? el("a", { class: "call", href: guardian, "data-testid": "call-guardian", text: `☎ ${t("call_guardian")}${stop.guardian ? ` · ${stop.guardian}` : ""}` }) : null);
  }

  function benefitTasks(stop) {
    const open = claims.filter(c => c.elder_id === stop.elder_id);
    if (!open.length) return null;
    return el("div", { class: "benefits", "data-testid": "benefits" }, `${t("benefit_tasks")}:`, open.map(claim => {
      const state = claimState(claim);
      const label = `${claim.rule_id} · ${claim.yuan} ${t("yuan_month")}`;
      const action = state
        ? el("span", { class: `state ${state === "applied" ? "recorded" : state}`, text: t(state), "data-testid": "claim-state" })
        : el("span", { class: "apply" },
          el("select", { name: "subsistence", "aria-label": t("subsistence") },
            el("option", { value: "", text: t("subsistence") }), SUBSISTENCE.map(s => el("option", { value: s, text: t(s) }))),
          el("button", { type: "button", text: t("mark_applied"), "data-testid": "apply",
            onclick: e => enqueueStep(claim, e.target.previousElementSibling.value) }));
      return el("div", { class: "task", "data-claim": claim.claim_id }, label, " ", action);
    }));
  }

  function drawMap(states) {
    const map = document.getElementById("map");
    const depot = [route.depot.lng, route.depot.lat];
    const points = [depot, ...route.stops.map(s => [s.lng, s.lat])];
    const project = CR.projection(points, 600, 420, 30);
    const path = [depot, ...route.stops.map(s => [s.lng, s.lat]), depot].map(p => project(p[0], p[1]).map(v => v.toFixed(1)).join(",")).join(" ");
    const [dx, dy] = project(...depot);
    map.replaceChildren(
      ...[CR.tiles(project)].filter(Boolean),
      svg("polyline", { class: "walk", points: path }),
      svg("rect", { class: "depot", x: dx - 7, y: dy - 7, width: 14, height: 14 }, svg("title", { text: t("depart") })),
      ...route.stops.map((s, i) => {
        const [x, y] = project(s.lng, s.lat);
        return svg("g", { class: `stop${states[i] === "recorded" ? " done" : ""}`, "data-seq": s.sequence },
          svg("circle", { cx: x, cy: y, r: 14 }), svg("text", { x, y, text: s.sequence }));
      }),
    );
  }

  function stopItem(stop, state) {
    const flags = [stop.mandatory && "mandatory", stop.cover && "cover", stop.retry && "retry"].filter(Boolean);
    const hospital = hospitalChoice(stop);
    const form = el("form", { onsubmit: e => { e.preventDefault(); enqueue(stop, e.target); } },
      el("label", {}, t("outcome"), " ", el("select", { name: "outcome", onchange: e => { hospital.hidden = e.target.value !== "hospitalised"; } },
        OUTCOMES.map(o => el("option", { value: o, text: t(o) })))),
      hospital,
      el("label", {}, t("finding"), " ", el("select", { name: "category" }, el("option", { value: "", text: t("none") }), FINDINGS.map(f => el("option", { value: f, text: t(f) })))),
      el("label", {}, t("severity"), " ", el("select", { name: "severity" }, SEVERITIES.map(s => el("option", { value: s, text: t(s) })))),
      el("textarea", { name: "notes", placeholder: t("notes"), maxlength: 2000 }),
      el("button", { type: "submit", text: t("record") }));
    return el("li", { class: state === "recorded" ? "done" : "", "data-elder": stop.elder_id, "data-seq": stop.sequence },
      el("div", {}, el("span", { class: "seq", text: stop.sequence }),
        el("strong", { text: stop.name || stop.elder_id }), " ",
        el("span", { class: `badge ${stop.tier}`, text: stop.tier, "data-testid": "tier" }),
        flags.map(f => el("span", { class: "badge flag", text: t(f) })),
        state ? el("span", { class: `state ${state}`, text: t(state), "data-testid": "state" }) : null),
      el("div", { class: "muted", text: stop.address || "" }),
      stop.stay ? el("div", { class: "stay", "data-testid": "stay", text: `${t("in_hospital")}: ${stop.stay.place}` }) : null,
      calls(stop),
      el("div", {}, `${t("window")} `, el("span", { "data-testid": "window", text: `${stop.window.start}–${stop.window.end}` }),
        ` · ${t("arrival")} `, el("span", { "data-testid": "arrival", text: stop.arrival }),
        ` · ${t(route.mode || "walk")} ${stop.travel_minutes} min`),
      (stop.tasks || []).length ? el("div", {}, `${t("tasks")}: `, el("span", { "data-testid": "tasks", text: stop.tasks.join(", ") })) : null,
      benefitTasks(stop),
      state === "recorded" || state === "queued" ? null : el("details", {}, el("summary", { text: t("record") }), form));
  }

  function renderOutbox() {
    const items = outbox();
    document.getElementById("outbox-count").textContent = items.length;
    document.getElementById("outbox-list").replaceChildren(...(items.length ? items.map(i => el("li", { "data-key": i.key, "data-attempts": i.attempts },
      `${i.claim ? `${i.claim.elder_id} · ${t("applied")} ${i.claim.rule_id}` : `${i.body.elder_id} · ${t(i.body.outcome)}`} · ${t("attempts")} ${i.attempts}`,
      i.error ? el("span", { class: i.rejected ? "error" : "muted", text: ` · ${i.rejected ? t("rejected") + ": " : ""}${i.error}` }) : null,
      i.rejected ? el("button", { class: "plain", text: t("discard"), onclick: () => { saveOutbox(outbox().filter(x => x.key !== i.key)); render(); } }) : null))
      : [el("li", { class: "muted", text: t("outbox_empty") })]));
    const net = document.getElementById("net");
    const online = navigator.onLine && answered;
    net.textContent = online ? t("online") : t("offline");
    net.classList.toggle("off", !online);
  }

  function render() {
    CR.applyText();
    renderOutbox();
    if (!route) return;
    const states = route.stops.map(stopState);
    document.getElementById("summary").textContent =
      `${route.steward_id} · ${route.date} · ${t("stops")} ${route.stops.length} · ${t("depart")} ${route.depart} · ${t("return")} ${route["return"]}` +
      (signedIn ? "" : ` · ${t("kept_copy")}`);
    drawMap(states);
    document.getElementById("stops").replaceChildren(...route.stops.map((s, i) => stopItem(s, states[i])));
  }

  dateInput.value = params.get("date") || CR.localToday();
  dateInput.onchange = loadRoute;
  document.getElementById("send-now").onclick = flush;
  addEventListener("online", () => { render(); flush(); });
  addEventListener("offline", renderOutbox);
  renderOutbox();
  await offlineReady();
  document.body.dataset.offlineReady = navigator.serviceWorker && navigator.serviceWorker.controller ? "yes" : "no";
  loadRoute().then(flush);
})();
