/* A list of checkboxes with a filter box (portal.widgets.ChoiceSearchWidget).
   The server draws plain grouped checkboxes and the list of what is chosen, so the form works without
   JavaScript. This script shows the filter box: typing hides the options (and groups) that do not
   match, a live region says how many are shown, Escape clears the box and Enter does not send the
   form. The chosen items are listed above the box, each a button that unticks it. */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function setup(widget) {
    var filterRow = widget.querySelector("[data-filter]");
    var input = filterRow.querySelector("input[type=search]");
    var count = widget.querySelector("[data-count]");
    var none = widget.querySelector("[data-none]");
    var title = widget.querySelector("[data-chosen-title]");
    var chips = widget.querySelector("[data-chips]");
    var options = Array.prototype.slice.call(widget.querySelectorAll("[data-option]"));
    var groups = Array.prototype.slice.call(widget.querySelectorAll("[data-group]"));
    var boxes = options.map(function (option) { return option.querySelector("input[type=checkbox]"); });

    function labelOf(box) {
      return box.parentNode.textContent.trim();
    }

    function applyFilter() {
      var query = normalise(input.value);
      var shown = 0;
      options.forEach(function (option) {
        var group = option.closest("[data-group]");
        var legend = group ? normalise(group.querySelector("legend").textContent) : "";
        var match = !query || normalise(option.textContent).indexOf(query) !== -1 ||
          (legend && legend.indexOf(query) !== -1);
        option.hidden = !match;
        if (match) { shown += 1; }
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector("[data-option]:not([hidden])");
      });
      none.hidden = shown !== 0;
      count.textContent = query ? count.getAttribute("data-text")
        .replace("%(shown)s", String(shown)).replace("%(total)s", String(options.length)) : "";
    }

    function drawChosen() {
      var chosen = boxes.filter(function (box) { return box.checked; });
      title.textContent = chosen.length ? title.getAttribute("data-text-some").replace("%(count)s", String(chosen.length))
        : title.getAttribute("data-text-none");
      while (chips.firstChild) { chips.removeChild(chips.firstChild); }
      chosen.forEach(function (box) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        var label = labelOf(box);
        button.type = "button";
        button.className = "chip";
        button.textContent = label + " ×";
        button.setAttribute("aria-label", chips.getAttribute("data-untick").replace("%(label)s", label));
        button.addEventListener("click", function () {
          box.checked = false;
          drawChosen();
          // The focus goes to the next chip, or to the filter box when none is left.
          var next = chips.querySelector("button");
          (next || input).focus();
        });
        item.appendChild(button);
        chips.appendChild(item);
      });
    }

    filterRow.hidden = false;
    input.addEventListener("input", applyFilter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // Enter in the filter box narrows the list; it does not send the form
      } else if (event.key === "Escape" && input.value) {
        event.preventDefault();
        input.value = "";
        applyFilter();
      }
    });
    boxes.forEach(function (box) { box.addEventListener("change", drawChosen); });
    drawChosen();
  }

  document.querySelectorAll("[data-choice-search]").forEach(setup);
})();
