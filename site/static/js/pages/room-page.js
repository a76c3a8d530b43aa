/* The public room page: register in one click through the registrations API. */
(function () {
  "use strict";

  var PAID = { one_time: true, monthly: true };

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var formatMoney = window.Lyceum.formatMoney;
    var newKey = window.Lyceum.newKey;

    Alpine.data("roomRegister", function () {
      return {
        room: "", language: "en", key: "", busy: false, idle: true, done: false,
        statusText: "", detailText: "", error: "", needsFunds: false,
        init: function () {
          this.room = this.$el.dataset.room;
          this.language = this.$el.dataset.language || "en";
        },
        describe: function (registration) {
          var price = formatMoney(registration.price, this.language);
          if (!PAID[registration.fee_model]) return "";
          if (registration.status === "pending") {
            return price + " is held in your wallet until the host decides.";
          }
          if (registration.status === "approved" && Number(registration.paid.amount) > 0) {
            return "Paid " + price + " from your wallet.";
          }
          return "";
        },
        register: function () {
          var self = this;
          self.busy = true; self.error = ""; self.needsFunds = false;
          // One key per attempt: a retried request is answered once, a new click is a new attempt.
          if (!self.key) self.key = newKey();
          api("POST", "/api/v1/registrations/", { room: self.room }, { "Idempotency-Key": self.key })
            .then(function (registration) {
              self.idle = false; self.done = true;
              self.statusText = registration.status_label;
              self.detailText = self.describe(registration);
            })
            .catch(function (e) {
              self.error = e.message;
              self.needsFunds = e.code === "insufficient_funds";
            })
            .finally(function () { self.key = ""; self.busy = false; });
        }
      };
    });
  });
})();
