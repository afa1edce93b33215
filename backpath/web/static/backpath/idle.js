// Staff pages: warn five minutes before the idle logout (ASVS 3.3.2) and offer to stay.
// The server decides (backpath/accounts/sessions.py); this only warns. No inline script.
(function () {
  "use strict";
  var box = document.getElementById("idle-warning");
  if (!box) { return; }
  var idle = parseInt(box.getAttribute("data-idle-seconds"), 10) * 1000;
  var warnAt = idle - 5 * 60 * 1000;
  var timer;
  function arm() {
    window.clearTimeout(timer);
    box.hidden = true;
    timer = window.setTimeout(function () { box.hidden = false; }, warnAt);
  }
  box.querySelector("button").addEventListener("click", function () {
    var token = box.getAttribute("data-csrf");
    fetch(box.getAttribute("data-keepalive"), {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token }
    }).then(function (response) {
      if (response.ok) { arm(); } else { window.location.reload(); }
    });
  });
  arm();
})();
