/* Shared rooms: the attendee's registrations, cancel under the refund rule, join when it opens. */
(function () {
  "use strict";

  var PERIODS = { one_time: "once", monthly: "per month", per_minute: "per minute" };
  var PAID = { one_time: true, monthly: true };

  function dateOnly(value) {
    return new Date(value).toLocaleDateString();
  }

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var formatDate = window.Lyceum.formatDate;
    var formatMoney = window.Lyceum.formatMoney;
    var newKey = window.Lyceum.newKey;

    Alpine.data("sharedRooms", function () {
      return {
        rows: [], loading: true, hasRows: false, empty: false, busy: false, error: "", notice: "",
        page: 1, next: null, previous: null, hasPages: false, language: "en", refundHours: "24",
        init: function () {
          this.language = this.$el.dataset.language || "en";
          this.refundHours = this.$el.dataset.refundHours || "24";
          this.load();
        },
        decorate: function (row) {
          var room = row.room;
          var paid = PAID[row.fee_model];
          row.hostText = "Host: " + room.host.name + " (@" + room.host.handle + ")";
          row.statusClass = "badge badge-" + row.status;
          row.noteText = row.status === "rejected" && row.note ? "The host's note: " + row.note : "";
          row.priceText = row.fee_model === "free" ? "Free"
            : formatMoney(row.price, this.language) + " " + PERIODS[row.fee_model];
          row.paidText = paid ? "Paid " + formatMoney(row.paid, this.language) : "";
          if (paid && row.status === "pending") row.paidText = "Held until the host decides";
          row.nextText = row.next_session ? formatDate(row.next_session) : "No session planned";
          row.periodText = "";
          if (row.fee_model === "monthly" && row.status === "approved" && row.period_end) {
            row.periodText = (row.cancel_at_period_end ? "Ends on " : "Renews on ") + dateOnly(row.period_end);
          }
          row.canCancel = row.status === "pending" || (row.status === "approved" && !row.cancel_at_period_end);
          row.joinUrl = "/rooms/" + room.id + "/join/";
          // Recordings are for approved registrants (the host may open them to past ones as well).
          row.canWatch = row.status === "approved";
          row.recordingsUrl = "/dashboard/rooms/" + room.id + "/recordings/";
          return row;
        },
        load: function () {
          var self = this;
          api("GET", "/api/v1/registrations/?page=" + self.page).then(function (data) {
            self.rows = data.results.map(function (row) { return self.decorate(row); });
            self.hasRows = self.rows.length > 0;
            self.empty = data.count === 0;
            self.next = data.next; self.previous = data.previous;
            self.hasPages = !!(data.next || data.previous);
          }).catch(function (e) { self.error = e.message; })
            .finally(function () { self.loading = false; });
        },
        goNext: function () { this.page += 1; this.load(); },
        goPrevious: function () { this.page = Math.max(1, this.page - 1); this.load(); },
        /* The refund rule that applies to this registration, said before the attendee confirms. */
        question: function (row) {
          var name = row.room.name;
          var price = formatMoney(row.price, this.language);
          if (row.status === "pending") {
            return "Cancel your registration for " + name + "?" +
              (PAID[row.fee_model] ? " The " + price + " held for it goes back to your wallet at once." : "");
          }
          if (row.fee_model === "monthly" && row.period_end) {
            return "Cancel your subscription to " + name + "? It runs to the end of the paid month (" +
              dateOnly(row.period_end) + "), then stops. There are no partial refunds.";
          }
          if (row.fee_model === "one_time" && Number(row.paid.amount) > 0) {
            return "Cancel your registration for " + name + "? You get " + price + " back in full only if no " +
              "session has started since you paid and the next one is more than " + this.refundHours +
              " hours away; otherwise there is no refund.";
          }
          return "Cancel your registration for " + name + "?";
        },
        outcome: function (row, result) {
          var name = row.room.name;
          if (result.refunded) {
            return "Canceled " + name + ": " + formatMoney(result.refunded, this.language) + " went back to your wallet.";
          }
          if (result.access_until) {
            return "Canceled " + name + ": you keep access until " + formatDate(result.access_until) + ".";
          }
          if (row.status === "approved" && row.fee_model === "one_time" && Number(row.paid.amount) > 0) {
            return "Canceled " + name + ". No refund was due under the refund rule.";
          }
          return "Canceled " + name + ".";
        },
        cancel: function (row) {
          var self = this;
          if (!window.confirm(self.question(row))) return;
          self.busy = true; self.error = ""; self.notice = "";
          api("POST", "/api/v1/registrations/" + row.id + "/cancel/", {}, { "Idempotency-Key": newKey() })
            .then(function (result) { self.notice = self.outcome(row, result); self.load(); })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.busy = false; });
        }
      };
    });
  });
})();
