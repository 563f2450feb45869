// The steward page's service worker: after one visit the page opens with no signal. It keeps
// the page shell (the files below), the last routes fetched, the benefit claims waiting for
// the steward and the city's hospitals, and answers from them only when the network does
// not: online, every answer is fresh. Outcomes are not its business:
// the page queues them in localStorage and sends them, with their keys, when back online.
"use strict";

const SHELL_CACHE = "careroute-shell-v1";
const ROUTE_CACHE = "careroute-routes"; // common.js deletes it on sign-out
const ROUTES_KEPT = 3;
const SHELL = ["steward.html", "app.css", "config.js", "auth.js", "common.js", "steward.js", "sign-in.json"];
const ROUTE_PATH = /\/stewards\/[^/]+\/routes\/\d{4}-\d{2}-\d{2}$/;
const CLAIMS_PATH = /\/benefits\/claims$/; // kept with the routes: sign-out deletes both
const HOSPITALS_PATH = /\/hospitals$/; // kept with the routes too
const APP = new URL("./", self.location.href); // <api>/app/

self.addEventListener("install", event => {
  event.waitUntil(caches.open(SHELL_CACHE).then(cache => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", event => {
  event.waitUntil(caches.keys()
    .then(keys => Promise.all(keys.filter(k => k.startsWith("careroute-shell-") && k !== SHELL_CACHE).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", event => {
  const request = event.request;
  if (request.method !== "GET") return; // outcomes go straight to the network
  const url = new URL(request.url);
  if (url.origin !== APP.origin) return;
  if (url.pathname.startsWith(APP.pathname)) {
    event.respondWith(networkFirst(request, SHELL_CACHE, new Request(url.origin + url.pathname)));
  } else if (ROUTE_PATH.test(url.pathname)) {
    event.respondWith(networkFirst(request, ROUTE_CACHE, new Request(url.href)).then(trimRoutes));
  } else if (CLAIMS_PATH.test(url.pathname) || HOSPITALS_PATH.test(url.pathname)) {
    event.respondWith(networkFirst(request, ROUTE_CACHE, new Request(url.href)));
  }
});

// The network's answer (kept when it is a 200), or, with no answer, the one kept before.
async function networkFirst(request, cacheName, key) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const cache = await caches.open(cacheName);
      await cache.delete(key); // re-added last: the cache's order is the order of fetching
      await cache.put(key, response.clone());
    }
    return response;
  } catch (offline) {
    const kept = await caches.match(key, { cacheName, ignoreVary: true });
    if (kept) return kept;
    throw offline;
  }
}

// Only the last few routes fetched stay on the phone.
async function trimRoutes(response) {
  const cache = await caches.open(ROUTE_CACHE);
  const keys = (await cache.keys()).filter(k => ROUTE_PATH.test(new URL(k.url).pathname));
  await Promise.all(keys.slice(0, Math.max(0, keys.length - ROUTES_KEPT)).map(k => cache.delete(k)));
  return response;
}
