/*
 * parkloop map: draws every <div class="pl-map"> of a page with Leaflet.
 *
 *   <div class="pl-map"
 *        data-geojson="/api/v1/parks/nam-cau-kien.geojson"   the park (services/geo.py)
 *        data-base="/static/geo/viet-nam.geojson"            offline base layer, always drawn
 *        data-tiles=""                                       optional tile URL template
 *        data-attribution=""></div>                          credit for those tiles
 *
 * The base layer is drawn first and tiles only when data-tiles is given, so a map reads
 * with no network at all. Labels come from the feature properties, already in the
 * viewer's language; the few words of this file follow the collection's "lang". Under
 * the map, what it is made of: the collection's "method" and "sources".
 * Runs on DOMContentLoaded and after every htmx swap; plain ES2017, no build step.
 */
(function () {
  'use strict';

  var WORDS = {
    vi: {
      legend: 'Chú giải',
      method: 'Cách tính và nguồn',
      kinds: 'Loại hình tổ chức',
      tiles: 'lớp bản đồ nền: ',
      classes: 'Nhóm vật liệu',
      statuses: 'Trạng thái trao đổi',
      organisation: 'Tổ chức',
      park: 'Khu công nghiệp',
      sector: 'Ngành',
      kind: 'Loại hình',
      quantity: 'Khối lượng',
      hidden: 'không hiển thị với tài khoản này',
      status: 'Trạng thái',
      material: 'Vật liệu',
      from: 'Bên cung cấp',
      to: 'Bên nhận',
      province: 'Tỉnh/thành',
      area: 'Diện tích',
      unplaced: function (orgs, links) {
        var parts = [];
        if (orgs) parts.push(orgs + ' tổ chức');
        if (links) parts.push(links + ' trao đổi');
        return parts.join(', ') + ' chưa có toạ độ nên không có trên bản đồ';
      },
      failed: 'Không tải được dữ liệu bản đồ.',
    },
    en: {
      legend: 'Legend',
      method: 'Method and sources',
      kinds: 'Kind of organisation',
      tiles: 'map tiles: ',
      classes: 'Material class',
      statuses: 'Exchange status',
      organisation: 'Organisation',
      park: 'Industrial park',
      sector: 'Sector',
      kind: 'Kind',
      quantity: 'Quantity',
      hidden: 'not shown to this account',
      status: 'Status',
      material: 'Material',
      from: 'Supplier',
      to: 'Receiver',
      province: 'Province',
      area: 'Area',
      unplaced: function (orgs, links) {
        var parts = [];
        if (orgs) parts.push(orgs + ' organisation' + (orgs > 1 ? 's' : ''));
        if (links) parts.push(links + ' exchange' + (links > 1 ? 's' : ''));
        return parts.join(', ') + ' without coordinates, so not on the map';
      },
      failed: 'The map data could not be loaded.',
    },
  };
  var KIND_COLOURS = {
    enterprise: '#2c5f8a',
    utility: '#2e8b57',
    collector: '#8a5a2c',
    treater: '#7a3b69',
    farm: '#5b8c2a',
    municipality: '#555555',
    other: '#777777',
  };
  var DASHES = { running: null, negotiating: '8 6', proposed: '8 6', planned: '8 6', stopped: '2 7' };
  var BASE_STYLE = { color: '#93a3b1', weight: 1, fillColor: '#f4f1ea', fillOpacity: 1, interactive: false };
  var THINNEST = 2;
  var WIDEST = 9;

  function language(code) {
    var lang = code || document.documentElement.lang || 'vi';
    return lang.slice(0, 2) === 'en' ? 'en' : 'vi';
  }

  function fetchJSON(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/geo+json, application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ': HTTP ' + response.status);
        return response.json();
      });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* A popup as DOM nodes (names are typed by people: never parsed as HTML). */
  function popup(title, rows) {
    var box = element('div', 'pl-popup');
    box.appendChild(element('strong', 'pl-popup-title', title));
    var list = element('dl');
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === '') return;
      list.appendChild(element('dt', '', row[0]));
      list.appendChild(element('dd', row[2] || '', row[1]));
    });
    box.appendChild(list);
    return box;
  }

  function logWidths(features) {
    var byUnit = {};
    features.forEach(function (f) {
      var p = f.properties;
      if (typeof p.quantity === 'number' && p.quantity > 0) {
        (byUnit[p.unit] = byUnit[p.unit] || []).push(f);
      }
    });
    var widths = new Map();
    Object.keys(byUnit).forEach(function (unit) {
      var group = byUnit[unit];
      var logs = group.map(function (f) { return Math.log10(f.properties.quantity); });
      var low = Math.min.apply(null, logs);
      var high = Math.max.apply(null, logs);
      group.forEach(function (f, i) {
        var share = high > low ? (logs[i] - low) / (high - low) : 0.5;
        widths.set(f, THINNEST + share * (WIDEST - THINNEST));
      });
    });
    return widths;
  }

  /* Points of a gentle arc from a to b ([lat, lng]); the arc bows to the right of the
     direction of travel, so A→B and B→A never overlap, and more for each further
     exchange between the same two places. */
  function arc(a, b, bend) {
    var shrink = Math.cos((a[0] + b[0]) / 2 * Math.PI / 180);
    var dx = (b[1] - a[1]) * shrink;
    var dy = b[0] - a[0];
    var control = [(a[0] + b[0]) / 2 - dx * bend, (a[1] + b[1]) / 2 + (dy * bend) / (shrink || 1)];
    var points = [];
    for (var i = 0; i <= 24; i++) {
      var t = i / 24;
      var u = 1 - t;
      points.push([
        u * u * a[0] + 2 * u * t * control[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * control[1] + t * t * b[1],
      ]);
    }
    return points;
  }

  function arrowAt(map, points, colour, layer) {
    var i = Math.round(points.length * 0.6);
    var p = map.project(points[i - 1], 0);
    var q = map.project(points[i], 0);
    var angle = Math.atan2(q.y - p.y, q.x - p.x) * 180 / Math.PI;
    var icon = L.divIcon({
      className: 'pl-arrow-icon',
      iconSize: [12, 12],
      html: '<span class="pl-arrow" style="transform: rotate(' + angle.toFixed(1) + 'deg); border-left-color: ' +
        colour + '"></span>',
    });
    L.marker(points[i], { icon: icon, interactive: false, keyboard: false }).addTo(layer);
  }

  function drawExchanges(map, features, words, layer) {
    var widths = logWidths(features);
    var seen = {};
    features.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var a = [c[0][1], c[0][0]];
      var b = [c[1][1], c[1][0]];
      var pair = a.join(',') + '>' + b.join(',');
      seen[pair] = (seen[pair] || 0) + 1;
      var same = a[0] === b[0] && a[1] === b[1];
      var points = same ? [a, b] : arc(a, b, 0.12 * seen[pair]);
      var weight = widths.get(f) || 3;
      var line = L.polyline(points, {
        color: p.colour,
        // A stopped exchange is history: drawn thin whatever it carried.
        weight: p.status === 'stopped' ? Math.min(weight, 2.5) : weight,
        opacity: p.status === 'stopped' ? 0.45 : 0.85,
        dashArray: DASHES[p.status] || null,
        lineCap: 'round',
      });
      var quantity = p.figures_hidden ? words.hidden : p.quantity_text;
      line.bindPopup(popup(p.material_name, [
        [words.from, p.supplier_name],
        [words.to, p.receiver_name],
        [words.material, p.material_class_label],
        [words.quantity, quantity, p.figures_hidden ? 'pl-muted' : 'pl-num'],
        [words.status, p.status_label],
      ]));
      line.bindTooltip(p.name, { sticky: true });
      line.addTo(layer);
      if (!same) arrowAt(map, points, p.colour, layer);
    });
  }

  /* Colours of the kinds of organisation: the collection's legend, else this file's. */
  function kindColours(collection) {
    var colours = Object.assign({}, KIND_COLOURS);
    ((collection.legend || {}).kinds || []).forEach(function (k) { colours[k.kind] = k.colour; });
    return colours;
  }

  function drawOrganisations(features, words, layer, colours) {
    features.forEach(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var sector = p.sector ? p.sector + (p.sector_name ? ' · ' + p.sector_name : '') : '';
      var marker = L.circleMarker([c[1], c[0]], {
        radius: p.kind === 'enterprise' ? 7 : 6,
        color: '#ffffff',
        weight: 2,
        fillColor: colours[p.kind] || colours.other,
        fillOpacity: 0.95,
      });
      marker.bindPopup(popup(p.name, [
        [words.kind, p.kind_label],
        [words.sector, sector],
        [words.park, p.inside_park === false ? p.park + ' · ↗' : p.park],
      ]));
      marker.bindTooltip(p.name, { direction: 'top', offset: [0, -6] });
      marker.addTo(layer);
    });
  }

  function drawPark(feature, words, layer) {
    var p = feature.properties;
    var rows = [
      [words.province, p.province],
      [words.area, typeof p.area_ha === 'number' ? p.area_ha.toLocaleString() + ' ha' : ''],
    ];
    var shape;
    if (feature.geometry.type === 'Point') {
      var c = feature.geometry.coordinates;
      shape = L.circleMarker([c[1], c[0]], {
        radius: 14, color: '#2c5f8a', weight: 2, dashArray: '4 4', fill: true, fillOpacity: 0.05,
      });
    } else {
      shape = L.geoJSON(feature, {
        style: { color: '#2c5f8a', weight: 2, dashArray: '6 4', fillColor: '#2c5f8a', fillOpacity: 0.06 },
      });
    }
    shape.bindPopup(popup(p.name, rows));
    shape.addTo(layer);
  }

  function legendControl(collection, words) {
    var legend = collection.legend || {};
    var control = L.control({ position: 'bottomright' });
    control.onAdd = function () {
      var box = element('details', 'pl-map-legend');
      box.open = window.matchMedia ? !window.matchMedia('(max-width: 600px)').matches : true;
      box.appendChild(element('summary', '', words.legend));
      if ((legend.kinds || []).length) {
        box.appendChild(element('div', 'pl-legend-title', words.kinds));
        legend.kinds.forEach(function (k) {
          var row = element('div', 'pl-legend-row');
          var dot = element('span', 'pl-swatch pl-swatch-dot');
          dot.style.background = k.colour;
          row.appendChild(dot);
          row.appendChild(element('span', '', k.label));
          box.appendChild(row);
        });
      }
      if ((legend.material_classes || []).length) {
        box.appendChild(element('div', 'pl-legend-title', words.classes));
        legend.material_classes.forEach(function (c) {
          var row = element('div', 'pl-legend-row');
          var swatch = element('span', 'pl-swatch');
          swatch.style.background = c.colour;
          row.appendChild(swatch);
          row.appendChild(element('span', '', c.label));
          box.appendChild(row);
        });
      }
      if ((legend.statuses || []).length) {
        box.appendChild(element('div', 'pl-legend-title', words.statuses));
        legend.statuses.forEach(function (s) {
          var row = element('div', 'pl-legend-row');
          row.appendChild(element('span', 'pl-line pl-line-' + s.status));
          row.appendChild(element('span', '', s.label));
          box.appendChild(row);
        });
      }
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  function noteControl(text, className) {
    var control = L.control({ position: 'bottomleft' });
    control.onAdd = function () { return element('div', 'pl-map-note ' + (className || ''), text); };
    return control;
  }

  function draw(map, collection) {
    var words = WORDS[language(collection.lang)];
    var features = collection.features || [];
    var layer = L.featureGroup().addTo(map);
    var byClass = { park: [], organisation: [], exchange: [] };
    features.forEach(function (f) {
      if (f && f.geometry && byClass[f.properties && f.properties['class']]) {
        byClass[f.properties['class']].push(f);
      }
    });
    byClass.park.forEach(function (f) { drawPark(f, words, layer); });
    drawExchanges(map, byClass.exchange, words, layer);
    drawOrganisations(byClass.organisation, words, layer, kindColours(collection));
    legendControl(collection, words).addTo(map);
    var unplaced = collection.unplaced || {};
    if (unplaced.organisations || unplaced.exchanges) {
      noteControl(words.unplaced(unplaced.organisations, unplaced.exchanges)).addTo(map);
    }
    map.fitBounds(home(collection, byClass), { padding: [28, 28], maxZoom: 16 });
  }

  /* The view a map opens on: the park and the organisations inside it (partners far
     away are a zoom out), else everything the collection holds, else Viet Nam. */
  function home(collection, byClass) {
    var own = byClass.park.concat(byClass.organisation.filter(function (f) {
      return f.properties.park === collection.park && f.properties.inside_park !== false;
    }));
    if (own.length) {
      var bounds = L.geoJSON({ type: 'FeatureCollection', features: own }).getBounds();
      if (bounds.isValid()) return bounds;
    }
    var box = collection.bbox;
    if (box && box.length === 4) return [[box[1], box[0]], [box[3], box[2]]];
    return [[8.2, 102.1], [23.4, 109.5]];
  }

  /* Under the map: the method and the sources, in a <details> like every figure's. */
  function notes(el, collection, tiles) {
    var words = WORDS[language(collection.lang)];
    var box = el.nextElementSibling;
    if (!box || !box.classList.contains('pl-map-notes')) {
      box = element('div', 'pl-map-notes');
      el.parentNode.insertBefore(box, el.nextSibling);
    }
    box.textContent = '';
    var sources = (collection.sources || []).slice();
    if (tiles) sources.push(words.tiles + (el.getAttribute('data-attribution') || tiles));
    if (!collection.method && !sources.length) return;
    var details = element('details', 'pl-method');
    details.appendChild(element('summary', '', words.method));
    if (collection.method) details.appendChild(element('p', '', collection.method));
    if (sources.length) {
      var list = element('ul');
      sources.forEach(function (s) { list.appendChild(element('li', 'pl-source', s)); });
      details.appendChild(list);
    }
    box.appendChild(details);
  }

  function start(el) {
    if (el._parkloopMap || typeof L === 'undefined') return;
    var map = L.map(el, { zoomSnap: 0.25, minZoom: 3, worldCopyJump: false });
    el._parkloopMap = map;
    map.setView([16.0, 106.0], 5);
    if (map.attributionControl) map.attributionControl.addAttribution('Natural Earth');

    var base = el.getAttribute('data-base');
    var loadingBase = base
      ? fetchJSON(base).then(function (data) {
        L.geoJSON(data, { style: BASE_STYLE }).addTo(map).bringToBack();
      })
      : Promise.resolve();
    var tiles = (el.getAttribute('data-tiles') || '').trim();
    if (tiles) {
      L.tileLayer(tiles, { attribution: el.getAttribute('data-attribution') || '', maxZoom: 19 }).addTo(map);
    }
    var source = el.getAttribute('data-geojson');
    var loadingPark = source
      ? fetchJSON(source).then(function (data) {
        draw(map, data);
        notes(el, data, tiles);
      })
      : Promise.resolve();
    Promise.all([loadingBase, loadingPark]).catch(function (error) {
      var lang = language();
      noteControl(WORDS[lang].failed, 'pl-map-error').addTo(map);
      if (window.console) console.error('parkloop map:', error);
    });
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(function () { map.invalidateSize(); }).observe(el);
    }
  }

  var started = [];

  /* Maps whose element a swap took out of the page are removed, so Leaflet lets go. */
  function forgetRemoved() {
    started = started.filter(function (el) {
      if (document.body.contains(el)) return true;
      el._parkloopMap.remove();
      el._parkloopMap = null;
      return false;
    });
  }

  function startAll() {
    forgetRemoved();
    document.querySelectorAll('.pl-map').forEach(function (el) {
      if (el._parkloopMap) return;
      start(el);
      if (el._parkloopMap) started.push(el);
    });
  }

  window.parkloopMaps = { start: startAll };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startAll);
  } else {
    startAll();
  }
  // After a swap the new content may hold maps, and the old may have taken some away.
  document.addEventListener('htmx:afterSwap', startAll);
})();
