// 亮照经营 electronic frame: reload the page periodically so the status stays live.
(function () {
  "use strict";
  var holder = document.querySelector("[data-refresh-seconds]");
  if (!holder) { return; }
  var seconds = parseInt(holder.getAttribute("data-refresh-seconds"), 10) || 60;
  window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();
