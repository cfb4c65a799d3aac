// The PTG board: every track's now and next, where it meets and its video link, the room-slot grid
// of a day (booked and free slots) and the message of the day, from the public API, kept current by
// the event stream (/api/v1/events/{event}/stream) without a reload. ?signage=1: large type.
"use strict";

(function () {
  const API = "/api/v1";
  const slug = decodeURIComponent(location.pathname.replace(/\/+$/, "").split("/").pop());
  const params = new URLSearchParams(location.search);
  const signage = ["1", "true", "yes", "on"].includes((params.get("signage") || "").toLowerCase());
  const base = `${API}/events/${encodeURIComponent(slug)}`;
  const state = { event: null, board: null, ptg: null, day: params.get("day"), seq: 0, patches: [], events: 0 };
  let refetchTimer = null;

  // -- DOM helpers: text only, never markup from the data -------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "style") Object.assign(node.style, value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  const $ = (id) => document.getElementById(id);
  const httpUrl = (url) => typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  const link = (url, text, cls) => httpUrl(url) || (url && url.startsWith("/"))
    ? el("a", { href: url, class: cls, target: url.startsWith("/") ? null : "_blank", rel: "noopener" }, text)
    : el("span", { class: cls }, text);

  // ptgbot's way with a topic: "#tag" as a label, a URL as a link
  function topic(text) {
    const out = [];
    String(text || "").split(/(\s+)/).forEach((word) => {
      if (/^#\S+/.test(word)) out.push(el("span", { class: "tag" }, word.slice(1)));
      else if (httpUrl(word)) out.push(el("a", { href: word, target: "_blank", rel: "noopener" }, word));
      else out.push(word);
    });
    return out;
  }
  const hhmm = (iso) => (typeof iso === "string" && iso.length >= 16 ? iso.slice(11, 16) : "");

  function contrast(colour) {
    const m = /^#?([0-9a-f]{6})$/i.exec(colour || "");
    if (!m) return "#fff";
    const n = parseInt(m[1], 16);
    const luma = 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255);
    return luma > 150 ? "#111" : "#fff";
  }
  function badge(track, colour, url) {
    const style = colour ? { backgroundColor: colour, color: contrast(colour) } : null;
    const attrs = { class: "badge", style, title: url ? "join the meeting" : null };
    return httpUrl(url) ? el("a", { ...attrs, href: url, target: "_blank", rel: "noopener" }, track)
      : el("span", attrs, track);
  }

  // -- the parts of the page ----------------------------------------------------------------
  function roomUrl(roomName) {
    const room = state.ptg && state.ptg.schedule ? state.ptg.schedule[roomName] : null;
    return room ? room.url || null : null;
  }
  function videoOf(t) {
    return t.meeting_url || (t.current_session && t.current_session.video_url) || roomUrl(t.location);
  }

  function renderMotd() {
    const items = (state.board && state.board.motd) || [];
    $("motd").replaceChildren(...items.map((m) =>
      el("div", { class: `alert alert-${m.level || "info"}`, role: "status" }, topic(m.message))));
  }

  function sessionLine(label, s) {
    if (!s) return null;
    return el("div", { class: "session" },
      el("span", { class: "when" }, `${label} ${hhmm(s.start)}–${hhmm(s.end)}`), " ",
      el("span", { class: "title" }, s.title), " ",
      s.room ? el("span", { class: "room" }, `(${s.room})`) : null, " ",
      el("a", { class: "notes", href: `${API}/sessions/${encodeURIComponent(s.id)}/note?format=html` }, "notes"));
  }

  // ptgbot's page lists the tracks that say what they discuss; here also those with a session under way.
  // The others follow as a line of badges (each with its video link), so every track is on the page.
  function renderTracks() {
    const tracks = (state.board && state.board.tracks) || [];
    const active = tracks.filter((t) => t.now || (t.next && t.next.length) || t.current_session);
    const rows = active.map((t) => el("article", { class: "track", dataset: { track: t.track } },
      el("div", { class: "who" },
        badge(t.track, t.colour, videoOf(t)),
        t.name && t.name !== t.track ? el("span", { class: "name" }, t.name) : null,
        t.location ? el("span", { class: "location", title: "where it meets" }, t.location) : null),
      el("div", { class: "what" },
        el("div", { class: "now" }, el("span", { class: "label" }, "now"),
          t.now ? el("span", { class: "text" }, topic(t.now)) : el("span", { class: "none" }, "–")),
        t.next && t.next.length ? el("div", { class: "next" }, el("span", { class: "label" }, "next"),
          el("ol", {}, t.next.map((n) => el("li", {}, topic(n))))) : null,
        sessionLine("session", t.current_session),
        signage ? null : sessionLine("then", t.next_session)),
      el("div", { class: "links-cell" },
        videoOf(t) ? link(videoOf(t), "video", "video") : null,
        t.notes_url ? link(t.notes_url, "etherpad", "etherpad") : null)));
    const quiet = tracks.filter((t) => !active.includes(t));
    const others = quiet.length && !signage ? el("div", { class: "others" },
      el("span", { class: "label" }, active.length ? "other tracks" : "tracks"),
      quiet.map((t) => el("span", { class: "other", dataset: { track: t.track } }, badge(t.track, t.colour, videoOf(t)),
        t.location ? el("small", { class: "location" }, t.location) : null))) : null;
    $("tracks").replaceChildren(...(rows.length ? rows : [el("p", { class: "empty" },
      "Nothing yet: a track says what it discusses with #TRACK now …")]), ...(others ? [others] : []));
  }

  function eventDay() {
    const tz = (state.board && state.board.timezone) || undefined;
    try {
      return new Intl.DateTimeFormat("en-US", { weekday: "long", timeZone: tz }).format(new Date());
    } catch (e) {
      return null;
    }
  }

  function slotActive(slot) {
    if (!slot.realtime) return false;
    const start = Date.parse(slot.realtime);
    const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(slot.desc || "");
    const minutes = m ? (m[3] * 60 + +m[4]) - (m[1] * 60 + +m[2]) : 60;
    const now = Date.now();
    return now >= start && now < start + minutes * 60000;
  }

  function renderGrid() {
    const ptg = state.ptg;
    if (!ptg) return;
    const days = Object.keys(ptg.slots || {});
    const today = eventDay();
    let day = state.day && days.includes(state.day) ? state.day : (days.includes(today) ? today : days[0]);
    $("days").replaceChildren(...(signage ? [] : days.map((d) =>
      el("button", { type: "button", class: d === day ? "day active" : "day", "aria-pressed": d === day ? "true" : "false",
        dataset: { day: d } }, d))));
    if (!day) {
      $("grid").replaceChildren(el("tbody", {}, el("tr", {}, el("td", { class: "empty" }, "No slots yet."))));
      return;
    }
    const times = ptg.slots[day];
    const rooms = Object.entries(ptg.schedule || {}).filter(([, r]) => times.some((t) => t.name in r));
    const head = el("thead", {}, el("tr", {}, el("th", { scope: "col" }, signage ? day : "room"),
      times.map((t) => el("th", { scope: "col", class: slotActive(t) ? "active" : null, title: t.name }, t.desc))));
    const body = el("tbody", {}, rooms.map(([name, room]) => el("tr", {},
      el("th", { scope: "row" }, link(room.url, name, "room-name"), room.desc ? el("small", {}, room.desc) : null,
        room.cap_desc ? el("small", { class: "cap" }, room.cap_desc) : null),
      times.map((t) => {
        const cls = slotActive(t) ? "active" : null;
        if (!(t.name in room)) return el("td", { class: ["closed", cls].filter(Boolean).join(" ") });
        const track = room[t.name];
        if (!track) {
          return el("td", { class: ["free", cls].filter(Boolean).join(" "), dataset: { slot: `${name}-${t.name}` } },
            el("span", { class: "free-label" }, "free"), el("small", {}, `${name}-${t.name}`));
        }
        const url = (ptg.urls && ptg.urls[track]) || room.url;
        return el("td", { class: ["booked", cls].filter(Boolean).join(" "), dataset: { slot: `${name}-${t.name}` } },
          badge(track, ptg.colors && ptg.colors[track], url));
      }))));
    $("grid").replaceChildren(head, body);
  }

  function renderLinks() {
    const links = (state.ptg && state.ptg.links) || {};
    const entries = Object.entries(links);
    document.querySelector(".links-panel").hidden = signage || !entries.length;
    $("links").replaceChildren(...entries.map(([label, url]) => el("li", {}, link(url, label))));
  }

  function render() {
    if (state.event) {
      $("title").textContent = `${state.event.name || slug}`;
      document.title = `${state.event.name || slug} – board`;
    }
    renderMotd();
    renderTracks();
    renderGrid();
    renderLinks();
    tick();
  }

  function tick() {
    const tz = (state.board && state.board.timezone) || undefined;
    try {
      $("clock").textContent = new Intl.DateTimeFormat("en-GB", { weekday: "short", hour: "2-digit", minute: "2-digit",
        timeZone: tz }).format(new Date());
    } catch (e) {
      $("clock").textContent = "";
    }
  }

  function problem(text) {
    $("problem").hidden = !text;
    $("problem").textContent = text || "";
  }

  // -- data ----------------------------------------------------------------------------------
  async function getJson(path) {
    const response = await fetch(path, { cache: "no-cache", headers: { Accept: "application/json" } });
    if (!response.ok) {
      let detail = `${response.status}`;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
      throw new Error(detail);
    }
    return response.json();
  }

  async function refetch() {
    const startedAt = state.seq;
    try {
      const [event, board, ptg] = await Promise.all([
        state.event ? Promise.resolve(state.event) : getJson(base), getJson(`${base}/board`), getJson(`${base}/ptg.json`)]);
      state.event = event;
      state.board = board;
      state.ptg = ptg;
      // changes that arrived while this read was under way are applied again on top of it
      state.patches.filter((p) => p.seq > startedAt).forEach((p) => applyStatus(p.data));
      problem(null);
      render();
      $("refreshed").textContent = `updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      problem(`The board of ${slug} cannot be read: ${error.message}`);
    }
  }

  function refetchSoon(delay) {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(refetch, delay === undefined ? 250 : delay);
  }

  function applyStatus(status) {
    if (!state.board || !status) return;
    const t = state.board.tracks.find((x) => x.track === status.track);
    if (t) Object.assign(t, { now: status.now, next: status.next || [], location: status.location });
    if (state.ptg) {
      for (const [key, value] of [["now", status.now], ["next", status.next && status.next.length ? status.next : null],
        ["location", status.location]]) {
        state.ptg[key] = state.ptg[key] || {};
        if (value) state.ptg[key][status.track] = value; else delete state.ptg[key][status.track];
      }
    }
  }

  // -- live ----------------------------------------------------------------------------------
  function follow() {
    const stream = new EventSource(`${base}/stream`);
    const live = $("live");
    const show = (s, text) => { live.dataset.state = s; live.textContent = text; document.body.dataset.live = s; };
    stream.onopen = () => { show("open", "live"); refetchSoon(0); };
    stream.onerror = () => show("reconnecting", "reconnecting…");
    const seen = (e) => { state.events += 1; document.body.dataset.events = String(state.events); return JSON.parse(e.data); };
    stream.addEventListener("ptghub.schedule.status.changed", (e) => {
      const envelope = seen(e);
      state.seq += 1;
      state.patches = state.patches.concat([{ seq: state.seq, data: envelope.data }]).slice(-200);
      applyStatus(envelope.data);
      renderTracks();
      renderGrid();
    });
    stream.addEventListener("ptghub.schedule.motd.changed", (e) => {
      const envelope = seen(e);
      if (state.board) state.board.motd = (envelope.data && envelope.data.items) || [];
      renderMotd();
    });
    stream.addEventListener("reset", () => refetchSoon(0));
    for (const type of ["session.scheduled", "session.updated", "session.cancelled", "session.deleted",
      "session.started", "session.ended", "track.created", "track.updated", "track.deleted", "room.created",
      "room.updated", "room.deleted", "slot.changed", "link.changed", "event.updated", "event.deleted"]) {
      stream.addEventListener(`ptghub.schedule.${type}`, (e) => { seen(e); refetchSoon(); });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (signage) document.body.classList.add("signage");
    $("days").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-day]");
      if (!button) return;
      state.day = button.dataset.day;
      renderGrid();
    });
    refetch().then(follow);
    setInterval(tick, 10000);
    setInterval(() => refetchSoon(0), 60000);  // the clock moves sessions and slots along
  });
})();
