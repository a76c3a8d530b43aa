/* A room's recordings, for its host: rename, publish or unpublish, delete (through the recordings API).
 * The rows are rendered on the server; each row is its own component holding that recording's state. */
(function () {
  "use strict";

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var firstErrors = window.Lyceum.firstErrors;

    function problem(e) {
      var fields = firstErrors(e.fields);
      return fields.name || fields.published || e.message;
    }

    Alpine.data("recordingRow", function () {
      return {
        room: "", id: "", name: "", draft: "", published: false, box: false, publishedText: "",
        viewing: true, editing: false, busy: false, present: true, error: "", inputId: "",
        init: function () {
          var data = this.$el.dataset;
          this.room = data.room; this.id = data.id; this.name = data.name;
          this.published = data.published === "true";
          this.box = this.published;
          this.inputId = "recording-name-" + this.id;
          this.describe();
        },
        url: function () {
          return "/api/v1/rooms/" + this.room + "/recordings/" + this.id + "/";
        },
        describe: function () {
          this.publishedText = this.published ? "Published" : "Not published";
        },
        change: function (body) {
          var self = this;
          self.busy = true; self.error = "";
          return api("PATCH", self.url(), body).then(function (recording) {
            self.name = recording.name; self.published = recording.published; self.box = recording.published;
            self.describe();
            return true;
          }).catch(function (e) {
            self.error = problem(e);
            return false;
          }).finally(function () { self.busy = false; });
        },
        startRename: function () {
          this.draft = this.name; this.error = "";
          this.viewing = false; this.editing = true;
        },
        cancelRename: function () {
          this.editing = false; this.viewing = true; this.error = "";
        },
        saveName: function () {
          var self = this;
          self.change({ name: self.draft }).then(function (done) {
            if (done) { self.editing = false; self.viewing = true; }
          });
        },
        togglePublished: function () {
          var self = this;
          self.change({ published: self.box }).then(function (done) {
            // Refused: put the box back the way the server has it.
            if (!done) self.box = self.published;
          });
        },
        remove: function () {
          var self = this;
          var question = "Delete \u201c" + self.name + "\u201d? It is removed from the meeting server " +
            "for everyone and cannot be brought back.";
          if (!window.confirm(question)) return;
          self.busy = true; self.error = "";
          api("DELETE", self.url()).then(function () { self.present = false; })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.busy = false; });
        }
      };
    });
  });
})();
