/* The "stop the movement" box under a moving exercise picture (WCAG 2.2.2: the animation
 * loops). figures.css does the work without any script; this keeps the choice: ticking one
 * box ticks them all, on this page, on cards htmx swaps in and on the next pages. */
(function () {
  "use strict";
  const KEY = "backpath-figures-still";

  function stored() {
    try {
      return localStorage.getItem(KEY) === "1";
    } catch (error) {
      return false; // storage refused (a private window): each box on its own
    }
  }

  function apply(still) {
    document.querySelectorAll("input.fig-stop__box").forEach(function (box) {
      box.checked = still;
    });
  }

  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.classList.contains("fig-stop__box")) return;
    apply(box.checked);
    try {
      localStorage.setItem(KEY, box.checked ? "1" : "0");
    } catch (error) {
      // not kept: the pictures move again on the next page
    }
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (stored()) apply(true);
  });
  if (stored()) apply(true);
})();
