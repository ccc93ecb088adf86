/* seqf — leaving a form with changes that are not saved asks first.
 *
 * For forms without autosave (the consensus form): a form marked data-warn-unsaved remembers that
 * something was changed; leaving the page before the form is sent shows the browser's "leave the
 * page?" question, so a justification written and then followed by a tap on another area is not lost.
 */
(function () {
  "use strict";
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    var changed = false;
    var sending = false;
    function mark(event) {
      if (event.target.type !== "search") { changed = true; }
    }
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { sending = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!changed || sending) { return undefined; }
      event.preventDefault();
      event.returnValue = form.getAttribute("data-warn-unsaved");
      return event.returnValue;
    });
  });
})();
