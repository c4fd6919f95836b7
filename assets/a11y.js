/* Accessibility fixes for Dash 4's own controls, applied as Dash draws them (Dash loads every
   script in assets/). Each fix is idempotent; a MutationObserver applies them again whenever Dash
   draws or redraws a control.

   dcc.Dropdown: Dash sends Tab focus through a focusable input hidden with aria-hidden on to its
   button, and names the button by its value only. Here the button is the tab stop itself, the
   hidden input is inert, and the button's name starts with its <label>.

   dcc.Checklist and dcc.RadioItems: Dash marks them up as a listbox of options that each hold a
   native checkbox or radio button (interactive controls nested in others, a listbox without a
   name). Here they are plain labelled checkboxes and radio buttons, which assistive technology
   and keyboards already know; the list inside an open dropdown keeps its listbox. */
(function () {
  "use strict";

  function fixDropdown(button) {
    var hidden = button.previousElementSibling;
    if (hidden && hidden.classList.contains("dash-dropdown-focus-target")) {
      if (!hidden.inert) hidden.inert = true;
      if (hidden.tabIndex !== -1) hidden.tabIndex = -1;
    }
    if (!button.disabled && button.tabIndex !== 0) button.tabIndex = 0;
    var label = button.id && document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
    var names = label ? [label.id || (label.id = button.id + "-label")] : [];
    // the label, then the chosen values, then "2 selected": the order they are seen in
    names.push(button.id + "-value", button.id + "-value-count");
    var wanted = names.join(" ");
    if (button.id && button.getAttribute("aria-labelledby") !== wanted) {
      button.setAttribute("aria-labelledby", wanted);
    }
  }

  function fixChoices(list) {
    if (list.closest(".dash-dropdown-content")) return;
    if (list.hasAttribute("role")) list.removeAttribute("role");
    list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
      if (option.hasAttribute("role")) option.removeAttribute("role");
      if (option.hasAttribute("aria-selected")) option.removeAttribute("aria-selected");
    });
  }

  function fixAll() {
    document.querySelectorAll("button.dash-dropdown").forEach(fixDropdown);
    document.querySelectorAll(".dash-options-list").forEach(fixChoices);
  }

  function start() {
    fixAll();
    new MutationObserver(fixAll).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["role", "aria-selected", "aria-labelledby", "tabindex"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
