/* giamngheo: the page behaviour that used to sit in inline handlers, here so that the
   Content-Security-Policy can forbid inline scripts (script-src 'self', docs/security.md).
   Everything is delegated from `document`, so content swapped in by htmx works too.

   data-autosubmit          on a <select> or <input>: submit its form when it changes.
   data-confirm="question"  on a submit button or link: ask first, do nothing when refused; once accepted, a
                            form gets confirmed=1 (the server then skips its own confirmation page, which
                            asks the same question without JavaScript: core.views.confirmation_page).
   data-check-all="name"    on a checkbox: ticks or unticks every checkbox of that name in its form.
   data-width="42"          on a progress bar: its width in percent (set through CSSOM, which CSP allows).
   data-policy-form         on the policy form: the member conditions apply only to policies given to
                            members (greyed out and not sent otherwise). */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!(field instanceof Element) || !field.hasAttribute("data-autosubmit") || !field.form) { return; }
    if (typeof field.form.requestSubmit === "function") { field.form.requestSubmit(); } else { field.form.submit(); }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-check-all") || !box.form) { return; }
    var name = box.getAttribute("data-check-all");
    Array.prototype.forEach.call(box.form.querySelectorAll("input[type='checkbox']"), function (other) {
      if (other.name === name) { other.checked = box.checked; }
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
    if (!target) { return; }
    if (!window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    var form = target.form || target.closest("form");
    if (form && !form.querySelector("input[name='confirmed']")) {
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "confirmed";
      flag.value = "1";
      form.appendChild(flag);
    }
  });

  function setWidths(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width]") : [];
    if (root instanceof Element && root.hasAttribute("data-width")) { bars = [root].concat(Array.prototype.slice.call(bars)); }
    Array.prototype.forEach.call(bars, function (bar) {
      var value = parseFloat(bar.getAttribute("data-width"));
      if (isNaN(value)) { return; }
      bar.style.width = Math.max(0, Math.min(100, value)) + "%";
    });
  }

  function syncPolicyForms(root) {
    var forms = root.querySelectorAll ? root.querySelectorAll("form[data-policy-form]") : [];
    Array.prototype.forEach.call(forms, function (form) {
      var level = form.querySelector("[name='level']");
      var box = form.querySelector("[data-for-level='member']");
      if (!level || !box) { return; }
      var on = level.value === "member";
      var note = box.querySelector("[data-level-off]");
      box.disabled = !on;
      box.classList.toggle("opacity-50", !on);
      if (note) { note.classList.toggle("d-none", on); }
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.matches("form[data-policy-form] [name='level']")) {
      syncPolicyForms(document);
    }
  });

  function init(root) {
    setWidths(root);
    syncPolicyForms(root);
  }

  // htmx fires htmx:load on the body at start and on every piece of content it swaps in.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
