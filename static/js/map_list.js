// The accessible list beside the national map follows the map: each view the map draws
// (cluster_map.js says which: its box and filters) asks the API for the items drawn in it,
// page by page, and the list shows them. Without a script, the page's own list stays:
// every item the filters keep. The focus is never taken from the map; a page chosen in
// the list puts it on the list's title, and a link of the list that was focused stays
// focused when it is still there.
(function () {
  "use strict";
  var section = document.getElementById("map-list");
  var element = document.getElementById("map");
  var body = document.getElementById("map-list-body");
  var heading = document.getElementById("map-list-title");
  if (!section || !element || !body || !heading || !window.fetch || !window.URLSearchParams) { return; }
  var data = section.dataset;
  var pending = null;
  // A page number in the address (a link followed from the list) holds for the first view.
  var firstPage = new URLSearchParams(window.location.search).get("page");
  var plurals = window.Intl && Intl.PluralRules ?
    new Intl.PluralRules(document.documentElement.lang || "fr") : null;

  function countText(count) {
    if (count === 0) { return data.countNone; }
    var form = plurals ? plurals.select(count) : (count > 1 ? "other" : "one");
    return (form === "one" ? data.countOne : data.countOther).replace(/\d+/, String(count));
  }

  function node(tag, className, text) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (text != null) { el.textContent = text; }
    return el;
  }

  function pageItem(text, params, page) {
    var item = node("li", "page-item");
    var query = new URLSearchParams(params);
    query.set("page", String(page));
    var a = node("a", "page-link", text);
    a.href = "?" + query.toString();
    a.addEventListener("click", function (event) {
      event.preventDefault();
      show(params, page, true);
    });
    item.appendChild(a);
    return item;
  }

  function pagination(answer, params) {
    var nav = node("nav");
    nav.setAttribute("aria-label", data.pagination);
    var list = node("ul", "pagination");
    if (answer.page > 1) { list.appendChild(pageItem(data.previous, params, answer.page - 1)); }
    var current = node("li", "page-item active");
    current.setAttribute("aria-current", "page");
    current.appendChild(node("span", "page-link", data.pages
      .replace("{number}", String(answer.page)).replace("{total}", String(answer.pages))));
    list.appendChild(current);
    if (answer.page < answer.pages) { list.appendChild(pageItem(data.next, params, answer.page + 1)); }
    nav.appendChild(list);
    return nav;
  }

  function render(answer, params, chosen) {
    var focused = document.activeElement;
    var kept = focused && focused !== heading && section.contains(focused) ?
      focused.getAttribute("href") : null;
    var parts = [node("p", "small", countText(answer.count))];
    parts[0].id = "map-list-count";
    if (answer.results.length) {
      var list = node("ul", "list-unstyled small national-map-list");
      answer.results.forEach(function (row) {
        var item = node("li", "mb-1");
        var dot = node("span", "legend-dot legend-" + row.layer_key);
        dot.setAttribute("aria-hidden", "true");
        var a = node("a", "", row.name);
        a.href = row.url;
        item.appendChild(dot);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(a);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(node("span", "text-body-secondary", "— " + [row.layer, row.kind, row.territory]
          .filter(function (word) { return word; }).join(", ")));
        list.appendChild(item);
      });
      parts.push(list);
      if (answer.pages > 1) { parts.push(pagination(answer, params)); }
    }
    body.textContent = "";
    parts.forEach(function (part) { body.appendChild(part); });
    // What the list shows now: the box and page (scripts and tests can wait for it).
    section.setAttribute("data-shown", (answer.bbox || []).join(",") + "|" + answer.page);
    if (chosen) {
      heading.focus();
    } else if (kept !== null) {
      // The link under the focus is gone or redrawn: the same link, else the list's title.
      var same = Array.prototype.filter.call(body.querySelectorAll("a"), function (a) {
        return a.getAttribute("href") === kept;
      })[0];
      (same || heading).focus();
    }
  }

  function show(params, page, chosen) {
    var query = new URLSearchParams(params);
    if (page) { query.set("page", String(page)); }
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    fetch(data.list + "?" + query.toString(), {
      headers: { Accept: "application/json", "Accept-Language": document.documentElement.lang || "fr" },
      signal: pending ? pending.signal : undefined
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      render(answer, params, chosen);
    }).catch(function (error) {
      if (error && error.name === "AbortError") { return; }
      var count = document.getElementById("map-list-count");
      if (count) { count.textContent = data.loadError; }
    });
  }

  element.addEventListener("map:view", function (event) {
    var page = firstPage;
    firstPage = null;
    show(event.detail.params, page, false);
  });
})();
