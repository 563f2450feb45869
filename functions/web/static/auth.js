// Sign-in for both pages: OAuth 2.0 authorization code flow with PKCE (RFC 7636, S256) at the
// issuer GET sign-in.json names (Cognito's hosted UI in the cloud, the local issuer on the
// local stack: the same endpoints, the same code here). Tokens stay in this tab only
// (sessionStorage, gone when the tab closes) and are refreshed before they expire.
"use strict";

const CRAuth = (() => {
  const API = new URL("../", location.href); // pages live at <api>/app/<file>
  const SESSION_KEY = "careroute.session";   // {id_token, refresh_token, expires_at, lifetime}
  const PENDING_KEY = "careroute.signin";    // {state, verifier, hash} while at the issuer
  const LAST_USER_KEY = "careroute.user";     // localStorage: who last signed in here (no token)
  const MAX_MARGIN_MS = 5 * 60 * 1000;
  let config = null;
  let timer = null;
  let refreshing = null;

  const readJson = key => { try { return JSON.parse(sessionStorage.getItem(key)); } catch (e) { return null; } };
  let session = readJson(SESSION_KEY);

  function save(next) {
    session = next;
    if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(SESSION_KEY);
    if (who()) localStorage.setItem(LAST_USER_KEY, JSON.stringify(who()));
    schedule();
  }

  async function issuer() {
    if (!config) {
      const response = await fetch(new URL("app/sign-in.json", API), { cache: "no-cache" });
      config = await response.json();
    }
    return config;
  }

  const endpoint = key => new URL(config[key], API).toString(); // relative: on the API's host
  const pageUrl = () => location.origin + location.pathname;    // the registered callback
  const b64url = bytes => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const random = n => b64url(crypto.getRandomValues(new Uint8Array(n)));

  function claimsOf(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(decodeURIComponent(escape(atob(part + "===".slice((part.length + 3) % 4)))));
    } catch (e) {
      return null;
    }
  }

  // Tokens as the token endpoint gives them; expiry on this device's clock (expires_in).
  function keep(tokens, refreshToken) {
    const lifetime = tokens.expires_in * 1000;
    save({ id_token: tokens.id_token, refresh_token: tokens.refresh_token || refreshToken || null,
           expires_at: Date.now() + lifetime, lifetime });
  }

  async function tokenRequest(fields) {
    const cfg = await issuer();
    const response = await fetch(endpoint("token_url"), {
      method: "POST", cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: cfg.client_id, ...fields }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(body.error_description || body.error || `HTTP ${response.status}`), { status: response.status });
    return body;
  }

  // Off to the issuer's sign-in page with a fresh verifier; the page comes back with ?code=.
  async function signIn() {
    const cfg = await issuer();
    if (!cfg.configured) throw new Error("sign-in is not set up for this deployment");
    const verifier = random(32), state = random(16);
    const challenge = b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    sessionStorage.setItem(PENDING_KEY, JSON.stringify({ state, verifier, hash: location.hash }));
    const query = new URLSearchParams({ response_type: "code", client_id: cfg.client_id, redirect_uri: pageUrl(),
      scope: cfg.scope, state, code_challenge: challenge, code_challenge_method: "S256" });
    location.assign(`${endpoint("authorize_url")}?${query}`);
  }

  // Back from the issuer: trade the code and the verifier for tokens, once.
  async function finishSignIn(query) {
    const pending = readJson(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    history.replaceState(null, "", location.pathname + ((pending && pending.hash) || location.hash));
    if (!pending || query.get("state") !== pending.state) throw new Error("sign-in answer does not match this tab's request");
    keep(await tokenRequest({ grant_type: "authorization_code", code: query.get("code"),
                              redirect_uri: pageUrl(), code_verifier: pending.verifier }));
  }

  // A new ID token with the refresh token; a refused refresh signs out, a network error waits.
  function refresh() {
    if (!refreshing) {
      refreshing = tokenRequest({ grant_type: "refresh_token", refresh_token: session.refresh_token })
        .then(tokens => keep(tokens, session.refresh_token))
        .catch(e => { if (e.status) save(null); else schedule(30000); })
        .finally(() => { refreshing = null; });
    }
    return refreshing;
  }

  const margin = () => Math.min(MAX_MARGIN_MS, session.lifetime / 4);

  function schedule(delay) {
    clearTimeout(timer);
    if (!session || !session.refresh_token) return;
    timer = setTimeout(refresh, delay ?? Math.max(0, session.expires_at - margin() - Date.now()));
  }

  // A token handed in the URL fragment (#token=, local `careroute run` and tests): kept for
  // this tab until it expires, never refreshed.
  function fromFragment(params) {
    const token = params.get("token");
    params.delete("token");
    history.replaceState(null, "", location.pathname + location.search + (params.toString() ? "#" + params : ""));
    const claims = claimsOf(token);
    if (claims && claims.exp) save({ id_token: token, refresh_token: null, expires_at: claims.exp * 1000, lifetime: 0 });
  }

  // On page load: finish a sign-in, take a fragment token, or refresh a session near expiry.
  async function start() {
    const query = new URLSearchParams(location.search);
    if (query.has("code")) await finishSignIn(query);
    else if (query.has("error")) history.replaceState(null, "", location.pathname + location.hash);
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.has("token")) fromFragment(params);
    if (session && !session.refresh_token && session.expires_at < Date.now()) save(null);
    await fresh();
    schedule();
    return params;
  }

  // Before a call: refresh first when the token is about to expire (and we are online).
  async function fresh() {
    if (session && session.refresh_token && navigator.onLine && session.expires_at - margin() < Date.now()) await refresh();
  }

  // Who signed in (the ID token's claims, even when it expired offline: the page still shows
  // the kept route and queues outcomes; calls refresh or ask to sign in again).
  function who() {
    const c = session && claimsOf(session.id_token);
    return c ? { sub: c.sub, role: c["custom:role"], scope: c["custom:scope"] || "" } : null;
  }

  // Who last signed in on this device, when this tab has no session (a tab opened from a
  // bookmark with no signal): the steward's page shows the route it kept, and sends nothing.
  function lastUser() {
    try { return JSON.parse(localStorage.getItem(LAST_USER_KEY)); } catch (e) { return null; }
  }

  // Forget the tokens here and end the issuer's session, back on this page.
  async function signOut() {
    save(null);
    localStorage.removeItem(LAST_USER_KEY);
    const cfg = await issuer().catch(() => ({ configured: false }));
    if (!cfg.configured || !navigator.onLine) { location.reload(); return; }
    const query = new URLSearchParams({ client_id: cfg.client_id, logout_uri: pageUrl() });
    location.assign(`${endpoint("logout_url")}?${query}`);
  }

  return { start, signIn, signOut, fresh, refresh, who, lastUser, token: () => session && session.id_token,
           get canRefresh() { return Boolean(session && session.refresh_token); } };
})();
