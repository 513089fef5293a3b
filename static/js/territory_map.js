// The step-1 map: actors and places of a territory from the GeoJSON API, clustered, over
// the territory's communes. Works offline: tiles only when the page names a tile server.
// The list beside the map carries the same items for keyboard and screen-reader users;
// each marker is a focusable button too (Tab, then Enter opens its popup). The page gives
// every word the map shows, in its data-* attributes.
(function () {
  "use strict";
  var element = document.getElementById("map");
  if (!element || !window.L) { return; }
  var status = document.getElementById("map-status");
  var tilesFailed = false;
  var map = L.map(element, { scrollWheelZoom: false, maxZoom: 18, zoomControl: false })
    .setView([46.6, 2.4], 6);
  // The zoom buttons' words come from the page, in its language.
  L.control.zoom({ zoomInTitle: element.dataset.zoomIn, zoomOutTitle: element.dataset.zoomOut })
    .addTo(map);
  if (element.dataset.tiles) {
    var tiles = L.tileLayer(element.dataset.tiles, {
      maxZoom: 18, attribution: element.dataset.attribution
    });
    tiles.on("tileerror", function () {
      if (!tilesFailed) { tilesFailed = true; status.textContent += " " + element.dataset.tilesError; }
    });
    tiles.addTo(map);
  }
  // Markers of one town stay apart once zoomed on it; clusters above, for big territories.
  var cluster = L.markerClusterGroup({ disableClusteringAtZoom: 12 });
  map.addLayer(cluster);
  var features = [], perimeter = null, opened = null;
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
  function countText(count) {
    if (count === 0) { return element.dataset.countNone; }
    var form = plurals ? plurals.select(count) : (count > 1 ? "other" : "one");
    var sentence = form === "one" ? element.dataset.countOne : element.dataset.countOther;
    return sentence.replace(/\d+/, String(count));
  }

  function render() {
    var form = document.getElementById("map-filters");
    var layers = Array.prototype.map.call(
      form.querySelectorAll("input[name=layer]:checked"), function (input) { return input.value; });
    var kind = form.querySelector("select[name=kind]").value;
    cluster.clearLayers();
    var shown = features.filter(function (feature) {
      var p = feature.properties;
      return layers.indexOf(p.type) !== -1 && (!kind || p.type !== "actor" || p.kind === kind);
    });
    var markers = shown.map(function (feature) {
      var p = feature.properties, c = feature.geometry.coordinates;
      var label = p.type === "actor" ? element.dataset.actorLabel : element.dataset.placeLabel;
      // A Leaflet marker (not a circle) is a focusable button: keyboard users reach it.
      var icon = L.divIcon({
        className: "map-marker map-marker-" + p.type + (p.approximate ? " map-marker-approximate" : ""),
        iconSize: [18, 18]
      });
      return L.marker([c[1], c[0]], { icon: icon, title: p.name, alt: p.name, keyboard: true })
        .on("popupopen", function () { opened = this; })
        .bindPopup(
          "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(label) + " — " +
          escapeHtml(p.kind_label) +
          (p.approximate ? "<br><em>" + escapeHtml(element.dataset.approximate) + "</em>" : "") +
          "<br><a href=\"" + encodeURI(p.url) + "\">" + escapeHtml(element.dataset.more) + "</a>");
    });
    cluster.addLayers(markers);
    if (markers.length) {
      map.fitBounds(cluster.getBounds(), { maxZoom: 13, padding: [20, 20] });
    } else if (perimeter) {
      map.fitBounds(perimeter.getBounds(), { padding: [10, 10] });
    }
    status.textContent = countText(markers.length) +
      (tilesFailed ? " " + element.dataset.tilesError : "");
  }

  // The labels (types of actors and places) in the page's language, not the browser's.
  fetch(element.dataset.geojson, { headers: {
    Accept: "application/geo+json", "Accept-Language": document.documentElement.lang || "fr"
  } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      if (data.perimeter) {
        // The territory's communes, drawn under the markers: context without any tiles.
        perimeter = L.geoJSON(data.perimeter, { interactive: false, style: {
          className: "map-perimeter", color: "#495057", weight: 1.5,
          fillColor: "#6c757d", fillOpacity: 0.08
        } }).addTo(map);
      }
      features = data.features || [];
      render();
    })
    .catch(function () { status.textContent = element.dataset.loadError; });
  document.getElementById("map-filters").addEventListener("change", render);
})();
