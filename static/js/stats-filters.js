/* Keep the statistics filters consistent: a 年度 fills the month fields with April to March
   (up to the last month that can be counted), and editing a month clears the 年度. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function start() {
    var year = document.getElementById("stats-fy");
    var from = document.getElementById("stats-from");
    var to = document.getElementById("stats-to");
    if (!year || !from || !to) { return; }
    year.addEventListener("change", function () {
      var y = parseInt(year.value, 10);
      if (!y) { return; }
      from.value = y + "-04";
      var last = (y + 1) + "-03";
      // "YYYY-MM" strings compare in date order.
      to.value = to.max && last > to.max ? to.max : last;
    });
    function clearYear() { year.value = ""; }
    from.addEventListener("change", clearYear);
    to.addEventListener("change", clearYear);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
