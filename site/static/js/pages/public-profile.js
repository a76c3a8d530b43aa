/* The public profile page: profile, cover and default room settings, read and saved through the API. */
(function () {
  "use strict";

  var PROFILE_URL = "/api/v1/moderator-profile/";
  var PROFILE_FIELDS = ["headline", "bio", "topics", "languages", "location", "links", "visibility"];
  // Room defaults shown with their own error line (the page only sends valid switches and choices).
  var DEFAULTS_FIELDS = ["visibility", "access", "max_participants", "max_duration_minutes", "record", "welcome_message"];

  /* Language names in the reader's language; the code itself where the browser cannot name it. */
  function languageNamer(language) {
    var names = null;
    try {
      names = new Intl.DisplayNames([language || "en"], { type: "language" });
    } catch (e) {
      names = null;
    }
    return function (code) {
      var name = names ? names.of(code) : "";
      return name && name !== code ? name + " (" + code + ")" : code;
    };
  }

  /* Errors next to their fields; the top line explains, or carries what no field shows. */
  function topError(error, names) {
    var onFields = Object.keys(error.fields || {}).some(function (name) { return names.indexOf(name) >= 0; });
    return onFields ? "Not saved: see the marked fields below." : error.message;
  }

  document.addEventListener("alpine:init", function () {
    var Lyceum = window.Lyceum;

    window.Alpine.data("publicProfilePage", function () {
      return {
        loading: true, ready: false, saving: false, saved: false, error: "", fieldErrors: {},
        form: { headline: "", bio: "", topics: [], languages: [], location: "", links: [], visibility: "public" },
        languageOptions: [], chosenLanguages: [], languageToAdd: "", maxLinks: 8, canAddLink: true,
        hasCover: false, coverUrl: "", coverError: "", coverBusy: false,
        defaults: {}, defaultsErrors: {}, defaultsError: "", defaultsSaving: false, defaultsSaved: false,
        allLanguages: [], nextLinkKey: 1, nameOf: null,

        init: function () {
          var self = this;
          var data = self.$el.dataset;
          self.maxLinks = Number(data.maxLinks) || 8;
          self.nameOf = languageNamer(data.language);
          self.allLanguages = (data.languages || "").split(" ").filter(Boolean).map(function (code) {
            return { code: code, name: self.nameOf(code) };
          }).sort(function (a, b) { return a.name.localeCompare(b.name); });
          Promise.all([Lyceum.api("GET", PROFILE_URL), Lyceum.api("GET", PROFILE_URL + "room-defaults/")])
            .then(function (answers) { self.fill(answers[0]); self.defaults = answers[1]; self.ready = true; })
            .catch(function (e) { self.error = e.message; })
            .finally(function () { self.loading = false; });
        },

        fill: function (profile) {
          var self = this;
          self.form = {
            headline: profile.headline, bio: profile.bio, topics: profile.topics.slice(),
            languages: profile.languages.slice(), location: profile.location, visibility: profile.visibility,
            links: profile.links.map(function (link) { return self.newLink(link.label, link.url); })
          };
          self.hasCover = !!profile.cover_url;
          self.coverUrl = profile.cover_url || "";
          self.refreshLanguages();
          self.refreshLinks();
        },

        refreshLanguages: function () {
          var self = this;
          var chosen = self.form.languages;
          self.chosenLanguages = chosen.map(function (code) {
            var name = self.nameOf(code);
            return { code: code, name: name, removeLabel: "Remove " + name };
          });
          self.languageOptions = self.allLanguages.filter(function (option) { return chosen.indexOf(option.code) < 0; });
          self.languageToAdd = "";
        },
        addLanguage: function () {
          if (this.languageToAdd && this.form.languages.indexOf(this.languageToAdd) < 0) {
            this.form.languages.push(this.languageToAdd);
          }
          this.refreshLanguages();
        },
        removeLanguage: function (language) {
          this.form.languages = this.form.languages.filter(function (code) { return code !== language.code; });
          this.refreshLanguages();
        },

        newLink: function (label, url) {
          this.nextLinkKey += 1;
          return { key: this.nextLinkKey, label: label || "", url: url || "" };
        },
        refreshLinks: function () { this.canAddLink = this.form.links.length < this.maxLinks; },
        addLink: function () {
          if (this.form.links.length < this.maxLinks) this.form.links.push(this.newLink());
          this.refreshLinks();
        },
        removeLink: function (link) {
          this.form.links = this.form.links.filter(function (other) { return other.key !== link.key; });
          this.refreshLinks();
        },

        payload: function () {
          var form = this.form;
          return {
            headline: form.headline, bio: form.bio, topics: form.topics, languages: form.languages,
            location: form.location, visibility: form.visibility,
            links: form.links.filter(function (link) { return link.label.trim() || link.url.trim(); })
              .map(function (link) { return { label: link.label, url: link.url }; })
          };
        },
        save: function () {
          var self = this;
          self.saving = true; self.saved = false; self.error = ""; self.fieldErrors = {};
          Lyceum.api("PATCH", PROFILE_URL, self.payload())
            .then(function (profile) { self.fill(profile); self.saved = true; })
            .catch(function (e) { self.error = topError(e, PROFILE_FIELDS); self.fieldErrors = Lyceum.firstErrors(e.fields); })
            .finally(function () { self.saving = false; });
        },

        uploadCover: function () {
          var self = this;
          var file = self.$refs.cover.files[0];
          self.coverError = "";
          if (!file) { self.coverError = "Choose an image first."; return; }
          var data = new FormData();
          data.append("cover", file);
          self.coverBusy = true;
          Lyceum.api("PUT", PROFILE_URL + "cover/", data)
            .then(function (profile) {
              self.hasCover = !!profile.cover_url; self.coverUrl = profile.cover_url || ""; self.$refs.cover.value = "";
            })
            .catch(function (e) { self.coverError = Lyceum.firstErrors(e.fields).cover || e.message; })
            .finally(function () { self.coverBusy = false; });
        },
        removeCover: function () {
          var self = this;
          self.coverError = "";
          Lyceum.api("DELETE", PROFILE_URL + "cover/")
            .then(function () { self.hasCover = false; self.coverUrl = ""; })
            .catch(function (e) { self.coverError = e.message; });
        },

        saveDefaults: function () {
          var self = this;
          self.defaultsSaving = true; self.defaultsSaved = false; self.defaultsError = ""; self.defaultsErrors = {};
          Lyceum.api("PUT", PROFILE_URL + "room-defaults/", self.defaults)
            .then(function (defaults) { self.defaults = defaults; self.defaultsSaved = true; })
            .catch(function (e) {
              self.defaultsError = topError(e, DEFAULTS_FIELDS);
              self.defaultsErrors = Lyceum.firstErrors(e.fields);
            })
            .finally(function () { self.defaultsSaving = false; });
        }
      };
    });
  });
})();
