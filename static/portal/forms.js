// The one form pattern: when a page shows an error summary, say so in the title and move
// focus to the summary so a screen reader reads every error at once (WCAG 3.3.1, 2.4.3).
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) { return; }
  if (document.title.indexOf("错误：") !== 0) { document.title = "错误：" + document.title; }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); }
  });
})();
