// The maps of the platform (a territory's, the national one, the home page's): each view
// (box and zoom) is asked to the server, which groups the items into clusters, so a map
// stays light at any number of items. Works offline: tiles only when the page names a tile
// server, perimeters drawn from the platform's own contours. Every marker and cluster is a
// focusable button (Tab, then Enter); the list beside the map carries the same items. The
// page gives every word the map shows, in its data-* attributes.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var data = element.dataset;
  var status = document.getElementById("map-status");
  var form = document.getElementById("map-filters");
  var still = data.still === "true";
  var tilesFailed = false;
  var map = L.map(element, {
    scrollWheelZoom: false, maxZoom: 18, zoomControl: false,
    dragging: !still, doubleClickZoom: !still, boxZoom: false, keyboard: !still,
    // A still map is a picture (role img): nothing in it takes the focus, not even a link.
    attributionControl: !still, touchZoom: !still
  }).setView([46.6, 2.4], Number(data.zoom || 5));
  if (!still) {
    // The zoom buttons' words come from the page, in its language.
    L.control.zoom({ zoomInTitle: data.zoomIn, zoomOutTitle: data.zoomOut }).addTo(map);
  }
  if (data.tiles) {
    var tiles = L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution });
    tiles.on("tileerror", function () {
      if (!tilesFailed) { tilesFailed = true; say(status.textContent); }
    });
    tiles.addTo(map);
  }
  var markers = L.layerGroup().addTo(map);
  var opened = null, pending = null, timer = null, ready = false;
  // Escape closes the open popup and gives the focus back to its marker.
  element.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !opened || !opened.isPopupOpen()) { return; }
    map.closePopup();
    if (opened.getElement()) { opened.getElement().focus(); }
  });

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // The page gives the sentence in its language for none, one and several items (rendered
  // by Django for 0, 1 and 2); the language's plural rule picks one, then the number goes in.
  var plurals = window.Intl && Intl.PluralRules ?
    new Intl.PluralRules(document.documentElement.lang || "fr") : null;
  function plural(count, none, one, other) {
    if (count === 0 && none) { return none; }
    var form = plurals ? plurals.select(count) : (count > 1 ? "other" : "one");
    return (form === "one" ? one : other).replace(/\d+/, String(count));
  }
  function say(text) {
    if (!status) { return; }
    if (data.tilesError) { text = text.replace(" " + data.tilesError, ""); }
    status.textContent = text + (tilesFailed && data.tilesError ? " " + data.tilesError : "");
  }

  function query() {
    var params = new URLSearchParams();
    if (form) {
      var layers = form.querySelectorAll("input[name=layer]");
      if (layers.length) {
        var checked = Array.prototype.filter.call(layers, function (input) { return input.checked; })
          .map(function (input) { return input.value; });
        if (!checked.length) { return null; }
        params.set("kind", checked.join(","));
      }
      Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
        if (select.value) { params.set(select.name, select.value); }
      });
    }
    return params;
  }

  function pointMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var label = data[p.type + "Label"] || "";
    var icon = L.divIcon({
      className: "map-marker map-marker-" + p.type + (p.approximate ? " map-marker-approximate" : ""),
      iconSize: [18, 18]
    });
    // A Leaflet marker (not a circle) is a focusable button: keyboard users reach it.
    return L.marker([c[1], c[0]], {
      icon: icon, title: p.name, alt: p.name, keyboard: !still, interactive: !still
    }).on("popupopen", function () { opened = this; })
      .bindPopup(
        "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(label) +
        (p.kind_label ? " — " + escapeHtml(p.kind_label) : "") +
        (p.approximate ? "<br><em>" + escapeHtml(data.approximate) + "</em>" : "") +
        "<br><a href=\"" + encodeURI(p.url) + "\">" + escapeHtml(data.more) + "</a>");
  }

  function clusterMarker(feature) {
    var p = feature.properties, c = feature.geometry.coordinates;
    var title = plural(p.count, "", data.clusterOne, data.clusterOther);
    var size = p.count < 10 ? 30 : p.count < 1000 ? 38 : 46;
    var icon = L.divIcon({
      className: "map-cluster", iconSize: [size, size],
      html: "<span>" + (p.count >= 10000 ? Math.round(p.count / 1000) + "k" : p.count) + "</span>"
    });
    var marker = L.marker([c[1], c[0]], {
      icon: icon, title: title, alt: title, keyboard: !still, interactive: !still
    });
    if (!still) {
      // A cluster opens by zooming on it; at the last zoom, it says what it holds.
      marker.on("click", function () {
        if (map.getZoom() < map.getMaxZoom()) {
          map.setView(marker.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
        } else {
          marker.bindPopup(escapeHtml(title)).openPopup();
        }
      });
    }
    return marker;
  }

  // The markers on the map by what they show: a new view keeps those that did not change,
  // so the marker a keyboard user is on (or whose popup is open) stays, focus and all.
  var shown = {};
  function featureKey(feature) {
    return JSON.stringify([feature.geometry.coordinates, feature.properties]);
  }

  function draw(answer, first) {
    var points = [], next = {}, focusedTitle = null;
    (answer.features || []).forEach(function (feature) {
      var key = featureKey(feature);
      var marker = next[key] || shown[key];
      if (!marker) {
        marker = feature.properties.type === "cluster" ? clusterMarker(feature) : pointMarker(feature);
        markers.addLayer(marker);
      }
      next[key] = marker;
      points.push(marker.getLatLng());
    });
    Object.keys(shown).forEach(function (key) {
      if (next[key]) { return; }
      var gone = shown[key].getElement();
      if (gone && gone === document.activeElement) { focusedTitle = gone.title; }
      markers.removeLayer(shown[key]);
    });
    shown = next;
    if (focusedTitle !== null) {
      // The item under the focus changed (a cluster split, say): the focus goes to the
      // marker of the same name when there is one, not back to the top of the page.
      Object.keys(shown).forEach(function (key) {
        var el = shown[key].getElement();
        if (focusedTitle !== null && el && el.title === focusedTitle) { el.focus(); focusedTitle = null; }
      });
    }
    if (first && data.fit !== "false") {
      // Few items: show them all; many: the territory, then its clusters at that zoom.
      var clustered = answer.features.some(function (f) { return f.properties.type === "cluster"; });
      if (points.length && !(clustered && perimeter)) {
        map.fitBounds(L.latLngBounds(points), { maxZoom: 13, padding: [20, 20] });
      } else if (perimeter) {
        map.fitBounds(perimeter.getBounds(), { padding: [10, 10] });
      }
    }
    say(plural(answer.total, data.countNone, data.countOne, data.countOther));
  }

  var perimeter = null;
  function drawPerimeter(geojson) {
    if (!geojson) { return; }
    // The territories' communes, drawn under the markers: context without any tiles.
    perimeter = L.geoJSON(geojson, { interactive: false, style: {
      className: "map-perimeter", color: "#495057", weight: 1.5,
      fillColor: "#6c757d", fillOpacity: 0.08
    } }).addTo(map);
    perimeter.bringToBack();
  }

  // The labels (types of actors and places) in the page's language, not the browser's.
  var headers = { Accept: "application/geo+json",
    "Accept-Language": document.documentElement.lang || "fr" };

  function load(first) {
    var params = query();
    if (params === null) {
      markers.clearLayers();
      shown = {};
      say(data.countNone);
      return;
    }
    if (!first || data.bboxFirst === "true") {
      var b = map.getBounds();
      params.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
        .map(function (value) { return value.toFixed(5); }).join(","));
    }
    params.set("zoom", String(map.getZoom()));
    if (pending) { pending.abort(); }
    pending = window.AbortController ? new AbortController() : null;
    fetch(data.clusters + "?" + params.toString(),
      { headers: headers, signal: pending ? pending.signal : undefined })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (answer) {
        if (answer.perimeter) { drawPerimeter(answer.perimeter); }
        ready = true;
        draw(answer, first);
        // The list beside the map (map_list.js) follows the view just drawn.
        params.delete("zoom");
        element.dispatchEvent(new CustomEvent("map:view", { detail: { params: params.toString() } }));
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        say(data.loadError);
      });
  }

  map.on("moveend", function () {
    if (!ready || still) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { load(false); }, 150);
  });
  if (form) {
    form.addEventListener("change", function () { load(false); });
  }
  if (data.perimeters) {
    fetch(data.perimeters, { headers: headers })
      .then(function (response) { return response.json(); })
      .then(drawPerimeter)
      .catch(function () { say(data.loadError); });
  }
  load(true);
})();
