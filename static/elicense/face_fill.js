// 照面信息获取: a scanned e-licence fills the form's entity fields (elicense:face_read).
// The box names its targets as "face_field:input_id …"; a scanner gun types and presses
// Enter, which here fetches the face instead of submitting the surrounding form.
(function () {
  "use strict";
  function csrfToken(box) {
    var form = box.closest("form");
    var input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function setup(box) {
    var tokenInput = box.querySelector("[data-face-token]");
    var button = box.querySelector("[data-face-go]");
    var status = box.querySelector("[data-face-status]");
    var targets = box.getAttribute("data-face-fill").trim().split(/\s+/).map(function (pair) {
      var parts = pair.split(":");
      return { field: parts[0], id: parts[1] };
    });

    function read() {
      var token = tokenInput.value.trim();
      if (!token) { status.textContent = "请先扫描电子营业执照。"; return; }
      var body = new URLSearchParams();
      body.set("token", token);
      body.set("purpose", box.getAttribute("data-face-purpose"));
      body.set("expected_uscc", box.getAttribute("data-face-expected"));
      status.textContent = "正在核验…";
      fetch(box.getAttribute("data-face-url"), {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(box) },
        credentials: "same-origin",
        body: body
      })
        .then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        })
        .then(function (reply) {
          if (!reply.ok) { throw new Error(reply.data.error || "获取失败"); }
          var face = reply.data.face;
          targets.forEach(function (target) {
            var input = document.getElementById(target.id);
            if (input && face[target.field] !== undefined) {
              input.value = face[target.field];
              input.dispatchEvent(new Event("change", { bubbles: true }));
            }
          });
          status.textContent = "已获取：" + face.name + "（" + face.uscc + "），请核对。";
          status.setAttribute("data-face-ok", face.uscc);
          tokenInput.value = "";
        })
        .catch(function (e) {
          status.textContent = e.message || "网络异常，请重试。";
          status.removeAttribute("data-face-ok");
        });
    }

    tokenInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); read(); }
    });
    button.addEventListener("click", read);
  }

  document.querySelectorAll("[data-face-fill]").forEach(setup);
})();
