// The enterprise's presentation QR: fetch a one-time code, count down, refresh before expiry.
(function () {
  "use strict";
  var box = document.querySelector("[data-presentation-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-presentation-url");
  var token = box.querySelector("input[name=csrfmiddlewaretoken]").value;
  var qr = box.querySelector("[data-presentation-qr]");
  var codeText = box.querySelector("[data-presentation-code]");
  var countdown = box.querySelector("[data-countdown]");
  var error = box.querySelector("[data-presentation-error]");
  var REFRESH_MARGIN = 10;
  var remaining = 0;

  function refresh() {
    fetch(url, { method: "POST", headers: { "X-CSRFToken": token }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (reply) {
        if (!reply.ok) { throw new Error(reply.body.error || "出示码获取失败"); }
        qr.innerHTML = reply.body.qr;
        codeText.textContent = reply.body.code;
        remaining = reply.body.expires_in;
        countdown.textContent = remaining - REFRESH_MARGIN;
        error.textContent = "";
      })
      .catch(function (e) {
        error.textContent = e.message || "网络异常，正在重试";
        remaining = REFRESH_MARGIN + 5;
      });
  }

  // One tap shows the code full screen; the screen stays awake while the code is shown,
  // where the browser offers the Wake Lock API (it is released when the page is hidden).
  var fullscreen = box.querySelector("[data-presentation-fullscreen]");
  var wakeLock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") { return; }
    navigator.wakeLock.request("screen").then(function (lock) { wakeLock = lock; })
      .catch(function () { wakeLock = null; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && wakeLock === null) { keepAwake(); }
    if (document.visibilityState !== "visible") { wakeLock = null; }
  });
  if (fullscreen && box.requestFullscreen) {
    fullscreen.hidden = false;
    fullscreen.addEventListener("click", function () {
      if (document.fullscreenElement) { document.exitFullscreen(); return; }
      box.requestFullscreen().catch(function () { box.scrollIntoView(); });
    });
    document.addEventListener("fullscreenchange", function () {
      fullscreen.textContent = document.fullscreenElement ? "退出全屏" : "全屏出示";
    });
  }
  keepAwake();

  window.setInterval(function () {
    remaining -= 1;
    countdown.textContent = Math.max(remaining - REFRESH_MARGIN, 0);
    if (remaining <= REFRESH_MARGIN) { remaining = Infinity; refresh(); }
  }, 1000);
  refresh();
})();
