// The pushed office board: it follows the board feed with server-sent events and
// re-reads its live part when something commits, instead of re-reading itself on a timer. The
// browser reconnects by itself and sends the last event's id, so nothing committed meanwhile is
// missed. Without JavaScript the board reloads itself (a <noscript> refresh).
//
// Attention until someone acts: while the board shows an alarm nobody has acknowledged, every
// few seconds it beeps (once the page has been clicked: browsers allow sound only then), the tab
// title reads "(N) ALARM – …", the tab icon turns red, and a desktop notification is raised when
// the person has allowed them (asked from a button, as browsers require).
(function () {
  "use strict";

  var REPEAT_MS = 5000;        // beep and title again this often until acknowledged
  var NOTIFY_AGAIN_MS = 30000; // a desktop notification per alarm at most this often
  var CLOCK_MS = 15000;        // re-read anyway, for what time alone changes (late, in grace)

  function idle(root) {
    return !window.doorstepIdle || window.doorstepIdle(root);
  }

  // ---- Following the feed -------------------------------------------------------------
  // `refresh` comes instead of changes when what was missed is no longer kept (after a day).
  function follow(url, onChange, onRefresh) {
    if (!window.EventSource) return;
    var es = new EventSource(url, { withCredentials: true });
    es.addEventListener("change", onChange);
    es.addEventListener("refresh", onRefresh || onChange);
    return es;
  }

  // ---- The Today page -----------------------------------------------------------------
  // Follows the changes of the visits this person is on: the alarm lines are read again on
  // every change, the cards themselves when a visit moved on (a step, a hand-over) — unless
  // the person is typing into one of them. Without JavaScript the page works by reloading.
  var todayBusy = false;
  function refreshToday() {
    var cards = document.getElementById("today-cards");
    if (!cards || todayBusy) return;
    if (!idle(cards)) { setTimeout(refreshToday, 2000); return; }
    todayBusy = true;
    fetch("/today", { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) return;
        var t = document.createElement("template");
        t.innerHTML = html;
        var fresh = t.content.getElementById("today-cards");
        var now = document.getElementById("today-cards");
        if (fresh && now && idle(now)) { fresh.removeAttribute("data-today-events"); now.replaceWith(fresh); }
      }, function () {})
      .then(function () {
        todayBusy = false;
        if (window.doorstepPhoneStatus) window.doorstepPhoneStatus();
      });
  }
  function followToday(url) {
    var es = follow(url, function (e) {
      var change = {};
      try { change = JSON.parse(e.data); } catch (err) { /* an empty change: read everything */ }
      if (change.kind === "visit_step" || change.kind === "watch") refreshToday();
      else if (window.doorstepPhoneStatus) window.doorstepPhoneStatus();
    }, refreshToday);
    // Whatever committed between the page's render and the stream's start.
    if (es) es.addEventListener("open", function () { if (window.doorstepPhoneStatus) window.doorstepPhoneStatus(); });
  }

  var busy = false, again = false;
  function refreshBoard() {
    var board = document.getElementById("board");
    if (!board || !board.getAttribute("data-live")) return;
    if (busy) { again = true; return; }
    if (!idle(board)) { setTimeout(refreshBoard, 1000); return; }
    busy = true;
    fetch(board.getAttribute("data-live"), { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (res) { return res.ok ? res.text() : null; })
      .then(function (html) {
        if (!html) return;
        var t = document.createElement("template");
        t.innerHTML = html;
        var fresh = t.content.querySelector("#board");
        var now = document.getElementById("board");
        if (fresh && now && idle(now)) now.replaceWith(fresh);
        else again = true;
      }, function () { again = true; })
      .then(function () {
        busy = false;
        attend();
        if (again) { again = false; setTimeout(refreshBoard, 250); }
      });
  }

  // ---- Attention ----------------------------------------------------------------------
  var baseTitle = document.title;
  var iconLink = null, baseIcon = null;
  var audio = null;
  var timer = null;
  var notifiedAt = {};

  function setIcon(href) {
    if (!iconLink) iconLink = document.querySelector("link[rel=icon]");
    if (!iconLink) return;
    if (baseIcon === null) baseIcon = iconLink.getAttribute("href");
    if (iconLink.getAttribute("href") !== href) iconLink.setAttribute("href", href);
  }

  function unlockSound() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
    status("Alarm sound is on.");
  }

  function beep() {
    if (!audio || audio.state !== "running") return;
    [0, 0.35].forEach(function (at) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.value = 0.2;
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + at);
      osc.stop(audio.currentTime + at + 0.25);
    });
  }

  function status(text) {
    var el = document.querySelector("[data-attention-status]");
    if (el) el.textContent = text;
  }

  function notify(open) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    var now = Date.now();
    open.forEach(function (el) {
      var id = el.getAttribute("data-alarm-open");
      if (notifiedAt[id] && now - notifiedAt[id] < NOTIFY_AGAIN_MS) return;
      notifiedAt[id] = now;
      try {
        var n = new Notification("ALARM: " + (el.getAttribute("data-alarm-label") || "an alarm"), {
          body: "Open the office board, phone the staff and acknowledge it.",
          tag: "doorstep-alarm-" + id,
          requireInteraction: true
        });
        n.onclick = function () { window.focus(); n.close(); };
      } catch (e) { /* some browsers allow notifications only from a service worker */ }
    });
  }

  function shout() {
    var open = document.querySelectorAll("[data-alarm-open]");
    if (open.length === 0) return attend();
    beep();
    notify(Array.prototype.slice.call(open));
  }

  // Title, icon and the repeating alert follow what the board shows now.
  function attend() {
    if (!document.getElementById("board-attention")) return;
    var n = document.querySelectorAll("[data-alarm-open]").length;
    if (n > 0) {
      document.title = "(" + n + ") ALARM – " + baseTitle;
      setIcon("/static/icons/alarm.svg");
      if (!timer) { shout(); timer = setInterval(shout, REPEAT_MS); }
    } else {
      document.title = baseTitle;
      if (baseIcon !== null) setIcon(baseIcon);
      if (timer) { clearInterval(timer); timer = null; }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var today = document.querySelector("[data-today-events]");
    if (today) followToday(today.getAttribute("data-today-events"));
    var panel = document.getElementById("board-attention");
    if (panel) {
      panel.hidden = false;
      document.addEventListener("click", unlockSound);
      var ask = panel.querySelector("[data-attention-notify]");
      if (ask) {
        if (!("Notification" in window)) { ask.disabled = true; status("This browser cannot show desktop notifications."); }
        else if (Notification.permission === "granted") status("Desktop notifications are on.");
        ask.addEventListener("click", function () {
          if (!("Notification" in window)) return;
          Notification.requestPermission().then(function (p) {
            status(p === "granted" ? "Desktop notifications are on." : "Desktop notifications are blocked in this browser's settings.");
          });
        });
      }
      follow(panel.getAttribute("data-board-events"), refreshBoard);
      setInterval(refreshBoard, CLOCK_MS);
      attend();
    }
  });
})();
