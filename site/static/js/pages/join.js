/* The join page: ask the join API for the meeting's URL and send the browser there; wait for the host.
 *
 * The tab may stay open for hours while people wait, so there is at most one poll scheduled and one
 * clock ticking at any time, the next poll is scheduled only once the previous answer is in, and
 * the elapsed time is computed from the start time (browsers slow timers down in background tabs). */
(function () {
  "use strict";

  // Errors that may pass by themselves: keep waiting and ask again, more slowly.
  var RETRYABLE = { bbb_unavailable: true, throttled: true };
  var MAX_DELAY_SECONDS = 60;

  function twoDigits(value) {
    return value < 10 ? "0" + value : String(value);
  }

  function elapsedText(milliseconds) {
    var total = Math.max(0, Math.floor(milliseconds / 1000));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = twoDigits(total % 60);
    return hours ? hours + ":" + twoDigits(minutes) + ":" + seconds : minutes + ":" + seconds;
  }

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;
    var firstErrors = window.Lyceum.firstErrors;

    Alpine.data("joinRoom", function () {
      return {
        room: "", mode: "member", pollSeconds: 5, delaySeconds: 5,
        name: "", passcode: "", busy: false, joining: false, waiting: false, redirecting: false,
        showForm: false, error: "", canRetry: false, notice: "", fieldErrors: {},
        nameClass: "field", passcodeClass: "field", elapsedText: "0:00",
        waitingSince: 0, pollTimer: null, clockTimer: null, onVisible: null, onPageShow: null,
        init: function () {
          var self = this;
          self.room = self.$el.dataset.room;
          self.mode = self.$el.dataset.mode || "member";
          self.pollSeconds = Math.max(1, Number(self.$el.dataset.pollSeconds) || 5);
          self.delaySeconds = self.pollSeconds;
          // Back in a tab the browser had slowed down: ask at once rather than at the next tick.
          self.onVisible = function () {
            if (document.visibilityState === "visible") self.pollNow();
          };
          // Back from the meeting with the Back button: the page comes from the cache with a used URL.
          self.onPageShow = function (event) {
            if (event.persisted) self.restart();
          };
          document.addEventListener("visibilitychange", self.onVisible);
          window.addEventListener("pageshow", self.onPageShow);
          self.restart();
        },
        destroy: function () {
          this.stopWaiting();
          document.removeEventListener("visibilitychange", this.onVisible);
          window.removeEventListener("pageshow", this.onPageShow);
        },
        restart: function () {
          this.stopWaiting();
          this.redirecting = false; this.error = ""; this.canRetry = false; this.notice = "";
          this.delaySeconds = this.pollSeconds;
          if (this.mode === "guest") {
            this.showForm = true;
          } else {
            this.join();
          }
        },
        retry: function () {
          this.restart();
        },
        submitGuest: function () {
          this.setFieldErrors({});
          this.showForm = false;
          this.join();
        },
        body: function () {
          return this.mode === "guest" ? { name: this.name, passcode: this.passcode } : {};
        },
        join: function () {
          var self = this;
          if (self.busy) return;
          self.busy = true; self.error = ""; self.canRetry = false;
          self.joining = !self.waiting;
          api("POST", "/api/v1/rooms/" + self.room + "/join/", self.body())
            .then(function (result) { self.answer(result); })
            .catch(function (e) { self.fail(e); })
            .finally(function () { self.busy = false; self.joining = false; });
        },
        answer: function (result) {
          this.notice = "";
          this.delaySeconds = Math.max(1, Number(result.poll_seconds) || this.pollSeconds);
          if (result.url) {
            this.stopWaiting();
            this.redirecting = true;
            window.location.assign(result.url);
            return;
          }
          this.startWaiting();
          this.schedule();
        },
        fail: function (e) {
          // No code: the network failed or the answer was not ours (a proxy's error page).
          var retryable = !e.code || RETRYABLE[e.code];
          var message = e.code ? e.message : "The connection to the site was interrupted.";
          if (this.waiting && retryable) {
            this.notice = message + " Trying again shortly.";
            this.delaySeconds = Math.min(this.delaySeconds * 2, MAX_DELAY_SECONDS);
            this.schedule();
            return;
          }
          this.stopWaiting();
          var fields = firstErrors(e.fields);
          this.setFieldErrors(fields);
          if (this.mode === "guest") {
            this.showForm = true;
            // A field's message is shown next to the field; anything else above the form.
            if (!fields.name && !fields.passcode) this.error = message;
            return;
          }
          this.error = message;
          this.canRetry = true;
        },
        setFieldErrors: function (fields) {
          this.fieldErrors = fields;
          this.nameClass = fields.name ? "field field-invalid" : "field";
          this.passcodeClass = fields.passcode ? "field field-invalid" : "field";
        },
        schedule: function () {
          var self = this;
          window.clearTimeout(self.pollTimer);
          self.pollTimer = window.setTimeout(function () {
            self.pollTimer = null;
            self.join();
          }, self.delaySeconds * 1000);
        },
        pollNow: function () {
          if (!this.waiting || this.busy) return;
          window.clearTimeout(this.pollTimer);
          this.pollTimer = null;
          this.join();
        },
        startWaiting: function () {
          var self = this;
          if (self.waiting) return;
          self.waiting = true;
          self.waitingSince = Date.now();
          self.tick();
          self.clockTimer = window.setInterval(function () { self.tick(); }, 1000);
        },
        stopWaiting: function () {
          this.waiting = false;
          window.clearInterval(this.clockTimer);
          window.clearTimeout(this.pollTimer);
          this.clockTimer = null; this.pollTimer = null;
        },
        tick: function () {
          this.elapsedText = elapsedText(Date.now() - this.waitingSince);
        }
      };
    });
  });
})();
