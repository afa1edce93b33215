/*! backpath copy.js: a "copy" button for a read-only field (the calendar link).
 * <button data-copy="FIELD-ID" data-copied="Copied" hidden> is shown only when this script
 * runs (no script, no button: the field can still be selected and copied by hand). A status
 * element [data-copy-status="FIELD-ID"] (aria-live) says it worked. No inline script: the
 * page's Content-Security-Policy allows scripts from the site only.
 */
(function () {
  "use strict";

  function say(id, message) {
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (status) { status.textContent = message; }
  }

  function fallback(field) {
    field.focus();
    field.select();
    try { return document.execCommand("copy"); } catch (error) { return false; }
  }

  function copy(button) {
    var id = button.getAttribute("data-copy");
    var field = document.getElementById(id);
    if (!field) { return; }
    var done = function () { say(id, button.getAttribute("data-copied") || ""); };
    var failed = function () { field.focus(); field.select(); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        if (fallback(field)) { done(); } else { failed(); }
      });
    } else if (fallback(field)) {
      done();
    } else {
      failed();
    }
  }

  function init() {
    var buttons = document.querySelectorAll("button[data-copy]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
