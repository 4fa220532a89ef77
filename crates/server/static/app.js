// Doorstep's page script. Everything here is an enhancement: every form also works without it.
//
// 1. The offline action queue. A form marked `data-api` (the one-tap actions on Today, and the
//    cancel at the door, which the server takes once however often it is sent) is sent to
//    the JSON API with fetch. With no signal, or when the server cannot answer, the action is
//    kept in localStorage and sent, in order, as soon as the phone is back online. Each action
//    carries a `client_ref` (a fresh uuid per tap) where the API takes one, so an action sent
//    twice — a retry after a lost answer — is applied once.
// 2. The countdown to the next check-in, on school's clock.
// 3. Registering the service worker (offline shell, installable app).
// 4. The panic button's pocket-tap guard: the first tap asks for a second within a few seconds;
//    the tap and a cancel (or no second tap) are recorded, and only a second tap sends.
// 5. The Today card's alarm lines, read from /api/visits/{id}/phone-status when the visit's
//    feed says something changed (live.js): who is dealing with a panic, and a missed check-in
//    turning the card red.
(function () {
  "use strict";

  var KEY = "doorstep.queue.v1";
  var flushing = false;

  // School's clock, not the phone's: a phone set minutes or hours wrong would count down to the
  // wrong moment and stamp queued taps with the wrong time. Every answer carries school's time
  // (x-doorstep-time, edge.rs); the offset is kept for when there is no signal.
  var SKEW_KEY = "doorstep.clock-offset-ms";
  var skew = Number(localStorage.getItem(SKEW_KEY)) || 0;
  function schoolNow() { return Date.now() + skew; }
  function learnClock() {
    var t0 = Date.now();
    // A HEAD is never answered by the service worker, so this always asks the server.
    return fetch("/static/icons/icon.svg", { method: "HEAD", cache: "no-store" }).then(function (r) {
      var at = Date.parse(r.headers.get("x-doorstep-time") || "");
      if (isNaN(at)) return;
      skew = Math.round(at - (t0 + Date.now()) / 2);
      try { localStorage.setItem(SKEW_KEY, String(skew)); } catch (e) { /* private mode */ }
    }, function () { /* no signal: keep the last offset */ });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(q) { localStorage.setItem(KEY, JSON.stringify(q)); }

  function status(text, sent) {
    var el = document.getElementById("queue-status");
    if (!el) return;
    if (!text) { el.hidden = true; el.textContent = ""; return; }
    el.hidden = false;
    el.textContent = text;
    el.classList.toggle("sent", !!sent);
  }

  // `serverBusy`: the server answered but could not save it yet (a 5xx), so "no signal" would
  // be untrue; either way the actions stay on the phone and are sent again.
  function showQueue(serverBusy) {
    var q = load();
    if (q.length === 0) return;
    var labels = q.map(function (i) { return i.label; }).join(", ");
    var saved = q.length + " action" + (q.length > 1 ? "s" : "") + " saved on this phone (" + labels + ")";
    if (serverBusy) {
      status("The school's server could not save this yet: " + saved +
        ". They will be sent automatically. If you need help now, phone your buddy or the school office.");
    } else {
      status(NO_SIGNAL + " " + saved + ". They will be sent automatically when you have signal.");
    }
  }
  // Said first whenever the phone has no signal: the queue cannot help someone in danger now.
  var NO_SIGNAL = "No signal — if you are in danger call 999 now.";
  window.addEventListener("offline", function () {
    if (load().length > 0) showQueue();
    else status(NO_SIGNAL + " Taps you make are kept on this phone and sent when you have signal.");
  });

  // The JSON body of a form: inputs marked data-json, typed by data-type.
  function bodyOf(form) {
    var body = {};
    form.querySelectorAll("[data-json]").forEach(function (el) {
      // Of a group of radio buttons, only the chosen one is sent (the door's reason).
      if (el.type === "radio" && !el.checked) return;
      var v = el.value.trim();
      var t = el.getAttribute("data-type");
      if (t === "bool") body[el.dataset.json] = v === "true";
      else if (t === "int") body[el.dataset.json] = v === "" ? null : parseInt(v, 10);
      else body[el.dataset.json] = v === "" ? null : v;
    });
    return body;
  }

  // "ok" (with the answer), "offline" (keep and retry), "auth" (sign in again, keep),
  // or "rejected" (the server refused it: show why, do not retry).
  function send(item) {
    return fetch(item.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "accept": "application/json" },
      body: JSON.stringify(item.body)
    }).then(function (res) {
      return res.text().then(function (text) {
        var json = null;
        try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
        if (res.ok) return { kind: "ok", json: json };
        if (res.status === 401) return { kind: "auth" };
        if (res.status >= 500 || res.status === 408 || res.status === 429) return { kind: "offline", server: true };
        return { kind: "rejected", field: json && json.field, reason: (json && json.reason) || ("refused (" + res.status + ")") };
      });
    }, function () { return { kind: "offline" }; });
  }

  function afterOk(item, json, form) {
    if (item.action === "check-in" && json && form) {
      var card = form.closest(".visit-card");
      var cd = card && card.querySelector("[data-countdown]");
      if (cd && json.next_check_in_due) {
        cd.setAttribute("data-countdown", json.next_check_in_due);
        var t = card.querySelector(".next-due time");
        if (t) {
          t.setAttribute("datetime", json.next_check_in_due);
          t.textContent = new Date(json.next_check_in_due).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
        }
        tick();
      }
      status("Check-in sent at " + new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false }) + ".", true);
      form.querySelectorAll("input[name=note], input[name=pin]").forEach(function (el) { el.value = ""; });
      return;
    }
    if (item.action === "extend") {
      window.location.reload();
      return;
    }
    if (item.reload) { window.location.href = "/today?done=" + encodeURIComponent(item.done || "") + "#visit-" + (item.visit || ""); return; }
    status("Sent: " + item.label + ".", true);
    // Show "Sent at 14:02 · …" on the card at once, not at the next poll.
    if (item.action === "panic") pollStatus();
  }

  function showRejected(form, reason) {
    var p = form.querySelector(".field-error.js");
    if (!p) {
      p = document.createElement("p");
      p.className = "field-error js";
      p.setAttribute("role", "alert");
      form.insertBefore(p, form.firstChild);
    }
    p.textContent = reason;
  }

  var DONE = { "sign-out": "signed-out", "arrived": "arrived", "nobody-home": "nobody-home", "left": "left",
    "returned": "returned", "panic": "panic", "duress": "duress", "observation": "observation",
    "cancel-at-door": "cancelled-at-door", "turn-back": "turned-back" };

  // A6: a tap sent from the queue says when it was tapped (UTC), so school records that time
  // (an alarm raised at the tap, not when the signal came back). A phone whose clock is far off
  // is refused naming tapped_at: the tap is then sent without it, at the time it reaches school.
  var TAPPED = { "check-in": 1, "panic": 1, "duress": 1, "observation": 1, "arrived": 1,
    "nobody-home": 1, "left": 1, "returned": 1, "turn-back": 1 };
  function sendQueued(item) {
    if (!TAPPED[item.action] || !item.at) return send(item);
    var body = Object.assign({}, item.body, { tapped_at: item.at });
    return send(Object.assign({}, item, { body: body })).then(function (r) {
      return r.kind === "rejected" && r.field === "tapped_at" ? send(item) : r;
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form instanceof HTMLFormElement && form.getAttribute("action") === "/logout" &&
        navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage("signed-out");
    }
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-api") || !window.fetch) return;
    e.preventDefault();
    if (form.hasAttribute("data-guard") && !armed(form)) { arm(form); return; }
    if (form.hasAttribute("data-guard")) disarm(form);
    var button = e.submitter || form.querySelector("button");
    var id = uuid();
    var body = bodyOf(form);
    if ("client_ref" in body) body.client_ref = id;
    var m = /\/api\/visits\/(\d+)\//.exec(form.getAttribute("data-api"));
    var item = {
      id: id,
      url: form.getAttribute("data-api"),
      body: body,
      action: form.getAttribute("data-action"),
      done: DONE[form.getAttribute("data-action")] || "",
      visit: m ? m[1] : "",
      label: (button && button.textContent.trim()) || form.getAttribute("data-action"),
      reload: form.hasAttribute("data-reload"),
      at: new Date(schoolNow()).toISOString()
    };
    if (button) { button.disabled = true; setTimeout(function () { button.disabled = false; }, 1500); }
    // Anything already waiting goes first, so actions reach the server in the order tapped.
    if (load().length > 0) {
      var q = load(); q.push(item); save(q); showQueue(); flush(); return;
    }
    send(item).then(function (r) {
      if (r.kind === "ok") afterOk(item, r.json, form);
      else if (r.kind === "rejected") showRejected(form, r.reason);
      else {
        var q = load(); q.push(item); save(q);
        if (r.kind === "auth") status("Your sign-in has run out: sign in again and the saved action will be sent.");
        else showQueue(r.server);
      }
    });
  });

  // The pocket-tap guard (4). The first tap is recorded and arms the form for GUARD_SECONDS.
  var GUARD_SECONDS = 8;
  function armed(form) { return !!form.doorstepArmed; }
  function note(form, what) {
    send({ url: form.getAttribute("data-guard") + "/" + what, body: {} });
  }
  function arm(form) {
    var box = form.querySelector(".panic-confirm");
    var left = GUARD_SECONDS;
    var show = function () { var el = form.querySelector(".panic-left"); if (el) el.textContent = left + " s"; };
    note(form, "panic-pressed");
    if (box) box.hidden = false;
    show();
    form.doorstepArmed = setInterval(function () {
      left -= 1;
      show();
      if (left <= 0) cancelPanic(form);
    }, 1000);
  }
  function disarm(form) {
    clearInterval(form.doorstepArmed);
    form.doorstepArmed = null;
    var box = form.querySelector(".panic-confirm");
    if (box) box.hidden = true;
  }
  function cancelPanic(form) {
    // Focus inside the box would fall to the top of the page when it hides: back to Panic.
    var box = form.querySelector(".panic-confirm");
    var refocus = box && box.contains(document.activeElement);
    disarm(form);
    if (refocus) { var p = form.querySelector("button[type=submit]"); if (p) p.focus(); }
    note(form, "panic-cancelled");
    status("Panic cancelled: no alarm was sent.", true);
  }
  document.addEventListener("click", function (e) {
    var b = e.target instanceof Element && e.target.closest(".panic-cancel");
    if (b) cancelPanic(b.closest("form"));
  });

  // The alarm lines of each Today card (5), redrawn from the phone status every few seconds.
  function hhmm(iso, tz) {
    var opts = { hour: "2-digit", minute: "2-digit", hour12: false };
    if (tz) opts.timeZone = tz;
    return new Date(iso).toLocaleTimeString("en-GB", opts);
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }
  function drawStatus(box, s) {
    var tz = box.getAttribute("data-tz");
    var parts = [];
    if (s.missed) {
      var m = el("div", "missed-box");
      m.setAttribute("role", "alert");
      var p = el("p");
      p.appendChild(el("strong", "", s.missed.heading || "Check-in missed."));
      p.appendChild(document.createTextNode(" " + s.missed.instruction));
      m.appendChild(p);
      if (s.missed.buddy_mobile) {
        var call = el("p");
        var a = el("a", "button danger", "Phone your buddy now: " + s.missed.buddy_mobile);
        a.href = "tel:" + s.missed.buddy_mobile;
        call.appendChild(a);
        call.appendChild(document.createTextNode(" "));
        call.appendChild(el("span", "muted", "(" + (s.missed.buddy_name || "") + ")"));
        m.appendChild(call);
      }
      if (s.missed.taken_by) m.appendChild(el("p", "", s.missed.taken_by + " is dealing with it."));
      parts.push(m);
    }
    if (s.closed) {
      var c = el("p", "alarm-closed", s.closed);
      c.setAttribute("role", "status");
      parts.push(c);
    }
    if (s.help) {
      var h = s.help;
      var text = "Sent at " + hhmm(h.sent_at, tz) + " · " + (h.taken_by
        ? h.taken_by + " is dealing with it (" + hhmm(h.taken_at, tz) + ")"
        : "waiting for someone at school to take charge");
      var line = el("p", "help-coming" + (h.taken_by ? " taken" : ""));
      line.setAttribute("role", "status");
      line.appendChild(el("strong", "", "Panic alarm."));
      line.appendChild(document.createTextNode(" " + text));
      parts.push(line);
    }
    var key = JSON.stringify(s);
    if (box.doorstepKey === key) return;
    box.doorstepKey = key;
    box.replaceChildren.apply(box, parts);
    var card = box.closest(".visit-card");
    if (card) card.classList.toggle("missed", !!s.missed);
  }
  function pollStatus() {
    if (document.hidden) return;
    document.querySelectorAll("[data-phone-status]").forEach(function (box) {
      fetch(box.getAttribute("data-phone-status"), { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) { if (s) drawStatus(box, s); }, function () {});
    });
  }
  // Pushed where the browser can (live.js follows /today/events and calls this on each change
  // of the person's visits); polled only where it cannot.
  window.doorstepPhoneStatus = pollStatus;
  if (!window.EventSource) setInterval(pollStatus, 3000);

  function flush() {
    if (flushing) return;
    var q = load();
    if (q.length === 0) return;
    flushing = true;
    var sent = [];
    var step = function () {
      var q = load();
      if (q.length === 0) return Promise.resolve("empty");
      var item = q[0];
      return sendQueued(item).then(function (r) {
        if (r.kind === "ok" || r.kind === "rejected") {
          var rest = load().filter(function (i) { return i.id !== item.id; });
          save(rest);
          sent.push(item);
          return step();
        }
        return r.server ? "busy" : r.kind;
      });
    };
    step().then(function (outcome) {
      flushing = false;
      if (outcome === "empty" && sent.length > 0) {
        status("Sent " + sent.length + " saved action" + (sent.length > 1 ? "s" : "") + ": " +
          sent.map(function (i) { return i.label; }).join(", ") + ".", true);
        if (location.pathname === "/today") setTimeout(function () { location.href = "/today"; }, 1200);
      } else if (outcome === "auth") {
        status("Your sign-in has run out: sign in again and the saved actions will be sent.");
      } else {
        showQueue(outcome === "busy");
      }
    }, function () { flushing = false; });
  }

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(function () { if (load().length > 0) flush(); }, 10000);

  // The countdown to the next check-in, every second.
  function fmt(ms) {
    var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return h > 0 ? h + ":" + pad(m) + ":" + pad(r) : m + ":" + pad(r);
  }
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(due)) return;
      var left = due - schoolNow();
      el.textContent = left > 0 ? "in " + fmt(left) : "overdue by " + fmt(-left);
      var box = el.closest(".next-due");
      if (box) box.classList.toggle("overdue", left <= 0);
    });
  }
  // The first count waits for school's time (or a second, with no signal).
  var clockKnown = document.querySelector("[data-countdown], form[data-api]") ? learnClock() : null;
  if (clockKnown && document.querySelector("[data-countdown]")) {
    var started = false;
    var start = function () { if (!started) { started = true; tick(); setInterval(tick, 1000); } };
    clockKnown.then(start, start);
    setTimeout(start, 1000);
  }

  // The live board pauses while someone is typing into one of its forms.
  window.doorstepIdle = function (root) {
    var a = document.activeElement;
    return !(a && root && root.contains(a) && a.matches("input, textarea, select"));
  };

  // The plan form: choosing a reason with a usual length (St Joseph's nursery visits, 30 minutes)
  // pre-fills "Leave the house" and "Back"; without the script they may be left blank instead.
  function minutesOf(v) {
    var m = /^(\d{1,2}):(\d{2})/.exec(v || "");
    return m ? Number(m[1]) * 60 + Number(m[2]) : null;
  }
  // (Named apart from hhmm above: two function declarations of one name in this scope, and the
  // later silently replaces the earlier everywhere.)
  function clockOfMinutes(total) {
    total = ((total % 1440) + 1440) % 1440;
    var h = Math.floor(total / 60), m = total % 60;
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m;
  }
  document.addEventListener("change", function (e) {
    if (!e.target.matches || !e.target.matches('select[name="reason_category"]')) return;
    var box = document.querySelector("[data-visit-minutes]");
    if (!box) return;
    var lengths;
    try { lengths = JSON.parse(box.getAttribute("data-visit-minutes") || "{}"); } catch (err) { return; }
    var usual = lengths[e.target.value];
    var field = function (n) { return box.querySelector('input[name="' + n + '"]'); };
    var leave = minutesOf(field("planned_leave_school").value);
    var arrive = minutesOf(field("planned_arrive").value);
    if (!usual || arrive === null) return;
    field("planned_leave_property").value = clockOfMinutes(arrive + usual);
    var journey = leave === null ? 0 : (arrive - leave + 1440) % 1440;
    field("planned_return").value = clockOfMinutes(arrive + usual + journey);
  });

  // No script in the pages themselves (the CSP forbids inline script and eval): the board's
  // pause and the print buttons are wired here.
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (elt && elt.id === "board" && !window.doorstepIdle(elt)) evt.preventDefault();
  });
  document.addEventListener("click", function (evt) {
    var button = evt.target.closest && evt.target.closest("[data-print]");
    if (button) {
      evt.preventDefault();
      window.print();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    showQueue();
    if (navigator.onLine !== false) flush();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () {});
    });
  }
})();
