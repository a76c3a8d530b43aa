/* The room edit page: room settings and the schedule, all read and saved through the API. */
(function () {
  "use strict";

  var SETTINGS = [
    "record", "auto_start_recording", "allow_start_stop_recording", "mute_on_start",
    "webcams_only_for_moderator", "guest_policy", "lock_private_chat", "lock_public_chat",
    "lock_shared_notes", "welcome_message", "recording_access"
  ];
  var ROOM_FIELDS = [
    "name", "slug", "description", "visibility", "access", "max_participants", "max_duration_minutes",
    "fee_model", "approval_required"
  ].concat(SETTINGS);
  // Fields shown with their own error line; errors on other fields go to the top of the form.
  var ROOM_ERROR_FIELDS = ROOM_FIELDS.concat(["passcode", "price"]);
  var SESSION_FIELDS = ["starts_at", "duration_minutes", "time_zone", "title"];
  var FEE_PERIODS = { one_time: "once", monthly: "per month", per_minute: "per minute" };

  function fieldClasses(names, errors) {
    var out = {};
    names.forEach(function (name) { out[name] = errors[name] ? "field field-invalid" : "field"; });
    return out;
  }

  /* Errors next to their fields; the top line explains, or carries what no field shows. */
  function topError(error, names) {
    var onFields = Object.keys(error.fields || {}).some(function (name) { return names.indexOf(name) >= 0; });
    return onFields ? "Not saved: see the marked fields below." : error.message;
  }

  /* "2030-05-01T18:00" as the clock on the wall shows it in the zone (what datetime-local expects). */
  function wallTime(value, zone) {
    var parts = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date(value)).forEach(function (part) { parts[part.type] = part.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }

  function zonedText(value, zone, language) {
    try {
      return new Date(value).toLocaleString(language, { timeZone: zone, dateStyle: "medium", timeStyle: "short" });
    } catch (e) {
      return window.Lyceum.formatDate(value);
    }
  }

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var firstErrors = window.Lyceum.firstErrors;
    var formatDate = window.Lyceum.formatDate;
    var formatMoney = window.Lyceum.formatMoney;

    Alpine.data("roomEditor", function () {
      return {
        url: "", language: "en", currency: "USD", loading: true, ready: false, saving: false, saved: false,
        error: "", fieldErrors: {}, classes: fieldClasses(ROOM_ERROR_FIELDS, {}),
        title: "", link: "", pausedText: "", passcodeText: "", hasPasscode: false, paid: false, priceText: "",
        form: {},
        init: function () {
          var self = this;
          self.url = "/api/v1/rooms/" + self.$el.dataset.room + "/";
          self.language = self.$el.dataset.language || "en";
          self.currency = self.$el.dataset.currency || "USD";
          api("GET", self.url).then(function (room) { self.fill(room); self.ready = true; })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.loading = false; });
        },
        fill: function (room) {
          var form = { passcode: "", price: room.fee_model === "free" ? "" : room.price.amount };
          ROOM_FIELDS.forEach(function (name) { form[name] = room[name]; });
          this.form = form;
          this.title = room.name;
          this.link = room.link;
          this.hasPasscode = room.has_passcode;
          this.passcodeText = room.has_passcode ? "A passcode is set." : "No passcode is set.";
          this.pausedText = room.status === "paused" ? room.paused_reason || "This room is paused." : "";
          this.refresh();
        },
        refresh: function () {
          var form = this.form;
          this.paid = form.fee_model !== "free";
          this.priceText = "";
          if (this.paid && Number(form.price) > 0) {
            this.priceText = "Attendees pay " + formatMoney({ amount: form.price, currency: this.currency }, this.language) +
              " " + FEE_PERIODS[form.fee_model] + ".";
          }
        },
        payload: function () {
          var self = this;
          var body = {};
          ROOM_FIELDS.forEach(function (name) { body[name] = self.form[name]; });
          if (self.paid) body.price = { amount: String(self.form.price || ""), currency: self.currency };
          if (self.form.passcode) body.passcode = self.form.passcode;
          return body;
        },
        showErrors: function (error) {
          this.fieldErrors = firstErrors(error.fields);
          this.classes = fieldClasses(ROOM_ERROR_FIELDS, this.fieldErrors);
          this.error = topError(error, ROOM_ERROR_FIELDS);
        },
        send: function (body) {
          var self = this;
          self.saving = true; self.saved = false;
          self.showErrors({ message: "", fields: {} });
          return api("PATCH", self.url, body).then(function (room) { self.fill(room); self.saved = true; })
            .catch(function (e) { self.showErrors(e); })
            .finally(function () { self.saving = false; });
        },
        save: function () { this.send(this.payload()); },
        clearPasscode: function () {
          if (!window.confirm("Remove the passcode? Guests will join with the link alone.")) return;
          this.send({ passcode: "" });
        }
      };
    });

    Alpine.data("roomSchedule", function () {
      return {
        base: "", language: "en", defaultZone: "UTC", defaultMinutes: 45,
        sessions: [], empty: false, busy: false, error: "", fieldErrors: {}, classes: fieldClasses(SESSION_FIELDS, {}),
        editing: null, formTitle: "Add a session", submitLabel: "Add session", durationHelp: "",
        calendarUrl: "", webcalUrl: "", personal: false,
        form: { starts_at: "", duration_minutes: 45, time_zone: "UTC", title: "" },
        init: function () {
          var data = this.$el.dataset;
          var room = data.room;
          this.base = "/api/v1/rooms/" + room + "/schedule/";
          this.language = data.language || "en";
          this.defaultZone = data.timeZone || "UTC";
          if (data.maxMinutes) {
            this.defaultMinutes = Math.min(45, Number(data.maxMinutes));
            this.durationHelp = "At most " + data.maxMinutes + " on your plan.";
          }
          var list = this.$el.querySelector("#session-time-zones");
          var zones = (Intl.supportedValuesOf && Intl.supportedValuesOf("timeZone")) || [];
          zones.forEach(function (zone) { var o = document.createElement("option"); o.value = zone; list.appendChild(o); });
          this.reset();
          this.load();
          this.loadLink(room);
        },
        decorate: function (session) {
          var language = this.language;
          session.whenText = zonedText(session.starts_at, session.time_zone, language) + " (" + session.time_zone + ")";
          session.localText = "Your time: " + formatDate(session.starts_at);
          session.lengthText = session.duration_minutes + " min";
          session.statusText = session.canceled ? "Canceled" : "Planned";
          session.open = !session.canceled;
          session.rowClass = session.canceled ? "session-canceled" : "";
          return session;
        },
        load: function () {
          var self = this;
          api("GET", self.base + "?page_size=200").then(function (data) {
            self.sessions = data.results.map(function (session) { return self.decorate(session); });
            self.empty = data.count === 0;
          }).catch(function (e) { self.error = e.message; });
        },
        loadLink: function (room) {
          var self = this;
          api("GET", "/api/v1/rooms/" + room + "/calendar-link/").then(function (link) {
            self.calendarUrl = link.url; self.webcalUrl = link.webcal_url; self.personal = link.personal;
          });
        },
        showErrors: function (error) {
          this.fieldErrors = firstErrors(error.fields);
          this.classes = fieldClasses(SESSION_FIELDS, this.fieldErrors);
          this.error = topError(error, SESSION_FIELDS);
        },
        reset: function () {
          this.editing = null;
          this.form = { starts_at: "", duration_minutes: this.defaultMinutes, time_zone: this.defaultZone, title: "" };
          this.formTitle = "Add a session"; this.submitLabel = "Add session";
          this.showErrors({ message: "", fields: {} });
        },
        edit: function (session) {
          this.reset();
          this.editing = session.id;
          this.form = {
            starts_at: wallTime(session.starts_at, session.time_zone), duration_minutes: session.duration_minutes,
            time_zone: session.time_zone, title: session.title
          };
          this.formTitle = "Change the session of " + session.whenText; this.submitLabel = "Save session";
        },
        submit: function () {
          var self = this;
          if (!self.form.starts_at) {
            self.showErrors({ message: "", fields: { starts_at: ["Choose a date and time."] } });
            return;
          }
          var body = {
            starts_at: self.form.starts_at, duration_minutes: Number(self.form.duration_minutes),
            time_zone: self.form.time_zone, title: self.form.title
          };
          var request = self.editing ? api("PATCH", self.base + self.editing + "/", body) : api("POST", self.base, body);
          self.busy = true;
          request.then(function () { self.reset(); self.load(); })
            .catch(function (e) { self.showErrors(e); })
            .finally(function () { self.busy = false; });
        },
        cancel: function (session) {
          var self = this;
          if (!window.confirm("Cancel the session of " + session.whenText + "? Subscribed calendars will show it as canceled.")) return;
          api("DELETE", self.base + session.id + "/").then(function () {
            if (self.editing === session.id) self.reset();
            self.load();
          }).catch(function (e) { self.error = e.message; });
        }
      };
    });
  });
})();
