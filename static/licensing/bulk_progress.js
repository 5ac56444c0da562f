// Bulk check progress: poll the status until done or failed, then offer the result.
(function () {
  "use strict";
  var box = document.querySelector("[data-bulk-status]");
  if (!box) { return; }
  var bar = box.querySelector("[data-bulk-bar]");
  var text = box.querySelector("[data-bulk-text]");
  var summary = box.querySelector("[data-bulk-summary]");
  var download = box.querySelector("[data-bulk-download]");

  function render(body) {
    bar.style.width = body.progress + "%";
    bar.textContent = body.progress + "%";
    box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", body.progress);
    text.textContent = body.label + "：" + body.done_rows + " / " + body.total_rows + " 行" +
      (body.error ? "（" + body.error + "）" : "");
    summary.innerHTML = "";
    Object.keys(body.summary).forEach(function (key) {
      var item = document.createElement("li");
      item.textContent = key + "：" + body.summary[key];
      summary.appendChild(item);
    });
    if (body.status === "done") { download.classList.remove("d-none"); }
  }

  function poll() {
    fetch(box.getAttribute("data-bulk-status"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        render(body);
        if (body.status !== "done" && body.status !== "failed") { window.setTimeout(poll, 1000); }
      });
  }
  poll();
})();
