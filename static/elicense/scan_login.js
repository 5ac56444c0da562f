// Scan-to-login on the login page: show a challenge QR, poll until the phone confirms.
(function () {
  "use strict";
  var panel = document.querySelector("[data-scan-login]");
  if (!panel) { return; }
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  var qr = panel.querySelector("[data-scan-login-qr]");
  var status = panel.querySelector("[data-scan-login-status]");
  var LABELS = {
    pending: "请用手机扫码并确认",
    confirmed: "已确认，正在登录…",
    refused: "手机端已拒绝，二维码已失效",
    expired: "二维码已过期，正在刷新…",
    invalid: "二维码已失效，正在刷新…"
  };
  var pollUrl = null;
  var timer = null;

  var next = panel.getAttribute("data-scan-login-next") || "";

  function post(url) {
    var body = new URLSearchParams({ next: next });
    return fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, body: body, credentials: "same-origin" })
      .then(function (response) { return response.json(); });
  }

  function start() {
    post(panel.getAttribute("data-scan-login")).then(function (body) {
      qr.innerHTML = body.qr;
      qr.setAttribute("data-token", body.token);
      pollUrl = body.poll_url;
      status.textContent = LABELS.pending;
    }).catch(function () { status.textContent = "网络异常，请刷新页面"; });
  }

  function poll() {
    if (!pollUrl) { return; }
    post(pollUrl).then(function (body) {
      if (body.status === "signed_in") { window.location.assign(body.redirect); return; }
      status.textContent = LABELS[body.status] || "";
      if (body.status === "expired" || body.status === "invalid") { pollUrl = null; start(); }
      if (body.status === "refused") { pollUrl = null; window.setTimeout(start, 3000); }
    });
  }

  start();
  timer = window.setInterval(poll, 1500);
  window.addEventListener("pagehide", function () { window.clearInterval(timer); });
})();
