/* Dashboard components (Alpine.js CSP build: logic lives here, templates only name it). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Calls the API; resolves to the JSON body, rejects with {message, fields} in the API's error shape. */
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
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
  });
})();
