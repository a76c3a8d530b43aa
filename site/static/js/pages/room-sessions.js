/* A room's sessions (the host's history of its meeting runs), through the sessions API. */
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var formatDate = window.Lyceum.formatDate;

    Alpine.data("roomSessions", function () {
      return {
        room: "", rows: [], loading: true, hasRows: false, empty: false, error: "",
        page: 1, next: null, previous: null, hasPages: false,
        init: function () {
          this.room = this.$el.dataset.room;
          this.load();
        },
        decorate: function (row) {
          var running = row.status === "running";
          row.startedText = formatDate(row.started_at);
          row.endedText = running ? "running" : formatDate(row.ended_at);
          row.endedClass = running ? "badge badge-approved" : "";
          row.recordedText = row.recorded ? "Yes" : "No";
          row.attendanceUrl = "/dashboard/sessions/" + row.id + "/attendance/";
          return row;
        },
        load: function () {
          var self = this;
          self.error = "";
          api("GET", "/api/v1/rooms/" + self.room + "/sessions/?page=" + self.page).then(function (data) {
            self.rows = data.results.map(function (row) { return self.decorate(row); });
            self.hasRows = self.rows.length > 0;
            self.empty = data.count === 0;
            self.next = data.next; self.previous = data.previous;
            self.hasPages = !!(data.next || data.previous);
          }).catch(function (e) { self.error = e.message; })
            .finally(function () { self.loading = false; });
        },
        goNext: function () { this.page += 1; this.load(); },
        goPrevious: function () { this.page = Math.max(1, this.page - 1); this.load(); }
      };
    });
  });
})();
