// Nothing typed is lost to an expired sign-in (issue #11 item 5). Before a form is posted, what
// was typed into its text fields is kept in this tab's sessionStorage (never in the address or a
// cookie: it may be safeguarding text). If the answer is the sign-in page, the draft waits and the
// sign-in returns to the form's page; once signed in again — as the same person — the form is
// filled with it again and a note says so.
// Any other answer means the post was handled, and the draft is dropped. Drafts older than two
// hours, or of someone else, are dropped unseen.
(function () {
  "use strict";

  var KEY = "doorstep.draft.v1";
  var MAX_AGE_MS = 2 * 60 * 60 * 1000;

  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }
  function save(d) {
    try { sessionStorage.setItem(KEY, JSON.stringify(d)); } catch (e) { /* storage full or off */ }
  }
  function clear() {
    try { sessionStorage.removeItem(KEY); } catch (e) { /* storage off */ }
  }
  function who() {
    var el = document.querySelector(".who");
    return el ? el.textContent.trim() : "";
  }
  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name) return false;
      if (el.tagName === "TEXTAREA") return true;
      return el.tagName === "INPUT" && (el.type === "text" || el.type === "search" || el.type === "email" || el.type === "tel");
    });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") return;
    // The one-tap actions on Today have their own offline queue; the sign-in form holds nothing to keep.
    if (form.hasAttribute("data-api") || form.getAttribute("action") === "/login") return;
    var fields = textFields(form)
      .filter(function (el) { return el.value.trim() !== ""; })
      .map(function (el) { return { name: el.name, value: el.value }; });
    if (fields.length === 0) { clear(); return; }
    save({ action: form.getAttribute("action") || location.pathname, page: location.pathname + location.search,
      who: who(), at: Date.now(), pending: false, fields: fields });
  }, true);

  function note(text, link) {
    var p = document.createElement("p");
    p.className = "flash draft-kept";
    p.setAttribute("role", "status");
    p.textContent = text;
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = " Go back to the form.";
      p.appendChild(a);
    }
    return p;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var d = load();
    if (!d) return;
    var main = document.querySelector("main") || document.body;
    var login = document.querySelector('form[action="/login"]');
    if (login) {
      d.pending = true;
      save(d);
      // Come back straight to the form's page after signing in. The server cannot know it: with
      // Referrer-Policy no-referrer the post that found the session gone carried no Referer.
      if (Date.now() - d.at <= MAX_AGE_MS && /^\/(?![\/\\])/.test(d.page)) {
        var next = login.querySelector('input[name="next"]');
        if (next) next.value = d.page;
        Array.prototype.forEach.call(document.querySelectorAll("a.sso[data-trust]"), function (a) {
          a.href = "/login/sso?trust=" + encodeURIComponent(a.getAttribute("data-trust")) + "&next=" + encodeURIComponent(d.page);
        });
      }
      main.insertBefore(note("What you typed was kept in this browser tab: sign in and it is offered again."), main.firstChild);
      return;
    }
    if (!d.pending || Date.now() - d.at > MAX_AGE_MS || (d.who && d.who !== who())) { clear(); return; }
    var form = Array.prototype.find.call(document.forms, function (f) { return f.getAttribute("action") === d.action; });
    if (!form) {
      main.insertBefore(note("You were asked to sign in before your form was sent; what you typed is kept.", d.page), main.firstChild);
      return;
    }
    d.fields.forEach(function (f) {
      var el = Array.prototype.find.call(form.elements, function (x) { return x.name === f.name && x.value.trim() === ""; });
      if (el) el.value = f.value;
    });
    clear();
    var box = note("You were asked to sign in before this was sent. What you typed is back in the form: check it and send it again.");
    form.parentNode.insertBefore(box, form);
    box.scrollIntoView({ block: "center" });
  });
})();
