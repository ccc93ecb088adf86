/* seqf — autosave of a visit note (the revisors' notes per time slot of the visit agenda).
 *
 * Progressive enhancement: the form posts and works without this script (the Save button).
 * With it, typing is sent two seconds after the last key (and at once when the box loses focus)
 * to the form's own URL with the CSRF token from <meta name="csrf-token"> in the X-CSRFToken
 * header and Accept: application/json. The answer carries the new version and "Saved 12:04",
 * announced politely in the status line. A 409 "stale_version" (the note was saved from another
 * device meanwhile) shows the stored text beside the typed one and pauses autosave; nothing is
 * lost, and the next Save keeps the typed text on purpose. Offline nothing is sent; the status says
 * so and the note is saved when the connection is back. Unsent text is sent on the way out.
 */
(function () {
  "use strict";

  function setup(form) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    var status = document.getElementById("autosave-status");
    var version = form.querySelector("[data-version]");
    var text = form.querySelector("textarea");
    var conflict = form.querySelector("[data-conflict]");
    var conflictText = form.querySelector("[data-conflict-text]");
    if (!meta || !status || !version || !text || !window.fetch || !window.FormData) { return; }
    var url = form.getAttribute("action");
    var timer = null;
    var running = false;
    var again = false;
    var paused = false;
    var dirty = false;
    var submitting = false;

    function offline() { return window.navigator && window.navigator.onLine === false; }

    function say(message, error) {
      status.textContent = message;
      status.classList.toggle("autosave-status--error", !!error);
    }

    function request(keepalive) {
      return fetch(url, {
        method: "POST", body: new FormData(form), credentials: "same-origin", keepalive: !!keepalive,
        headers: { "X-CSRFToken": meta.getAttribute("content"), "Accept": "application/json" }
      });
    }

    function save() {
      if (paused) { return; }
      if (running) { again = true; return; }
      if (offline()) { say(status.getAttribute("data-offline"), true); return; }
      running = true;
      dirty = false;
      say(status.getAttribute("data-saving"), false);
      request(false).then(function (response) {
        return response.json().then(function (body) { return { status: response.status, body: body }; });
      }).then(function (result) {
        if (result.status === 200) {
          version.value = String(result.body.version);
          say(result.body.saved_at, false);
        } else if (result.status === 409 && result.body.error && result.body.error.code === "stale_version") {
          paused = true;
          version.value = String(result.body.error.current_version);
          conflictText.textContent = result.body.error.current_text;
          conflict.hidden = false;
          conflict.focus();
          say(result.body.error.message, true);
        } else {
          dirty = true;
          say((result.body.error && result.body.error.message) || status.getAttribute("data-failed"), true);
        }
      }).catch(function () {
        dirty = true;
        say(status.getAttribute(offline() ? "data-offline" : "data-failed"), true);
      }).then(function () {
        running = false;
        if (again) { again = false; save(); }
      });
    }

    function later(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    }

    text.addEventListener("input", function () { dirty = true; later(2000); });
    text.addEventListener("blur", function () { if (dirty) { later(0); } });
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (offline()) { event.preventDefault(); say(status.getAttribute("data-offline"), true); return; }
      submitting = true;
    });
    window.addEventListener("online", function () { if (dirty) { save(); } });
    window.addEventListener("pagehide", function () {
      if (submitting || paused || !dirty || offline()) { return; }
      window.clearTimeout(timer);
      dirty = false;
      try { request(true); } catch (e) { /* the page is going away */ }
    });
  }

  document.querySelectorAll("form[data-note-autosave]").forEach(setup);
})();
