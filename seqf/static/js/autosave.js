/* seqf — autosave of a self-assessment draft, and the search box of the evidence picker.
 *
 * Progressive enhancement: the form works without this script ("Save and next area").
 * With it, every change is posted to the form's data-autosave URL with the CSRF token from
 * <meta name="csrf-token"> in the X-CSRFToken header; the JSON answer updates the step
 * status, the scores, the hint and the progress, and "Saved 14:32" is announced politely.
 * File inputs are left out: a new document is uploaded when the person presses Save.
 */
(function () {
  "use strict";

  function setText(selector, text) {
    document.querySelectorAll(selector).forEach(function (el) { el.textContent = text; });
  }

  function showResult(body) {
    setText("[data-claimed]", String(body.claimed));
    setText("[data-score]", String(body.score));
    setText("[data-hint]", body.hint);
    setText("[data-progress]", body.progress);
    document.querySelectorAll("[data-progress-bar]").forEach(function (bar) {
      bar.value = body.answered;
      bar.max = body.area_count;
    });
    body.steps.forEach(function (step) {
      var tag = document.querySelector('[data-step-status="' + step.level + '"]');
      if (tag) {
        tag.textContent = step.label;
        tag.classList.toggle("tag--success", step.met);
        tag.classList.toggle("tag--neutral", !step.met);
      }
    });
    var current = document.querySelector('.area-nav__item[aria-current="step"]');
    if (current) { current.classList.add("area-nav__item--done"); }
  }

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var status = document.getElementById("autosave-status");
    if (!url || !meta || !status || !window.fetch || !window.FormData) { return; }
    var timer = null;
    var running = false;
    var again = false;

    function payload() {
      var data = new FormData(form);
      var names = [];
      data.forEach(function (value, name) {
        if (typeof value !== "string") { names.push(name); }
      });
      names.forEach(function (name) { data.delete(name); });
      data.delete("action");
      return data;
    }

    function save() {
      if (running) { again = true; return; }
      running = true;
      fetch(url, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": meta.getAttribute("content"), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok) {
          status.textContent = result.body.saved_at;
          status.classList.remove("autosave-status--error");
          showResult(result.body);
        } else {
          status.textContent = (result.body.error && result.body.error.message) || status.getAttribute("data-failed");
          status.classList.add("autosave-status--error");
        }
      }).catch(function () {
        status.textContent = status.getAttribute("data-failed");
        status.classList.add("autosave-status--error");
      }).then(function () {
        running = false;
        if (again) { again = false; save(); }
      });
    }

    function later(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "file" || target.type === "search") { return; }
      later(target.tagName === "TEXTAREA" ? 200 : 400);
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") { later(2000); }
    });
    form.addEventListener("submit", function () { window.clearTimeout(timer); });
  }

  function setupFilters() {
    document.querySelectorAll("[data-filter-list]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("data-filter-list"));
      if (!list) { return; }
      input.hidden = false;
      input.addEventListener("input", function () {
        var wanted = input.value.trim().toLowerCase();
        list.querySelectorAll("[data-filter-text]").forEach(function (item) {
          item.hidden = wanted !== "" && item.getAttribute("data-filter-text").indexOf(wanted) === -1;
        });
      });
      input.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); }
      });
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(setupAutosave);
  setupFilters();
})();
