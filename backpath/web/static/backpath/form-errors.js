/* A form sent back with problems: focus moves to its error summary (_form_errors.html), so a
 * keyboard or screen-reader user starts at the list of problems instead of the top of the
 * page. A link in the summary focuses the field it names: the input itself, or the first
 * choice of a group of radio buttons or checkboxes (the link's target is their fieldset).
 * Without this script the summary and its links (#id_<field>) work as plain HTML.
 */
(function () {
  "use strict";
  const summary = document.querySelector("[data-error-summary]");
  // Included once per summary: a page with two forms in error loads the file twice.
  if (!summary || summary.dataset.errorSummary === "ready") return;
  summary.dataset.errorSummary = "ready";
  summary.focus();

  document.addEventListener("click", function (event) {
    const link =
      event.target instanceof Element && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!target) return;
    const field = target.matches("input, select, textarea")
      ? target
      : target.querySelector("input:not([type=hidden]), select, textarea");
    if (!field) return;
    event.preventDefault();
    // The question's label or legend comes into view with the field, not just the input.
    target.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();
