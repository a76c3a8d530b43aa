/* The progress bar of an import's page in the back office.
 *
 * While the job checks or imports the file, this asks the job's status URL (JSON) and moves the
 * bar; once the step has finished it reloads the page, which then shows each row's outcome. No
 * inline script and no eval: the page gives the URL in a data- attribute. Without JavaScript the
 * page says to reload it.
 */
(function () {
  "use strict";

  var root = document.querySelector("[data-import-status-url]");
  if (!root || root.getAttribute("data-import-running") !== "true") {
    return;
  }
  var url = root.getAttribute("data-import-status-url");
  var bar = root.querySelector("[data-import-progress]");
  var count = root.querySelector("[data-import-count]");
  var label = root.querySelector("[data-import-status]");
  var INTERVAL = 1000;
  var MAX_INTERVAL = 15000;
  var delay = INTERVAL;

  function show(state) {
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    if (count) {
      count.textContent = state.processed_rows + " of " + state.total_rows + " rows";
    }
    if (label) {
      label.textContent = state.status_label;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (!state.running) {
          window.location.reload();
          return;
        }
        delay = INTERVAL;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, MAX_INTERVAL); // the server is busy or away: ask less often
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
