// Deployment settings for the web pages. Nothing here is fetched from the internet unless
// tileUrl is set: the maps are drawn from the project's own data (community points,
// district outlines) and are useful without tiles.
window.CAREROUTE_CONFIG = {
  // Optional base-map tiles, e.g. "https://tiles.example.org/{z}/{x}/{y}.png" (off: "").
  tileUrl: "",
  tileAttribution: "",
  // Probed once by the dashboard; the inspection panel shows only if this answers 200.
  inspectionsPath: "inspections",
};
