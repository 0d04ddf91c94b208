/* The receipt page: Alt+P (or Ctrl+P) opens the printed form, Alt+N the next applicant. */
(function () {
  "use strict";
  var print = document.querySelector("[data-print]");
  var next = document.querySelector("[data-next-applicant]");
  document.addEventListener("keydown", function (event) {
    var key = (event.key || "").toLowerCase();
    if (print && key === "p" && (event.altKey || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      window.open(print.href, "_blank");
    } else if (next && key === "n" && event.altKey) {
      event.preventDefault();
      window.location.href = next.href;
    }
  });
})();
