/* The back office's "Figures" panel: fetches each series from /api/v1/stats/ and draws it with uPlot.
 *
 * No inline script and no eval: the page carries its settings in data- attributes, and the
 * form works without this file (it reloads the page). Amounts arrive as exact decimal strings;
 * they are turned into numbers only to place them on the chart, and totals are added exactly.
 */
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var ACCENT = "#007d7e";
  var ACCENT_FILL = "rgba(0, 125, 126, 0.35)";
  var HEIGHT = 180;

  function shortPeriod(period, group) {
    var parts = period.split("-");
    var month = MONTHS[Number(parts[1]) - 1];
    return group === "month" ? month + " " + parts[0] : Number(parts[2]) + " " + month;
  }

  // Adds decimal strings without floating point: "0.10" + "0.20" is "0.30", not 0.30000000000000004.
  function addDecimals(values) {
    var scale = 0;
    values.forEach(function (value) {
      var fraction = value.split(".")[1] || "";
      scale = Math.max(scale, fraction.length);
    });
    var total = BigInt(0);
    values.forEach(function (value) {
      var negative = value.charAt(0) === "-";
      var parts = value.replace("-", "").split(".");
      var scaled = BigInt(parts[0] + (parts[1] || "").padEnd(scale, "0"));
      total += negative ? -scaled : scaled;
    });
    var negative = total < BigInt(0);
    var digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
    var text = scale ? digits.slice(0, -scale) + "." + digits.slice(-scale) : digits;
    return (negative ? "-" : "") + text;
  }

  function summary(figure, body, raw) {
    var suffix = body.currency ? " " + body.currency : "";
    if (!raw.length) {
      return "";
    }
    if (figure.dataset.chart === "line") {
      return "Latest: " + raw[raw.length - 1] + suffix;
    }
    if (figure.dataset.additive === "true") {
      return "Total: " + addDecimals(raw) + suffix;
    }
    return "";
  }

  function plotOptions(figure, body, holder, raw) {
    var periods = body.points.map(function (point) { return point.period; });
    var colour = window.getComputedStyle(holder).color;
    var bars = figure.dataset.chart !== "line";
    var line = {
      label: body.label + (body.currency ? " (" + body.currency + ")" : ""),
      stroke: ACCENT,
      fill: ACCENT_FILL,
      width: bars ? 1 : 2,
      points: { show: !bars && periods.length <= 40 },
      value: function (plot, value, seriesIndex, index) { return index == null ? "–" : raw[index]; },
    };
    if (bars) {
      line.paths = uPlot.paths.bars({ size: [0.7, 48] });
    }
    return {
      width: holder.clientWidth || 320,
      height: HEIGHT,
      scales: {
        // Points are placed by index, one slot per period, so bars never fall between days.
        x: { time: false, range: function (plot, min, max) { return [min - 0.5, max + 0.5]; } },
        y: { range: function (plot, min, max) { return [Math.min(0, min), max > 0 ? max * 1.1 : 1]; } },
      },
      axes: [
        {
          stroke: colour,
          grid: { show: false },
          incrs: [1, 2, 3, 4, 6, 7, 12, 14, 28, 30, 60, 91, 182, 365],
          values: function (plot, splits) {
            return splits.map(function (index) {
              return Number.isInteger(index) && periods[index] ? shortPeriod(periods[index], body.group) : "";
            });
          },
        },
        { stroke: colour, size: 60 },
      ],
      series: [
        { label: "Period", value: function (plot, index) { return index == null ? "–" : periods[index] || "–"; } },
        line,
      ],
    };
  }

  function draw(figure, body, plots) {
    var holder = figure.querySelector("[data-figures-plot]");
    var raw = body.points.map(function (point) { return String(point.value); });
    var xs = body.points.map(function (point, index) { return index; });
    var ys = raw.map(Number);
    var previous = plots.get(figure);
    if (previous) {
      previous.destroy();
    }
    plots.set(figure, new uPlot(plotOptions(figure, body, holder, raw), [xs, ys], holder));
    figure.querySelector("[data-figures-summary]").textContent = summary(figure, body, raw);
    holder.setAttribute("aria-label", body.label + ". " + summary(figure, body, raw));
  }

  function queryFor(figure, form) {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value) {
        query.set(key, value);
      }
    });
    if (figure.dataset.money !== "true") {
      query.delete("currency");
    }
    return query;
  }

  // The API names each bad field; say which and why rather than only "some fields are invalid".
  function errorText(body, response) {
    var error = body && body.error;
    if (!error) {
      return response.statusText;
    }
    var fields = Object.keys(error.fields || {}).map(function (name) {
      return name + ": " + error.fields[name].join(" ");
    });
    return fields.length ? fields.join(" ") : error.message;
  }

  function load(root, figure, form, plots) {
    var query = queryFor(figure, form);
    var url = root.dataset.figuresApi + encodeURIComponent(figure.dataset.series) + "/?";
    var csv = new URLSearchParams(query);
    csv.set("format", "csv");
    figure.querySelector("[data-figures-csv]").setAttribute("href", url + csv.toString());
    return fetch(url + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(errorText(body, response));
          }
          draw(figure, body, plots);
        });
      });
  }

  function refresh(root, form, status, plots) {
    var figures = Array.prototype.slice.call(root.querySelectorAll("[data-figures-chart]"));
    status.textContent = "";
    return Promise.allSettled(figures.map(function (figure) { return load(root, figure, form, plots); }))
      .then(function (results) {
        var failed = results.filter(function (result) { return result.status === "rejected"; });
        // Every series shares the form's parameters, so one message usually explains them all.
        status.textContent = failed.length ? failed[0].reason.message : "";
      });
  }

  function start() {
    var root = document.querySelector("[data-figures]");
    if (!root || typeof uPlot === "undefined") {
      return;
    }
    var form = root.querySelector("[data-figures-form]");
    var status = root.querySelector("[data-figures-status]");
    var plots = new Map();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = new URLSearchParams();
      new FormData(form).forEach(function (value, key) {
        if (value) {
          query.set(key, value);
        }
      });
      // Keep the choice in the address, so a reload or a shared link shows the same figures.
      window.history.replaceState(null, "", "?" + query.toString());
      refresh(root, form, status, plots);
    });
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(function () {
        plots.forEach(function (plot, figure) {
          var holder = figure.querySelector("[data-figures-plot]");
          if (holder.clientWidth && holder.clientWidth !== plot.width) {
            plot.setSize({ width: holder.clientWidth, height: HEIGHT });
          }
        });
      });
      observer.observe(root);
    }
    refresh(root, form, status, plots);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
