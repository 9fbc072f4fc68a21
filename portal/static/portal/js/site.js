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

  /* A table wider than its box scrolls inside it (.table-wrap). While it does, the box takes the
     keyboard focus, so the table can be scrolled without a mouse, and is a region named by the
     table's caption (or the heading before the box), so a screen reader says what gets the focus. */
  var labelCount = 0;
  function nameOf(box) {
    var caption = box.querySelector("caption");
    var heading = box.previousElementSibling;
    while (heading && !/^H[1-6]$/.test(heading.tagName)) { heading = heading.previousElementSibling; }
    var label = caption || heading;
    if (label && !label.id) { labelCount += 1; label.id = "scroll-label-" + labelCount; }
    return label && label.id;
  }
  function markScrollingTables() {
    var boxes = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < boxes.length; i += 1) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth) {
        var labelId = box.getAttribute("aria-labelledby") || nameOf(box);
        box.setAttribute("tabindex", "0");
        if (labelId) {
          box.setAttribute("role", "region");
          box.setAttribute("aria-labelledby", labelId);
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    }
  }

  function start() {
    setup();
    markScrollingTables();
    window.addEventListener("resize", markScrollingTables);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
