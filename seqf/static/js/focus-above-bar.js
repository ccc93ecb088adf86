/* seqf — a focused field is never hidden behind the sticky save bar (WCAG 2.4.11).
 *
 * The page's scroll-padding keeps room for the bar when the browser scrolls to a focused element,
 * but a browser scrolls a textarea only far enough to show its caret: a tall justification field
 * could stay half under the bar. When focus lands on something the bar covers, scroll it just
 * enough (block "nearest" honours the scroll-padding).
 */
(function () {
  "use strict";
  var bar = document.querySelector(".fill-actions");
  if (!bar) { return; }
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (bar.contains(el) || typeof el.getBoundingClientRect !== "function") { return; }
    if (el.getBoundingClientRect().bottom > bar.getBoundingClientRect().top) {
      el.scrollIntoView({block: "nearest"});
    }
  });
})();
