// Type to narrow the catalogue's long list of sources in the contribution form. Without
// JavaScript the plain list works; the search box only hides the options that do not match.
(function () {
  "use strict";
  var select = document.querySelector("select[data-source-select]");
  var template = document.getElementById("source-filter-template");
  if (!select || !template) { return; }
  select.parentNode.insertBefore(template.content.cloneNode(true), select);
  var input = document.getElementById("source-filter");
  // A list box shows the matching sources at once, where a drop-down would hide them.
  select.size = 8;
  var count = document.getElementById("source-filter-count");
  var fold = function (text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  };
  var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value; });
  input.addEventListener("input", function () {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = 0;
    options.forEach(function (option) {
      var text = fold(option.text);
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      option.hidden = !match && !option.selected;
      if (match) { shown += 1; }
    });
    if (!words.length) { count.textContent = ""; return; }
    count.textContent = shown === 0 ? input.dataset.none
      : shown === 1 ? input.dataset.one : input.dataset.many.replace("{n}", shown);
  });
})();
