// Deployment settings for the web pages. Nothing here is fetched from the internet unless
// tileUrl is set: the maps are drawn from the project's own data (community points,
// district outlines) and are useful without tiles.
window.CAREROUTE_CONFIG = {
  // Optional base-map tiles, e.g. "https://tiles.example.org/{z}/{x}/{y}.png" (off: "").
  tileUrl: "",
  tileAttribution: "",
  // Inspection progress (GET ?scope=city|district:ID&month=YYYY-MM): the dashboard's panel
  // shows only while this answers 200; otherwise (not deployed, not allowed) it stays hidden.
  inspectionsPath: "inspections/progress",
  // The 15-minute service circle (GET ?scope=) and urgent incidents (GET ?scope&month&open,
  // GET ?month&scope): feature-detected the same way.
  circlePath: "service-circle",
  incidentsPath: "incidents",
  incidentReportPath: "incident-report",
  // The month's capacity forecast (GET ?month&scope): feature-detected the same way.
  capacityPath: "oversight/capacity",
};
