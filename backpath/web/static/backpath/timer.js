// Exercise-along timer for holds and timed sets on the "today" page.
// Progressive enhancement: the buttons stay hidden without JavaScript, and the page works
// without them. No inline script (the Content-Security-Policy allows only this file).
(function () {
  "use strict";

  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m > 0 ? m + ":" + (s < 10 ? "0" : "") + s : String(s);
  }

  function start(button) {
    var total = parseInt(button.getAttribute("data-timer-seconds"), 10);
    var reps = parseInt(button.getAttribute("data-timer-reps") || "1", 10);
    var out = document.getElementById(button.getAttribute("aria-controls"));
    var rep = 1, left = total;
    button.disabled = true;
    function show() {
      out.textContent = (reps > 1 ? rep + "/" + reps + " · " : "") + format(left);
    }
    show();
    var id = window.setInterval(function () {
      left -= 1;
      if (left > 0) { show(); return; }
      if (navigator.vibrate) { navigator.vibrate(200); }
      if (rep < reps) {
        rep += 1;
        left = total;
        show();
        return;
      }
      window.clearInterval(id);
      out.textContent = button.getAttribute("data-timer-done");
      button.disabled = false;
    }, 1000);
  }

  document.querySelectorAll("[data-timer-seconds]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { start(button); });
  });
})();
