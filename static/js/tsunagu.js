/* Behaviour the pages need besides htmx, kept in this file because the CSP allows no inline script. */
(function () {
  "use strict";
  // A select marked data-submit-on-change sends its form as soon as a choice is made.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-submit-on-change]") && field.form) {
      field.form.requestSubmit();
    }
  });
  // A part swapped in place of the control that sent it takes the focus, so keyboard users
  // stay where they were instead of starting again at the top of the page.
  document.addEventListener("htmx:afterSettle", function () {
    var next = document.querySelector("[data-focus-after-swap]");
    if (next) {
      next.removeAttribute("data-focus-after-swap");
      next.focus();
      tickReferredWindows();
    }
  });
  // Once a window is referred to, the slip carries the referred windows, as the server does.
  function tickReferredWindows() {
    var referred = Array.prototype.map.call(
      document.querySelectorAll("[data-referred]"),
      function (element) { return element.getAttribute("data-referred"); }
    );
    if (!referred.length) {
      return;
    }
    document.querySelectorAll('input[name="service"][form="slip-form"]').forEach(function (box) {
      box.checked = referred.indexOf(box.value) !== -1;
    });
  }
  // A button marked data-print opens the browser's print dialogue.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) {
      window.print();
    }
  });
})();
