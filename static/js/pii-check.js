/* Show the live check's quiet answers too: a text over the limit (400) or a pause (429). */
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ((status === 400 || status === 429) && target && target.classList.contains("pii-warning")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
