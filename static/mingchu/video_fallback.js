// Kitchen video: when the browser cannot play the stream, say so and point to the link.
(function () {
  "use strict";
  var video = document.querySelector("[data-kitchen-video]");
  if (!video) { return; }
  var notice = document.querySelector("[data-video-fallback]");

  function showFallback() {
    notice.classList.remove("d-none");
  }

  video.addEventListener("error", showFallback, true);
  var source = video.querySelector("source");
  if (source) { source.addEventListener("error", showFallback); }
  if (source && !video.canPlayType(source.getAttribute("type"))) { showFallback(); }
}());
