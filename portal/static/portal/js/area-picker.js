/* Area picker: choosing a level loads the next level's areas from /api/areas/.
   Works on top of server-rendered selects, so the form also works without JavaScript. */
(function () {
  "use strict";
  function clear(select) {
    while (select.options.length > 1) { select.remove(1); }
    select.disabled = true;
  }
  function setup(picker) {
    var api = picker.getAttribute("data-api");
    var selects = Array.prototype.slice.call(picker.querySelectorAll("select[data-level]"));
    selects.forEach(function (select, index) {
      select.addEventListener("change", function () {
        var rest = selects.slice(index + 1);
        rest.forEach(clear);
        if (!select.value || !rest.length) { return; }
        var next = rest[0];
        next.setAttribute("aria-busy", "true");
        fetch(api + "?parent=" + encodeURIComponent(select.value) + "&page_size=500", {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        }).then(function (data) {
          data.results.forEach(function (area) {
            var option = document.createElement("option");
            option.value = area.code;
            option.textContent = area.name;
            next.appendChild(option);
          });
          next.disabled = data.results.length === 0;
        }).catch(function () {
          next.disabled = true;
        }).finally(function () {
          next.removeAttribute("aria-busy");
        });
      });
    });
  }
  document.querySelectorAll("[data-area-picker]").forEach(setup);
})();
