/* seqf — autosave of a self-assessment draft, and the search box of the evidence picker.
 *
 * Progressive enhancement: the form works without this script ("Save and next area").
 * With it, every change is posted to the form's data-autosave URL with the CSRF token from
 * <meta name="csrf-token"> in the X-CSRFToken header; the JSON answer updates the step
 * status, the scores, the hint and the progress, and "Saved 14:32" is announced politely.
 * File inputs are left out: a new document is uploaded when the person presses Save; a file over
 * the size limit is refused before sending, and leaving the page with a chosen file asks first.
 * Every save sends the version the page is based on; 409 "stale_version" (another window saved
 * meanwhile) shows the other version and pauses until the person chooses. Nothing ticked and no
 * "None of these steps yet" is not an answer: Save says so inline instead of sending.
 * Without a network connection nothing is sent (a Save would replace the page, and everything typed,
 * with the browser's error page): the status says so, and the draft is saved when the connection is back.
 * A change not yet sent when the person leaves the page (typed, then straight to another area) is sent
 * on the way out with a keepalive request, so nothing typed is lost; offline, leaving asks first.
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
    if (current) { current.classList.toggle("area-nav__item--done", body.area_answered !== false); }
  }

  function anyTicked(form) {
    return form.querySelector('input[type="checkbox"][name$="-indicators"]:checked') !== null;
  }

  function answered(form) {
    var none = form.querySelector("[data-none-yet]");
    return anyTicked(form) || (none !== null && none.checked);
  }

  function chosenFiles(form) {
    return Array.prototype.filter.call(form.querySelectorAll('input[type="file"]'), function (input) {
      return input.files && input.files.length > 0;
    });
  }

  /* A file over the limit is refused here, before anything is sent: the error is shown beside the
   * input and the choice is cleared, everything typed stays on the page. */
  function checkFileSize(input) {
    var max = parseInt(input.getAttribute("data-max-bytes") || "0", 10);
    var error = document.getElementById(input.id + "-error");
    var tooLarge = max > 0 && input.files && input.files.length > 0 && input.files[0].size > max;
    if (error) {
      error.hidden = !tooLarge;
      if (tooLarge) { error.textContent = input.getAttribute("data-too-large"); }
    }
    if (tooLarge) {
      input.value = "";
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
    }
    return !tooLarge;
  }

  function setupAnswerChoice(form) {
    var none = form.querySelector("[data-none-yet]");
    var required = document.querySelector("[data-answer-required]");
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target === none && none.checked) {
        form.querySelectorAll('input[type="checkbox"][name$="-indicators"]').forEach(function (box) {
          box.checked = false;
        });
      } else if (none && target.type === "checkbox" && /-indicators$/.test(target.name) && target.checked) {
        none.checked = false;
      }
      if (required && answered(form)) { required.hidden = true; }
      if (target.type === "file") { checkFileSize(target); }
    });
  }

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave");
    var meta = document.querySelector('meta[name="csrf-token"]');
    var status = document.getElementById("autosave-status");
    var version = form.querySelector("[data-version]");
    var conflict = form.querySelector("[data-conflict]");
    if (!url || !meta || !status || !window.fetch || !window.FormData) { return; }
    var timer = null;
    var running = false;
    var again = false;
    var paused = false;   // after "changed in another window", until the person chooses
    var submitting = false;
    var unsaved = false;  // the last automatic save failed; tried again when the network is back
    var dirty = false;    // changed since the last save was sent
    var afterSave = [];

    function offline() {
      return window.navigator && window.navigator.onLine === false;
    }

    function showOffline() {
      status.textContent = status.getAttribute("data-offline");
      status.classList.add("autosave-status--error");
    }

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

    function showConflict(error) {
      paused = true;
      conflict.innerHTML = error.html;
      var keep = conflict.querySelector("[data-keep-mine]");
      if (keep) {
        keep.hidden = false;
        keep.addEventListener("click", function () {
          version.value = String(error.current_version);
          conflict.innerHTML = "";
          paused = false;
          save();
        });
      }
      var panel = conflict.querySelector("[data-conflict-panel]");
      if (panel) { panel.focus(); }
    }

    function finished() {
      running = false;
      if (again && !paused) { again = false; save(); return; }
      again = false;
      var waiting = afterSave;
      afterSave = [];
      waiting.forEach(function (fn) { fn(); });
    }

    function save() {
      if (paused) { return; }
      if (running) { again = true; return; }
      if (offline()) { unsaved = true; showOffline(); return; }
      running = true;
      dirty = false;
      fetch(url, {
        method: "POST",
        body: payload(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": meta.getAttribute("content"), "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
      }).then(function (result) {
        unsaved = !result.ok;
        if (result.ok) {
          version.value = String(result.body.version);
          status.textContent = result.body.area_answered ? result.body.saved_at : result.body.notice;
          status.classList.toggle("autosave-status--error", !result.body.area_answered);
          showResult(result.body);
        } else if (result.status === 409 && result.body.error && result.body.error.code === "stale_version") {
          status.textContent = result.body.error.message;
          status.classList.add("autosave-status--error");
          showConflict(result.body.error);
        } else {
          status.textContent = (result.body.error && result.body.error.message) || status.getAttribute("data-failed");
          status.classList.add("autosave-status--error");
        }
      }).catch(function () {
        unsaved = true;
        if (offline()) { showOffline(); return; }
        status.textContent = status.getAttribute("data-failed");
        status.classList.add("autosave-status--error");
      }).then(finished);
    }

    function later(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    }

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.type === "file" || target.type === "search") { return; }
      dirty = true;
      later(target.tagName === "TEXTAREA" ? 200 : 400);
    });
    form.addEventListener("input", function (event) {
      if (event.target.tagName === "TEXTAREA") { dirty = true; later(2000); }
    });
    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      var required = document.querySelector("[data-answer-required]");
      if (!answered(form) && required) {
        event.preventDefault();
        required.hidden = false;
        required.focus();
        return;
      }
      if (offline()) {
        // sending now would lose the page; keep it and save when the connection is back
        event.preventDefault();
        unsaved = true;
        showOffline();
        return;
      }
      var files = chosenFiles(form);
      for (var i = 0; i < files.length; i += 1) {
        if (!checkFileSize(files[i])) { event.preventDefault(); return; }
      }
      if (running) {
        // the Save button waits for the automatic save in flight, then sends the newer version
        event.preventDefault();
        var submitter = event.submitter || null;
        afterSave.push(function () {
          if (paused) { return; }
          submitting = true;
          if (form.requestSubmit) { form.requestSubmit(submitter); } else { form.submit(); }
        });
        return;
      }
      submitting = true;
    });
    window.addEventListener("online", function () {
      if (unsaved) { save(); }
    });
    // a chosen file is uploaded with Save, and offline nothing can be sent: leaving then asks first
    window.addEventListener("beforeunload", function (event) {
      if (submitting) { return undefined; }
      var files = chosenFiles(form).length > 0;
      if (!files && !(offline() && (dirty || unsaved))) { return undefined; }
      event.preventDefault();
      event.returnValue = status.getAttribute(files ? "data-leave-warning" : "data-offline");
      return event.returnValue;
    });
    // what was changed but not yet sent goes with the page as it is left
    window.addEventListener("pagehide", function () {
      if (submitting || paused || !(dirty || unsaved) || offline()) { return; }
      window.clearTimeout(timer);
      var data = payload();
      if (running) { data.delete("version"); }  // our own save in flight would make it look stale
      dirty = false;
      unsaved = false;
      try {
        fetch(url, {
          method: "POST", body: data, credentials: "same-origin", keepalive: true,
          headers: { "X-CSRFToken": meta.getAttribute("content"), "Accept": "application/json" }
        });
      } catch (e) { /* the page is going away; the status already said what was saved */ }
    });
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

  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    setupAnswerChoice(form);
    setupAutosave(form);
  });
  setupFilters();
})();
