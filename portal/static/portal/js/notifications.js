/* The header's unread notification count: asked for after the page has loaded, so rendering a page
   costs no query for it. Without the script the link to the notifications is still there. */
(function () {
  "use strict";
  var link = document.querySelector("[data-notifications]");
  var badge = link && link.querySelector("[data-notification-count]");
  if (!badge || !window.fetch) { return; }
  fetch(link.getAttribute("data-notifications"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.unread) { return; }
      var label = link.getAttribute("data-unread-label") || " ({count})";
      badge.textContent = label.replace("{count}", String(data.unread));
      badge.hidden = false;
    })
    .catch(function () { /* the link still works without the count */ });
})();
