/* The site menu on a phone: under 40rem the header's navigation and account links fold behind the
   menu button. Loaded in the head, so the page is marked as scripted before its first paint (no
   flash of the open menu); without this script the button stays hidden and the menu is shown. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setup() {
    var button = document.querySelector("[data-menu-button]");
    var menu = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) { return; }

    function isOpen() { return button.getAttribute("aria-expanded") === "true"; }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    button.addEventListener("click", function () { setOpen(!isOpen()); });
    // Escape closes the open menu and gives the focus back to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        setOpen(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
