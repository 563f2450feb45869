"""GET /docs: a self-contained page that renders /openapi.json, every API function's
operations grouped by tag (no CDN, works offline)."""

DOCS_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CareRoute API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
h2{margin-top:2rem;border-bottom:1px solid #ccc}
.op{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold;color:#fff;text-align:center;
border-radius:4px;margin-right:.5rem}
.GET{background:#2a7ab0}.POST{background:#2f9e44}.PATCH{background:#d9822b}.PUT{background:#8a63d2}
code{background:#f4f4f4;padding:0 .2rem}pre{background:#f7f7f7;padding:.5rem;overflow:auto}
summary{cursor:pointer}
</style></head><body>
<h1 id="title">CareRoute API</h1>
<p>Every operation needs <code>Authorization: Bearer &lt;ID token&gt;</code>; the machine
description is at <a href="openapi.json">openapi.json</a>.</p>
<div id="ops">Loading…</div>
<script>
const esc = s => String(s).replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",
  '"':"&quot;"}[c]));
const json = v => "<pre>" + esc(JSON.stringify(v, null, 2)) + "</pre>";
fetch("openapi.json").then(r => r.json()).then(doc => {
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags || ["other"])[0];
      const m = method.toUpperCase();
      let html = `<div class="op"><p><span class="m ${m}">${m}</span><code>${esc(path)}</code>
        ${esc(op.summary || "")}</p>`;
      if (op.description) html += `<p>${esc(op.description)}</p>`;
      if (op.parameters) html += "<details><summary>parameters</summary>" +
        json(op.parameters) + "</details>";
      if (op.requestBody) html += "<details><summary>body</summary>" +
        json(op.requestBody) + "</details>";
      html += "<details><summary>responses</summary>" + json(op.responses) + "</details></div>";
      (byTag[tag] = byTag[tag] || []).push(html);
    }
  }
  let html = "";
  for (const tag of Object.keys(byTag).sort()) {
    html += `<h2>${esc(tag)}</h2>` + byTag[tag].join("");
  }
  html += "<h2>Schemas</h2>" + json((doc.components || {}).schemas || {});
  document.getElementById("ops").innerHTML = html;
}).catch(e => { document.getElementById("ops").textContent = "cannot load: " + e; });
</script></body></html>
"""
