/* A room's registrants: decide one by one or in bulk, ban by @handle or email, keep the access list. */
(function () {
  "use strict";

  // What a successful decision turns a registration into (bulk answers only "ok").
  var OUTCOMES = {
    approve: { status: "approved", label: "Approved" },
    reject: { status: "rejected", label: "Rejected" },
    ban: { status: "banned", label: "Banned" }
  };

  function personText(person) {
    if (!person.handle) return person.email;
    return person.name + " (@" + person.handle + ")";
  }

  var errorText = window.Lyceum.errorText;

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var formatDate = window.Lyceum.formatDate;
    var formatMoney = window.Lyceum.formatMoney;

    Alpine.data("registrantsPage", function () {
      return {
        base: "", language: "en", tabs: [], status: "pending", query: "", note: "",
        rows: [], hasRows: false, empty: false, emptyText: "", page: 1, next: null, previous: null,
        hasPages: false, allSelected: false, selectedText: "", busy: false, error: "", notice: "",
        banForm: { person: "", note: "" }, banError: "",
        init: function () {
          this.base = "/api/v1/rooms/" + this.$el.dataset.room + "/registrants/";
          this.language = this.$el.dataset.language || "en";
          this.tabs = JSON.parse(document.getElementById("registrant-tabs").textContent);
          this.status = this.tabs[0].value;
          this.refreshTabs();
          this.load();
        },
        refreshTabs: function () {
          var status = this.status;
          this.tabs = this.tabs.map(function (tab) {
            tab.pressed = tab.value === status ? "true" : "false";
            tab.className = tab.value === status ? "btn btn-primary" : "btn";
            return tab;
          });
        },
        decorate: function (row, result) {
          var free = Number(row.price.amount) === 0;
          row.handleText = "@" + row.user.handle;
          row.selectLabel = "Select @" + row.user.handle;
          row.statusClass = "badge badge-" + row.status;
          row.priceText = free ? "Free" : formatMoney(row.price, this.language);
          row.paidText = free ? "" : "Paid " + formatMoney(row.paid, this.language);
          row.dateText = new Date(row.created_at).toLocaleDateString();
          row.canApprove = row.status === "pending";
          row.canReject = row.status === "pending";
          row.canBan = row.status !== "banned";
          row.canUnban = row.status === "banned";
          row.selected = false;
          row.resultText = result ? result.text : "";
          row.resultClass = result ? result.className : "";
          return row;
        },
        load: function () {
          var self = this;
          var query = new URLSearchParams({ page: self.page });
          if (self.status) query.set("status", self.status);
          if (self.query) query.set("search", self.query);
          api("GET", self.base + "?" + query.toString()).then(function (data) {
            self.rows = data.results.map(function (row) { return self.decorate(row); });
            self.hasRows = self.rows.length > 0;
            self.empty = data.count === 0;
            self.emptyText = self.query ? "Nobody matches your search." : "Nobody here.";
            self.next = data.next; self.previous = data.previous;
            self.hasPages = !!(data.next || data.previous);
            self.allSelected = false; self.countSelected();
          }).catch(function (e) { self.error = e.message; });
        },
        show: function (tab) {
          this.status = tab.value; this.page = 1; this.notice = ""; this.error = "";
          this.refreshTabs(); this.load();
        },
        find: function () { this.page = 1; this.load(); },
        goNext: function () { this.page += 1; this.load(); },
        goPrevious: function () { this.page = Math.max(1, this.page - 1); this.load(); },
        chosenRows: function () { return this.rows.filter(function (row) { return row.selected; }); },
        countSelected: function () {
          var count = this.chosenRows().length;
          this.selectedText = count === 1 ? "1 selected" : count + " selected";
          this.allSelected = count > 0 && count === this.rows.length;
        },
        toggleAll: function () {
          var on = this.allSelected;
          this.rows.forEach(function (row) { row.selected = on; });
          this.countSelected();
        },
        /* Put the answer of a one-row decision in place of the row, with what happened. */
        replace: function (updated, text) {
          var self = this;
          self.rows = self.rows.map(function (row) {
            return row.id === updated.id ? self.decorate(updated, { text: text, className: "saved" }) : row;
          });
          self.countSelected();
        },
        decide: function (row, action, body, done) {
          var self = this;
          self.busy = true; self.error = ""; self.notice = "";
          api("POST", self.base + row.id + "/" + action + "/", body || {})
            .then(function (updated) { self.replace(updated, done); })
            .catch(function (e) { self.error = "@" + row.user.handle + ": " + errorText(e); })
            .finally(function () { self.busy = false; });
        },
        approve: function (row) { this.decide(row, "approve", {}, "Approved"); },
        reject: function (row) {
          var note = window.prompt("Reject @" + row.user.handle + "? Money held for them goes back to them. " +
            "Note for them (optional):", this.note);
          if (note === null) return;
          this.decide(row, "reject", { note: note }, "Rejected");
        },
        ban: function (row) {
          var note = window.prompt("Ban @" + row.user.handle + " from this room? They can neither register nor join; " +
            "money held for them goes back to them. Note for them (optional):", this.note);
          if (note === null) return;
          this.decide(row, "ban", { note: note }, "Banned");
        },
        unban: function (row) {
          if (!window.confirm("Unban @" + row.user.handle + "? They can register again.")) return;
          this.decide(row, "unban", {}, "Unbanned");
        },
        bulk: function (action) {
          var self = this;
          var chosen = self.chosenRows();
          self.error = ""; self.notice = "";
          if (chosen.length === 0) { self.error = "Select at least one person first."; return; }
          self.busy = true;
          var body = { ids: chosen.map(function (row) { return row.id; }), action: action, note: self.note };
          api("POST", self.base + "bulk/", body).then(function (data) {
            var done = 0;
            self.rows = self.rows.map(function (row) {
              var result = data.results[row.id];
              if (!result) return row;
              if (result !== "ok") return self.decorate(row, { text: result, className: "field-errors" });
              done += 1;
              row.status = OUTCOMES[action].status; row.status_label = OUTCOMES[action].label;
              return self.decorate(row, { text: OUTCOMES[action].label, className: "saved" });
            });
            var failed = chosen.length - done;
            self.notice = done + " done" + (failed ? ", " + failed + " not changed (see Result)." : ".");
            self.countSelected();
          }).catch(function (e) { self.error = errorText(e); })
            .finally(function () { self.busy = false; });
        },
        bulkApprove: function () { this.bulk("approve"); },
        bulkReject: function () { this.bulk("reject"); },
        bulkBan: function () {
          var count = this.chosenRows().length;
          if (count && !window.confirm("Ban " + count + (count === 1 ? " person" : " people") + " from this room?")) return;
          this.bulk("ban");
        },
        banPerson: function () {
          var self = this;
          self.banError = ""; self.notice = "";
          self.busy = true;
          api("POST", self.base + "ban-person/", self.banForm).then(function (banned) {
            self.notice = "@" + banned.user.handle + " is banned from this room.";
            self.banForm = { person: "", note: "" };
            self.load();
          }).catch(function (e) { self.banError = errorText(e); })
            .finally(function () { self.busy = false; });
        }
      };
    });

    Alpine.data("roomAccessList", function () {
      return {
        base: "", entries: [], hasRows: false, empty: false, person: "", busy: false, error: "", notice: "",
        init: function () {
          this.base = "/api/v1/rooms/" + this.$el.dataset.room + "/access-list/";
          this.load();
        },
        load: function () {
          var self = this;
          api("GET", self.base + "?page_size=200").then(function (data) {
            self.entries = data.results.map(function (entry) {
              entry.personText = personText(entry.person);
              entry.stateText = entry.accepted ? "Has access" : "Invitation sent";
              entry.stateClass = entry.accepted ? "badge badge-approved" : "badge badge-pending";
              entry.dateText = formatDate(entry.created_at);
              return entry;
            });
            self.hasRows = self.entries.length > 0;
            self.empty = data.count === 0;
          }).catch(function (e) { self.error = e.message; });
        },
        invite: function () {
          var self = this;
          self.error = ""; self.notice = ""; self.busy = true;
          api("POST", self.base, { person: self.person }).then(function (entry) {
            self.notice = entry.accepted ? personText(entry.person) + " can now see this room."
              : "Invitation sent to " + entry.person.email + ".";
            self.person = "";
            self.load();
          }).catch(function (e) { self.error = errorText(e); })
            .finally(function () { self.busy = false; });
        },
        remove: function (entry) {
          var self = this;
          if (!window.confirm("Remove " + entry.personText + " from this room's access list?")) return;
          self.error = ""; self.notice = "";
          api("DELETE", self.base + entry.id + "/").then(function () { self.load(); })
            .catch(function (e) { self.error = e.message; });
        }
      };
    });
  });
})();
