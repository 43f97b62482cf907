// Brevet: copy buttons for the share actions (templates/partials/share.html). Progressive
// enhancement: without this script the fields stay read-only and selectable. Served from
// /static/share.js under the pages' `script-src 'self'`; no inline script anywhere.
"use strict";
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) {
    return;
  }
  field.addEventListener("focus", function () {
    field.select();
  });
  if (!navigator.clipboard || !window.isSecureContext) {
    return;
  }
  var label = button.textContent;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(
      function () {
        button.textContent = "Copied";
        window.setTimeout(function () {
          button.textContent = label;
        }, 2000);
      },
      function () {
        field.focus();
        field.select();
      }
    );
  });
});
