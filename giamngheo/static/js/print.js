/* giamngheo: the "Print" button of the table pages (no inline handler: the Content-Security-Policy forbids
   them). A button with data-print opens the browser's print dialog; the print stylesheet (css/app.css,
   @media print) keeps the title, the scope and the date and drops the menu, the buttons and the forms. */
(function () {
  "use strict";
  if (window.gnPrintReady) { return; }
  window.gnPrintReady = true;
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (!button) { return; }
    event.preventDefault();
    window.print();
  });
})();
