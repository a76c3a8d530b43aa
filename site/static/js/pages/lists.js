/* The host's white list (approved automatically) and black list (rejected automatically). */
(function () {
  "use strict";

  var LISTS = [
    {
      kind: "allow", title: "White list", addLabel: "Add to white list",
      help: "Approved automatically in all your rooms."
    },
    {
      kind: "block", title: "Black list", addLabel: "Add to black list",
      help: "Rejected automatically in all your rooms."
    }
  ];

  function personText(person) {
    if (!person.handle) return person.email + " (when confirmed)";
    return person.name + " (@" + person.handle + ")";
  }

  var errorText = window.Lyceum.errorText;

  document.addEventListener("alpine:init", function () {
    var Alpine = window.Alpine;
    var api = window.Lyceum.api;

    Alpine.data("accessLists", function () {
      return {
        lists: [], busy: false,
        init: function () {
          var self = this;
          self.lists = LISTS.map(function (list) {
            return {
              kind: list.kind, title: list.title, addLabel: list.addLabel, help: list.help,
              testId: list.kind + "-list", personId: list.kind + "-person", noteId: list.kind + "-note",
              person: "", note: "", error: "", rules: [], empty: false
            };
          });
          self.lists.forEach(function (list) { self.load(list); });
        },
        load: function (list) {
          api("GET", "/api/v1/access-rules/?page_size=200&kind=" + list.kind).then(function (data) {
            list.rules = data.results.map(function (rule) {
              rule.personText = personText(rule.person);
              return rule;
            });
            list.empty = data.count === 0;
          }).catch(function (e) { list.error = e.message; });
        },
        add: function (list) {
          var self = this;
          list.error = ""; self.busy = true;
          api("POST", "/api/v1/access-rules/", { kind: list.kind, person: list.person, note: list.note })
            .then(function () {
              list.person = ""; list.note = "";
              // A person moves between lists: refresh both.
              self.lists.forEach(function (other) { self.load(other); });
            })
            .catch(function (e) { list.error = errorText(e); })
            .finally(function () { self.busy = false; });
        },
        remove: function (list, rule) {
          var self = this;
          if (!window.confirm("Remove " + rule.personText + " from your " + list.title.toLowerCase() + "?")) return;
          list.error = "";
          api("DELETE", "/api/v1/access-rules/" + rule.id + "/").then(function () { self.load(list); })
            .catch(function (e) { list.error = e.message; });
        }
      };
    });
  });
})();
