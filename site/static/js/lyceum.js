/* Dashboard components (Alpine.js CSP build: logic lives here, templates only name it). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Calls the API; resolves to the JSON body, rejects with {message, fields} in the API's error shape. */
  function api(method, url, body, headers) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    Object.keys(headers || {}).forEach(function (name) { options.headers[name] = headers[name]; });
    if (method !== "GET") options.headers["X-CSRFToken"] = csrfToken();
    if (body instanceof FormData) {
      options.body = body;
    } else if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      if (response.status === 204) return null;
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = (data && data.error) || { message: "Something went wrong (" + response.status + ")." };
        return Promise.reject({ message: error.message, fields: error.fields || {}, code: error.code });
      });
    });
  }

  function firstErrors(fields) {
    var out = {};
    Object.keys(fields || {}).forEach(function (name) { out[name] = (fields[name] || []).join(" "); });
    return out;
  }

  function formatDate(value) {
    return value ? new Date(value).toLocaleString() : "—";
  }

  /* Display only: amounts stay decimal strings in the API; Intl formats them per language. */
  function formatMoney(money, language) {
    try {
      return new Intl.NumberFormat(language || document.documentElement.lang || "en", {
        style: "currency", currency: money.currency
      }).format(Number(money.amount));
    } catch (e) {
      return money.amount + " " + money.currency;
    }
  }

  function newKey() {
    return (window.crypto && window.crypto.randomUUID) ? window.crypto.randomUUID()
      : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var tag = document.createElement("script");
      tag.src = src; tag.onload = resolve; tag.onerror = reject;
      document.head.appendChild(tag);
    });
  }

  /* The message and the field errors, each once (a field error often repeats the message). */
  function errorText(e) {
    var fields = firstErrors(e.fields);
    var parts = [e.message];
    Object.keys(fields).forEach(function (name) { if (parts.indexOf(fields[name]) < 0) parts.push(fields[name]); });
    return parts.join(" ");
  }

  /* Shared with the page scripts (site/static/js/pages/*.js). */
  window.Lyceum = {
    api: api, firstErrors: firstErrors, errorText: errorText, formatDate: formatDate,
    formatMoney: formatMoney, newKey: newKey, loadScript: loadScript
  };

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;

    Alpine.data("profileForm", function () {
      return {
        loading: true, ready: false, saving: false, saved: false, hasAvatar: false,
        error: "", fieldErrors: {},
        form: { display_name: "", handle: "", time_zone: "UTC", language: "en" },
        init: function () {
          var self = this;
          var zones = (Intl.supportedValuesOf && Intl.supportedValuesOf("timeZone")) || [];
          var list = document.getElementById("time-zones");
          zones.forEach(function (zone) { var o = document.createElement("option"); o.value = zone; list.appendChild(o); });
          api("GET", "/api/v1/me/").then(function (me) { self.fill(me); self.ready = true; })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.loading = false; });
        },
        fill: function (me) {
          this.form = { display_name: me.display_name, handle: me.handle, time_zone: me.time_zone, language: me.language };
          this.hasAvatar = !!me.avatar_url;
        },
        save: function () {
          var self = this;
          self.saving = true; self.saved = false; self.error = ""; self.fieldErrors = {};
          api("PATCH", "/api/v1/me/", self.form).then(function (me) {
            self.fill(me); self.saved = true;
            document.querySelectorAll('[data-testid="handle"]').forEach(function (el) { el.textContent = "@" + me.handle; });
          }).catch(function (e) { self.error = e.message; self.fieldErrors = firstErrors(e.fields); })
            .finally(function () { self.saving = false; });
        },
        uploadAvatar: function () {
          var self = this;
          var file = self.$refs.avatar.files[0];
          self.fieldErrors = {}; self.error = "";
          if (!file) { self.fieldErrors = { avatar: "Choose an image first." }; return; }
          var data = new FormData(); data.append("avatar", file);
          api("PUT", "/api/v1/me/avatar/", data).then(function () { window.location.reload(); })
            .catch(function (e) { self.error = e.message; self.fieldErrors = firstErrors(e.fields); });
        },
        removeAvatar: function () {
          api("DELETE", "/api/v1/me/avatar/").then(function () { window.location.reload(); });
        }
      };
    });

    Alpine.data("tokenManager", function () {
      return {
        tokens: [], name: "", secret: "", error: "", empty: false,
        init: function () { this.load(); },
        load: function () {
          var self = this;
          api("GET", "/api/v1/tokens/").then(function (page) {
            self.tokens = page.results.map(function (t) {
              t.created_at = formatDate(t.created_at); t.last_used_at = formatDate(t.last_used_at); return t;
            });
            self.empty = self.tokens.length === 0;
          }).catch(function (e) { self.error = e.message; });
        },
        create: function () {
          var self = this;
          self.error = "";
          api("POST", "/api/v1/tokens/", { name: self.name }).then(function (token) {
            self.secret = token.token; self.name = ""; self.load();
          }).catch(function (e) { self.error = e.message; });
        },
        revoke: function (token) {
          var self = this;
          if (!window.confirm("Revoke \u201c" + token.name + "\u201d? Programs using it will stop working.")) return;
          api("DELETE", "/api/v1/tokens/" + token.id + "/").then(function () { self.load(); })
            .catch(function (e) { self.error = e.message; });
        }
      };
    });

    Alpine.data("memberManager", function () {
      return {
        members: [], who: "", role: "moderator", search: "", filterRole: "", error: "",
        page: 1, next: null, previous: null, summary: "",
        init: function () { this.load(); },
        load: function () {
          var self = this;
          var query = new URLSearchParams({ page: self.page, search: self.search });
          if (self.filterRole) query.set("role", self.filterRole);
          api("GET", "/api/v1/memberships/?" + query.toString()).then(function (data) {
            self.members = data.results.map(function (m) {
              m.actionLabel = m.role === "attendee" ? "Remove from site" : "Revoke role";
              return m;
            });
            self.next = data.next; self.previous = data.previous;
            self.summary = data.count + (data.count === 1 ? " role" : " roles");
          }).catch(function (e) { self.error = e.message; });
        },
        goNext: function () { this.page += 1; this.load(); },
        goPrevious: function () { this.page = Math.max(1, this.page - 1); this.load(); },
        grant: function () {
          var self = this;
          self.error = "";
          api("POST", "/api/v1/memberships/", { user: self.who, role: self.role }).then(function () {
            self.who = ""; self.load();
          }).catch(function (e) { self.error = e.message + " " + Object.values(firstErrors(e.fields)).join(" "); });
        },
        revoke: function (membership) {
          var self = this;
          var question = membership.role === "attendee"
            ? "Remove @" + membership.user.handle + " and all their roles from this site?"
            : "Remove the " + membership.role + " role of @" + membership.user.handle + "?";
          if (!window.confirm(question)) return;
          api("DELETE", "/api/v1/memberships/" + membership.id + "/").then(function () { self.load(); })
            .catch(function (e) { self.error = e.message; });
        }
      };
    });
    Alpine.data("walletPage", function () {
      return {
        balances: [], noBalance: false, zeroText: "", history: [], historyEmpty: false,
        presets: [], currencies: [], testMode: false, busy: false, errorText: "",
        paymentNotice: "", paymentProblem: "", stripeMounted: false,
        form: { amount: "", currency: "" }, filters: { kind: "", created_after: "", created_before: "" },
        page: 1, next: null, previous: null, csvUrl: "/api/v1/wallet/transactions/export/",
        language: "en", stripe: null, elements: null, rechargeKey: "",
        init: function () {
          var self = this;
          self.language = self.$el.dataset.language || "en";
          api("GET", "/api/v1/wallet/settings/").then(function (config) {
            self.currencies = config.currencies; self.testMode = config.test_mode;
            self.form.currency = config.default_currency;
            self.zeroText = formatMoney({ amount: "0", currency: config.default_currency }, self.language);
            self.presetValues = config.presets; self.refreshPresets();
          });
          self.loadBalances(); self.loadHistory();
          var payment = self.$el.dataset.payment;
          if (payment) self.showPayment(payment);
        },
        refreshPresets: function () {
          var self = this;
          self.presets = (self.presetValues || []).map(function (value) {
            return { value: value, label: value, className: value === self.form.amount ? "btn btn-primary" : "btn" };
          });
        },
        choose: function (preset) { this.form.amount = preset.value; this.refreshPresets(); },
        loadBalances: function () {
          var self = this;
          api("GET", "/api/v1/wallet/balances/").then(function (rows) {
            self.balances = rows.map(function (row) {
              row.availableText = formatMoney(row.available, self.language);
              row.hasHeld = Number(row.held.amount) > 0;
              row.heldText = formatMoney(row.held, self.language) + " held for pending bookings";
              return row;
            });
            self.noBalance = rows.length === 0;
          });
        },
        query: function () {
          var query = new URLSearchParams({ page: this.page });
          var filters = this.filters;
          Object.keys(filters).forEach(function (name) { if (filters[name]) query.set(name, filters[name]); });
          return query;
        },
        loadHistory: function () {
          var self = this;
          var query = self.query();
          query.delete("page");
          self.csvUrl = "/api/v1/wallet/transactions/export/?" + query.toString();
          api("GET", "/api/v1/wallet/transactions/?" + self.query().toString()).then(function (data) {
            self.history = data.results.map(function (row, index) {
              row.key = row.id + ":" + index;
              row.dateText = formatDate(row.created_at);
              row.amountText = formatMoney(row.amount, self.language);
              row.amountClass = Number(row.amount.amount) < 0 ? "num debit" : "num credit";
              return row;
            });
            self.historyEmpty = data.count === 0; self.next = data.next; self.previous = data.previous;
          });
        },
        goNext: function () { this.page += 1; this.loadHistory(); },
        goPrevious: function () { this.page = Math.max(1, this.page - 1); this.loadHistory(); },
        showPayment: function (id) {
          var self = this;
          api("GET", "/api/v1/wallet/payments/" + id + "/").then(function (payment) {
            var amount = formatMoney(payment.amount, self.language);
            if (payment.status === "succeeded") self.paymentNotice = "Your wallet was recharged with " + amount + ".";
            else if (payment.status === "pending") self.paymentNotice = "Your payment of " + amount + " is being confirmed.";
            else self.paymentProblem = "The payment of " + amount + " did not go through: " +
              (payment.failure_message || payment.status_label) + " Your balance has not changed.";
          });
        },
        recharge: function () {
          var self = this;
          self.errorText = ""; self.busy = true;
          if (!self.rechargeKey) self.rechargeKey = newKey();
          api("POST", "/api/v1/wallet/recharges/", { amount: self.form.amount, currency: self.form.currency },
              { "Idempotency-Key": self.rechargeKey })
            .then(function (started) {
              self.rechargeKey = "";
              var checkout = started.checkout;
              if (checkout.redirect_url) { window.location.assign(checkout.redirect_url); return; }
              if (checkout.client_secret) self.mountStripe(checkout, started.payment.id);
            })
            .catch(function (e) {
              self.rechargeKey = "";
              self.errorText = [e.message].concat(Object.values(firstErrors(e.fields))).join(" ");
            })
            .finally(function () { self.busy = false; });
        },
        mountStripe: function (checkout, paymentId) {
          var self = this;
          loadScript(self.$el.dataset.stripeJs).then(function () {
            self.stripe = window.Stripe(checkout.publishable_key);
            self.elements = self.stripe.elements({ clientSecret: checkout.client_secret });
            self.elements.create("payment").mount("#payment-element");
            self.stripeMounted = true; self.paymentId = paymentId;
          }).catch(function () { self.errorText = "The card form could not load. Please try again."; });
        },
        confirmStripe: function () {
          var self = this;
          var back = window.location.origin + "/dashboard/wallet/?payment=" + self.paymentId;
          self.stripe.confirmPayment({ elements: self.elements, confirmParams: { return_url: back } })
            .then(function (result) { if (result.error) self.errorText = result.error.message; });
        }
      };
    });

    Alpine.data("payoutsPage", function () {
      return {
        payouts: [], empty: false, busy: false, errorText: "", language: "en", key: "",
        form: { amount: "", currency: "", destination: "" },
        init: function () {
          this.language = this.$el.dataset.language || "en";
          this.form.currency = this.$el.dataset.currency || "USD";
          this.load();
        },
        load: function () {
          var self = this;
          api("GET", "/api/v1/wallet/payouts/").then(function (data) {
            self.payouts = data.results.map(function (p) {
              p.dateText = formatDate(p.created_at); p.amountText = formatMoney(p.amount, self.language);
              p.canCancel = p.status === "requested";
              return p;
            });
            self.empty = data.count === 0;
          });
        },
        request: function () {
          var self = this;
          self.errorText = ""; self.busy = true;
          if (!self.key) self.key = newKey();
          api("POST", "/api/v1/wallet/payouts/", self.form, { "Idempotency-Key": self.key })
            .then(function () { self.key = ""; self.form.amount = ""; self.load(); })
            .catch(function (e) {
              self.key = "";
              self.errorText = [e.message].concat(Object.values(firstErrors(e.fields))).join(" ");
            })
            .finally(function () { self.busy = false; });
        },
        cancel: function (payout) {
          var self = this;
          api("POST", "/api/v1/wallet/payouts/" + payout.id + "/cancel/", {}, { "Idempotency-Key": newKey() })
            .then(function () { self.load(); })
            .catch(function (e) { self.errorText = e.message; });
        }
      };
    });

    Alpine.data("payoutQueue", function () {
      return {
        payouts: [], status: "requested", empty: false, error: "", language: "en",
        init: function () { this.language = this.$el.dataset.language || "en"; this.load(); },
        load: function () {
          var self = this;
          var query = self.status ? "?status=" + self.status : "";
          api("GET", "/api/v1/payout-queue/" + query).then(function (data) {
            self.payouts = data.results.map(function (p) {
              p.amountText = formatMoney(p.amount, self.language);
              p.canApprove = p.status === "requested";
              p.canPay = p.status === "approved";
              p.canReject = p.status === "requested" || p.status === "approved";
              return p;
            });
            self.empty = data.count === 0;
          }).catch(function (e) { self.error = e.message; });
        },
        act: function (payout, action, body) {
          var self = this;
          self.error = "";
          api("POST", "/api/v1/payout-queue/" + payout.id + "/" + action + "/", body || {},
              { "Idempotency-Key": newKey() })
            .then(function () { self.load(); })
            .catch(function (e) { self.error = [e.message].concat(Object.values(firstErrors(e.fields))).join(" "); });
        },
        approve: function (payout) { this.act(payout, "approve"); },
        markPaid: function (payout) {
          var reference = window.prompt("Bank or provider reference of the transfer:");
          if (reference) this.act(payout, "mark-paid", { external_reference: reference });
        },
        reject: function (payout) {
          var reason = window.prompt("Why is this payout rejected? (the member will see it)");
          if (reason) this.act(payout, "reject", { reason: reason });
        }
      };
    });
    Alpine.data("plansPage", function () {
      return {
        plans: [], history: [], error: "", language: "en", hasCurrent: false, currentName: "",
        currentText: "", scheduledText: "", canCancel: false, current: null,
        init: function () { this.language = this.$el.dataset.language || "en"; this.load(); },
        describe: function (plan) {
          var lines = [
            plan.max_rooms + (plan.max_rooms === 1 ? " room" : " rooms"),
            "up to " + plan.max_attendees_per_room + " attendees per room",
            "sessions up to " + plan.max_session_minutes + " minutes"
          ];
          var features = [
            ["allows_paid_rooms", "paid rooms"], ["allows_subscription_rooms", "monthly subscription rooms"],
            ["allows_per_minute_rooms", "per-minute rooms"], ["allows_recording", "recordings"],
            ["allows_mp4_download", "MP4 downloads"], ["allows_attendance_reports", "attendance reports"],
            ["allows_streaming", "live streaming"], ["allows_custom_profile_link", "custom profile link"]
          ];
          features.forEach(function (pair) { if (plan[pair[0]]) lines.push(pair[1]); });
          return lines;
        },
        load: function () {
          var self = this;
          api("GET", "/api/v1/plan-subscriptions/current/").then(function (current) {
            self.current = current; self.hasCurrent = !!current;
            if (!current) return;
            self.currentName = current.plan.name;
            var end = current.period_end ? new Date(current.period_end).toLocaleDateString() : "";
            self.currentText = !end ? "No renewal needed." :
              (current.cancel_at_period_end ? "Ends on " + end + "." :
                (current.status === "past_due" ? "Renewal failed: recharge your wallet before " +
                  new Date(current.grace_until).toLocaleDateString() + "." : "Renews on " + end + "."));
            self.scheduledText = current.next_plan ? "Changes to " + current.next_plan.name + " on " + end + "." : "";
            self.canCancel = !current.plan.is_default && !current.cancel_at_period_end;
          }).catch(function () { self.current = null; self.hasCurrent = false; })
            .finally(function () { self.loadPlans(); });
          api("GET", "/api/v1/plan-subscriptions/").then(function (data) {
            self.history = data.results.map(function (row) {
              row.startText = formatDate(row.period_start); row.endText = row.ended_at ? formatDate(row.ended_at) : "";
              return row;
            });
          });
        },
        loadPlans: function () {
          var self = this;
          api("GET", "/api/v1/plans/").then(function (data) {
            var currentId = self.current ? self.current.plan.id : null;
            self.plans = data.results.map(function (plan) {
              plan.isCurrent = plan.id === currentId;
              plan.priceText = Number(plan.price.amount) === 0 ? "Free" : formatMoney(plan.price, self.language);
              plan.periodText = Number(plan.price.amount) === 0 ? "" : plan.billing_period_label.toLowerCase();
              plan.lines = self.describe(plan);
              plan.buttonText = plan.isCurrent ? "Your plan" : "Choose " + plan.name;
              plan.buttonClass = plan.isCurrent ? "btn" : "btn btn-primary";
              return plan;
            });
          });
        },
        choose: function (plan) {
          var self = this;
          var price = Number(plan.price.amount) === 0 ? "for free" : "for " + plan.priceText + " from your wallet";
          if (!window.confirm("Choose the " + plan.name + " plan " + price + "?")) return;
          self.error = "";
          api("POST", "/api/v1/plans/" + plan.id + "/choose/", {}, { "Idempotency-Key": newKey() })
            .then(function () { self.load(); })
            .catch(function (e) { self.error = e.message; });
        },
        cancel: function () {
          var self = this;
          if (!window.confirm("Cancel your plan? You keep it until the end of the period.")) return;
          api("POST", "/api/v1/plan-subscriptions/cancel/", {}).then(function () { self.load(); })
            .catch(function (e) { self.error = e.message; });
        }
      };
    });
    Alpine.data("roomsPage", function () {
      return {
        rooms: [], name: "", error: "", busy: false, empty: false, language: "en",
        init: function () { this.language = this.$el.dataset.language || "en"; this.load(); },
        load: function () {
          var self = this;
          api("GET", "/api/v1/rooms/").then(function (data) {
            self.rooms = data.results.map(function (room) {
              room.feeText = room.fee_model === "free" ? "Free" : formatMoney(room.price, self.language);
              room.approvedText = room.registrants.approved + " approved";
              room.pendingText = room.registrants.pending + " pending";
              room.registrantsUrl = "/dashboard/rooms/" + room.id + "/registrants/";
              room.salesText = formatMoney(room.sales, self.language);
              return room;
            });
            self.empty = data.count === 0;
          });
        },
        create: function () {
          var self = this;
          self.error = ""; self.busy = true;
          api("POST", "/api/v1/rooms/", { name: self.name })
            .then(function () { self.name = ""; self.load(); })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.busy = false; });
        }
      };
    });
  });
})();
