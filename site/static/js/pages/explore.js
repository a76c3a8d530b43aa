/* The Explore page: suggestions under the search box while typing, and tidy links. The form works
   without this script (a plain GET form); suggestions come from the search API and link to hosts,
   rooms and topics. Arrow keys move through them, Enter opens the chosen one, Escape closes them. */
(function () {
  "use strict";

  var MIN_LENGTH = 2;

  document.addEventListener("alpine:init", function () {
    /* Shorter links to share: the search goes to the same URL without the fields left empty. */
    window.Alpine.data("exploreForm", function () {
      return {
        tidy: function (event) {
          var values = new URLSearchParams();
          new FormData(this.$el).forEach(function (value, name) {
            if (String(value).trim()) values.append(name, value);
          });
          event.preventDefault();
          var query = values.toString();
          window.location.assign(this.$el.getAttribute("action") + (query ? "?" + query : ""));
        }
      };
    });

    window.Alpine.data("exploreSuggest", function () {
      return {
        url: "", suggestions: [], open: false, expanded: "false", active: -1, activeId: "", ticket: 0,

        init: function () {
          this.url = this.$el.dataset.url;
        },

        suggest: function () {
          var self = this;
          var text = self.$refs.input.value.trim();
          self.ticket += 1;
          var ticket = self.ticket;
          if (text.length < MIN_LENGTH) { self.show([]); return; }
          window.Lyceum.api("GET", self.url + "?" + new URLSearchParams({ q: text }).toString())
            .then(function (answer) { if (ticket === self.ticket) self.show(answer.results || []); })
            .catch(function () { if (ticket === self.ticket) self.show([]); });
        },

        show: function (results) {
          this.suggestions = results.map(function (result, index) {
            return {
              id: "explore-suggestion-" + index, label: result.label, detail: result.detail, url: result.url,
              selected: "false", css: ""
            };
          });
          this.active = -1;
          this.open = this.suggestions.length > 0;
          this.mark();
        },

        mark: function () {
          var active = this.active;
          this.suggestions.forEach(function (item, index) {
            item.selected = String(index === active);
            item.css = index === active ? "is-active" : "";
          });
          this.activeId = active >= 0 ? this.suggestions[active].id : "";
          this.expanded = String(this.open);
        },

        next: function () {
          if (!this.suggestions.length) return;
          this.open = true;
          this.active = (this.active + 1) % this.suggestions.length;
          this.mark();
        },

        previous: function () {
          if (!this.suggestions.length) return;
          this.open = true;
          this.active = this.active <= 0 ? this.suggestions.length - 1 : this.active - 1;
          this.mark();
        },

        /* Enter on a highlighted suggestion opens it; otherwise the form searches as usual. */
        choose: function (event) {
          if (!this.open || this.active < 0) return;
          event.preventDefault();
          window.location.assign(this.suggestions[this.active].url);
        },

        close: function () {
          this.open = false;
          this.active = -1;
          this.mark();
        }
      };
    });
  });
})();
