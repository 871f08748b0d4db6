/*
 * parkloop charts: draws every <div class="pl-chart"> of a page with ECharts.
 *
 *   <div class="pl-chart" data-kind="sankey" data-src="/parks/nam-cau-kien/sankey.json"></div>
 *   <div class="pl-chart" data-kind="bar"><script type="application/json">{...}</script></div>
 *
 * data-kind: sankey (services/diagrams.park_sankey), graph (diagrams.symbiosis_graph),
 * bar ({categories, series: [{name, data, stack?, colour?}], unit_label?, horizontal?}) or
 * pareto (optimize.pareto_curve's output, or {points: [{x, y, label?, chosen?}],
 * x_label?, y_label?}). The data comes from a JSON child script or from data-src.
 *
 * Under each chart a note gives what the figure is made of (the data's "method" and
 * "sources") and any aggregate withheld under the disclosure rule ("suppressed");
 * data-notes="off" leaves it out. The network gets a legend of its lines and material
 * colours (each kind of line can be hidden), the Sankey a switch between its compact
 * form (small flows grouped, when the data has one) and every node.
 *
 * Sizes: the network is laid out here, inside its box, so that no circle or label
 * leaves it; the Sankey's height grows with the nodes of its fullest column. Both are
 * drawn again for a new width. New charts are drawn after every htmx swap. Plain ES2017,
 * no build step.
 */
(function () {
  'use strict';

  var WORDS = {
    vi: {
      method: 'Cách tính và nguồn',
      suppressed: 'Không công bố (quy tắc công bố thông tin)',
      empty: 'Không có số liệu để vẽ',
      failed: 'Không tải được số liệu biểu đồ',
      netBenefit: 'Lợi ích ròng (VND/năm)',
      co2: 'CO2e tránh được (t/năm)',
      exchanges: 'trao đổi',
      point: 'Phương án',
      hidden: 'không hiển thị',
      lines: 'Đường nối',
      classes: 'Nhóm vật liệu',
      links: 'liên kết',
      showAll: function (n) { return 'Hiện đủ ' + n + ' nút'; },
      showCompact: function (share) { return 'Gộp các dòng dưới ' + share + ' tổng'; },
      grouped: function (n, share) {
        return n + ' doanh nghiệp và vật liệu nhỏ (mỗi mục dưới ' + share + ' tổng khối lượng) được gộp lại.';
      },
      more: function (n) { return 'và ' + n + ' mục khác'; },
      paths: function (n) { return n + ' nhánh'; },
    },
    en: {
      method: 'Method and sources',
      suppressed: 'Not published (disclosure rule)',
      empty: 'Nothing to draw',
      failed: 'The chart data could not be loaded',
      netBenefit: 'Net benefit (VND/yr)',
      co2: 'CO2e avoided (t/yr)',
      exchanges: 'exchanges',
      point: 'Option',
      hidden: 'not shown',
      lines: 'Lines',
      classes: 'Material class',
      links: 'links',
      showAll: function (n) { return 'Show all ' + n + ' nodes'; },
      showCompact: function (share) { return 'Group flows under ' + share + ' of the total'; },
      grouped: function (n, share) {
        return n + ' small firms and materials (each under ' + share + ' of the total) are grouped.';
      },
      more: function (n) { return 'and ' + n + ' more'; },
      paths: function (n) { return n + (n === 1 ? ' path' : ' paths'); },
    },
  };

  var TEXT = '#1f2a33';
  var MUTED = '#5a6570';

  function language() {
    var lang = document.documentElement.lang || 'vi';
    return lang.slice(0, 2) === 'en' ? 'en' : 'vi';
  }

  function words() {
    return WORDS[language()];
  }

  var formats = {};
  function number(value, digits) {
    if (typeof value !== 'number' || !isFinite(value)) return '—';
    var key = language() + ':' + (digits || 0);
    if (!formats[key]) {
      formats[key] = new Intl.NumberFormat(language() === 'en' ? 'en-GB' : 'vi-VN', {
        maximumFractionDigits: digits || 0,
      });
    }
    return formats[key].format(value);
  }

  /* A quantity with the digits it deserves: none from 100 up, one below. */
  function quantity(value) {
    return number(value, Math.abs(value) >= 100 ? 0 : 1);
  }

  function percent(share) {
    return number(share * 100, share < 0.1 ? 1 : 0) + (language() === 'en' ? '%' : ' %');
  }

  /* Large figures on an axis: 1,2 tr / 3,4 tỷ in Vietnamese, 1.2M / 3.4B in English. */
  function short(value) {
    var abs = Math.abs(value);
    var steps = language() === 'en'
      ? [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']]
      : [[1e9, ' tỷ'], [1e6, ' tr'], [1e3, ' ng']];
    for (var i = 0; i < steps.length; i++) {
      if (abs >= steps[i][0]) return number(value / steps[i][0], 1) + steps[i][1];
    }
    return number(value, 1);
  }

  function escape(text) {
    return echarts.format.encodeHTML(text === undefined || text === null ? '' : String(text));
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function readData(el) {
    var inline = el.querySelector('script[type="application/json"]');
    if (inline) {
      return Promise.resolve(JSON.parse(inline.textContent));
    }
    var src = el.getAttribute('data-src');
    if (!src) return Promise.reject(new Error('no data-src and no JSON script'));
    return fetch(src, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error(src + ': HTTP ' + response.status);
        return response.json();
      });
  }

  function emptyTitle(text) {
    return {
      title: {
        text: text,
        left: 'center',
        top: 'middle',
        textStyle: { fontSize: 14, fontWeight: 'normal', color: MUTED },
      },
    };
  }

  /* A label cut to ``width`` pixels; a closing code such as "1", "S3" or "K2", which
     tells apart firms of one trade, is kept after the ellipsis. */
  function fitLabel(text, width, fontSize) {
    var format = echarts.format;
    var font = fontSize + 'px sans-serif';
    text = String(text || '');
    if (format.getTextRect(text, font).width <= width) return text;
    var cut = text.lastIndexOf(' ');
    var tail = cut > 0 ? text.slice(cut + 1) : '';
    if (tail && tail.length <= 4 && /[0-9]/.test(tail)) {
      var room = width - format.getTextRect('… ' + tail, font).width;
      if (room > width * 0.4) return format.truncateText(text.slice(0, cut), room, font, '') + '… ' + tail;
    }
    return format.truncateText(text, width, font, '…');
  }

  function narrowBox(el) {
    return el.clientWidth < 560;
  }

  // -- Sankey ----------------------------------------------------------------------------

  /* The nodes and links drawn: the compact form unless every node was asked for. */
  function sankeyView(data, state) {
    if (data.compact && !state.full) return data.compact;
    return data;
  }

  function sankeySizes(el) {
    var narrow = narrowBox(el);
    var width = el.clientWidth || 600;
    return {
      narrow: narrow,
      fontSize: narrow ? 10 : 12,
      gap: narrow ? 13 : 15,
      top: 30,
      bottom: 10,
      // The outer columns' labels stand outside the diagram, to the left and to the right.
      labelWidth: Math.round(Math.min(190, Math.max(72, width * (narrow ? 0.23 : 0.2)))),
      nodeWidth: narrow ? 8 : 12,
    };
  }

  /* Height enough for every node of the fullest column to keep a line of its own. */
  function sankeyHeight(el, data, state) {
    var view = sankeyView(data, state);
    var perColumn = {};
    (view.nodes || []).forEach(function (n) { perColumn[n.depth] = (perColumn[n.depth] || 0) + 1; });
    var most = 0;
    Object.keys(perColumn).forEach(function (k) { most = Math.max(most, perColumn[k]); });
    var s = sankeySizes(el);
    return Math.max(s.narrow ? 320 : 380, s.top + s.bottom + most * s.gap + (s.narrow ? 200 : 260));
  }

  function sankeyTooltip(names, unit, w) {
    return function (p) {
      var d = p.data;
      if (p.dataType === 'edge') {
        return escape(names[d.source]) + ' → ' + escape(names[d.target]) + '<br>' +
          quantity(d.value) + ' ' + escape(unit);
      }
      var text = '<b>' + escape(d.name) + '</b><br>' + quantity(p.value) + ' ' + escape(unit);
      var members = d.members || [];
      if (members.length) {
        var shown = members.slice(0, 12).map(function (m) {
          return escape(m.name) + ': ' + quantity(m.value) + ' ' + escape(unit);
        });
        if (members.length > shown.length) shown.push(escape(w.more(members.length - shown.length)));
        text += '<br><span style="font-size:11px">' + shown.join('<br>') + '</span>';
      }
      return text;
    };
  }

  function sankeyOption(data, el, state) {
    var view = sankeyView(data, state);
    var nodes = view.nodes || [];
    if (!nodes.length) return emptyTitle(words().empty);
    var w = words();
    var names = {};
    nodes.forEach(function (n) { names[n.id] = n.name; });
    var unit = data.unit_label || data.unit || '';
    var s = sankeySizes(el);
    var width = el.clientWidth || 600;
    var side = s.labelWidth + 6;
    // The middle column's labels stand in the band between it and the right column.
    var band = (width - 2 * side - 3 * s.nodeWidth) / 2;
    var middleWidth = Math.max(40, Math.round(band - 10));
    var columns = data.columns || [];
    var middleX = side + (width - 2 * side) / 2;
    var titles = [
      { left: 4, align: 'left', text: columns[0] },
      { left: middleX, align: 'center', text: columns[1] },
      { right: 4, align: 'right', text: columns[2] },
    ].filter(function (t) { return t.text; }).map(function (t) {
      return {
        type: 'text',
        top: 6,
        left: t.left,
        right: t.right,
        style: {
          text: t.text,
          fill: MUTED,
          font: '600 ' + (s.fontSize - 1) + 'px sans-serif',
          textAlign: t.align,
        },
      };
    });
    var label = {
      fontSize: s.fontSize,
      color: TEXT,
      overflow: 'truncate',
      ellipsis: '…',
      width: s.labelWidth,
      formatter: function (p) {
        var room = p.data.depth === 1 ? middleWidth : s.labelWidth;
        return fitLabel(p.data.label || p.data.name, room - 2, s.fontSize);
      },
    };
    return {
      animation: false,
      graphic: titles,
      tooltip: { trigger: 'item', confine: true, formatter: sankeyTooltip(names, unit, w) },
      series: [{
        type: 'sankey',
        data: nodes,
        links: view.links || [],
        left: side,
        right: side,
        top: s.top,
        bottom: s.bottom,
        nodeWidth: s.nodeWidth,
        nodeGap: s.gap,
        nodeAlign: 'justify',
        layoutIterations: 0, // largest first in each column, as the service ordered them
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { curveness: 0.5 },
        label: label,
        labelLayout: { hideOverlap: true },
        levels: [
          { depth: 0, label: { position: 'left' } },
          {
            depth: 1,
            label: {
              position: 'right',
              width: middleWidth,
              backgroundColor: 'rgba(255, 255, 255, 0.78)',
              padding: [1, 3],
              borderRadius: 2,
            },
          },
          { depth: 2, label: { position: 'right' } },
        ],
      }],
    };
  }

  /* Above a Sankey that has a compact form: the switch between it and every node. */
  function sankeyTools(el, data, state) {
    var tools = el.previousElementSibling;
    if (!data.compact) {
      if (tools && tools.classList.contains('pl-chart-tools')) tools.remove();
      return;
    }
    if (!tools || !tools.classList.contains('pl-chart-tools')) {
      tools = element('div', 'pl-chart-tools');
      el.parentNode.insertBefore(tools, el);
    }
    tools.textContent = '';
    var w = words();
    var share = percent(data.compact.share || 0);
    var held = 0;
    (data.compact.nodes || []).forEach(function (n) { held += (n.members || []).length; });
    if (!state.full) tools.appendChild(element('span', 'pl-muted', w.grouped(held, share)));
    var button = element('button', 'pl-button pl-button-secondary',
      state.full ? w.showCompact(share) : w.showAll((data.nodes || []).length));
    button.type = 'button';
    button.setAttribute('aria-pressed', state.full ? 'true' : 'false');
    button.addEventListener('click', function () {
      state.full = !state.full;
      render(el);
    });
    tools.appendChild(button);
  }

  // -- the symbiosis network -------------------------------------------------------------

  /* Which switch of the legend a line answers to: a match, or an exchange's status. */
  function lineKind(link) {
    return link.kind === 'match' ? 'match' : link.status;
  }

  function graphSizes(el, data) {
    var narrow = narrowBox(el);
    var fontSize = narrow ? 10 : 11;
    var lineHeight = fontSize + 3;
    var largest = 10;
    (data.nodes || []).forEach(function (n) { largest = Math.max(largest, n.symbolSize || 10); });
    var labelWidth = narrow ? 78 : 112;
    return {
      narrow: narrow,
      fontSize: fontSize,
      lineHeight: lineHeight,
      largest: largest,
      labelWidth: labelWidth,
      legend: 30,
      // Room one circle and its two-line label below it take: no two may overlap.
      boxW: labelWidth + 8,
      boxH: largest + 2 * lineHeight + 8,
    };
  }

  function graphMargins(s) {
    return {
      left: Math.ceil(s.labelWidth / 2) + 12,
      right: Math.ceil(s.labelWidth / 2) + 12,
      top: s.legend + Math.ceil(s.largest / 2) + 4,
      bottom: Math.ceil(s.largest / 2) + 2 * s.lineHeight + 8,
    };
  }

  /* Tall enough for the circles and their labels to find room: a share of the box per node. */
  function graphHeight(el, data) {
    var s = graphSizes(el, data);
    var m = graphMargins(s);
    var n = (data.nodes || []).length;
    var areaW = Math.max(120, (el.clientWidth || 600) - m.left - m.right);
    var areaH = n * s.boxW * s.boxH * (s.narrow ? 2.2 : 2.4) / areaW;
    return Math.min(1800, Math.max(s.narrow ? 360 : 440, Math.round(areaH + m.top + m.bottom)));
  }

  /*
   * Positions inside a box of width x height pixels, the same for the same data: a
   * force-directed layout (Fruchterman and Reingold) started from a circle ordered by
   * category, run in units of one node's room (boxW x boxH) so that labels repel as
   * much as circles, then overlaps pushed apart and the result stretched to fill the
   * box. Running exchanges pull harder than saved matches; organisations outside the
   * park are not drawn to the middle; organisations without any line wait in a row
   * along the bottom.
   */
  function graphLayout(nodes, links, width, height, boxW, boxH) {
    var n = nodes.length;
    var U = Math.max(1, width / boxW);
    var V = Math.max(1, height / boxH);
    var index = {};
    nodes.forEach(function (d, i) { index[d.id] = i; });
    var weights = {};
    links.forEach(function (link) {
      var a = index[link.source];
      var b = index[link.target];
      if (a === undefined || b === undefined || a === b) return;
      var key = a < b ? a + ':' + b : b + ':' + a;
      var weight = link.kind === 'match' ? 0.35 : link.status === 'stopped' ? 0.5 : 1;
      weights[key] = Math.max(weights[key] || 0, weight);
    });
    var edges = Object.keys(weights).map(function (key) {
      var ends = key.split(':');
      return [Number(ends[0]), Number(ends[1]), weights[key]];
    });
    var linked = {};
    edges.forEach(function (e) { linked[e[0]] = true; linked[e[1]] = true; });
    var joined = [];
    var alone = [];
    nodes.forEach(function (d, i) { (linked[i] ? joined : alone).push(i); });
    if (!joined.length) {
      joined = alone;
      alone = [];
    }

    var u = new Array(n);
    var v = new Array(n);
    var perRow = Math.floor(U) + 1;
    var shelf = Math.min(Math.floor(V) - 1, Math.ceil(alone.length / perRow));
    if (shelf < 1) {
      joined = joined.concat(alone);
      alone = [];
      shelf = 0;
    }
    settle(nodes, joined, edges, u, v, U, V - shelf);
    alone.forEach(function (i, k) {
      var row = Math.floor(k / perRow);
      var inRow = Math.min(perRow, alone.length - row * perRow);
      var col = k - row * perRow;
      u[i] = inRow > 1 ? (col * U) / (inRow - 1) : U / 2;
      v[i] = Math.min(V, V - shelf + 1 + row);
    });
    return nodes.map(function (d, i) { return [u[i] * boxW, v[i] * boxH]; });
  }

  /* The force-directed layout of the nodes ``which`` inside [0, U] x [0, V]. */
  function settle(nodes, which, edges, u, v, U, V) {
    var n = which.length;
    if (n === 0) return;
    if (n === 1) {
      u[which[0]] = U / 2;
      v[which[0]] = V / 2;
      return;
    }
    var order = which.slice().sort(function (a, b) {
      var da = nodes[a];
      var db = nodes[b];
      return (da.category - db.category) || ((db.value || 0) - (da.value || 0)) ||
        (da.id < db.id ? -1 : da.id > db.id ? 1 : 0);
    });
    order.forEach(function (i, k) {
      var angle = 2 * Math.PI * k / n;
      u[i] = U / 2 + 0.42 * U * Math.cos(angle);
      v[i] = V / 2 + 0.42 * V * Math.sin(angle);
    });
    var k = Math.sqrt((U * V) / n) * 0.8;
    var temperature = Math.max(U, V) / 6;
    var steps = n > 200 ? 150 : 350;
    var cooling = Math.pow(0.02, 1 / steps);
    var du = {};
    var dv = {};
    for (var step = 0; step < steps; step++) {
      which.forEach(function (i) { du[i] = 0; dv[i] = 0; });
      for (var p = 0; p < n; p++) {
        var i = which[p];
        for (var q = p + 1; q < n; q++) {
          var j = which[q];
          var x = u[i] - u[j];
          var y = v[i] - v[j];
          var d = Math.sqrt(x * x + y * y) || 0.01;
          var push = (k * k) / d;
          du[i] += (x / d) * push;
          dv[i] += (y / d) * push;
          du[j] -= (x / d) * push;
          dv[j] -= (y / d) * push;
        }
      }
      edges.forEach(function (e) {
        if (du[e[0]] === undefined || du[e[1]] === undefined) return;
        var x = u[e[0]] - u[e[1]];
        var y = v[e[0]] - v[e[1]];
        var d = Math.sqrt(x * x + y * y) || 0.01;
        var pull = ((d * d) / k) * e[2];
        du[e[0]] -= (x / d) * pull;
        dv[e[0]] -= (y / d) * pull;
        du[e[1]] += (x / d) * pull;
        dv[e[1]] += (y / d) * pull;
      });
      which.forEach(function (m) {
        var gravity = nodes[m].inside === false ? 0.05 : 0.3;
        du[m] += (U / 2 - u[m]) * gravity * k;
        dv[m] += (V / 2 - v[m]) * gravity * k;
        var length = Math.sqrt(du[m] * du[m] + dv[m] * dv[m]) || 1;
        var move = Math.min(length, temperature);
        u[m] = Math.min(U, Math.max(0, u[m] + (du[m] / length) * move));
        v[m] = Math.min(V, Math.max(0, v[m] + (dv[m] / length) * move));
      });
      temperature *= cooling;
    }

    stretch(u, which, U);
    stretch(v, which, V);
    // Rooms that still overlap are pushed apart along the axis where they overlap least.
    for (var pass = 0; pass < 200; pass++) {
      var moved = false;
      for (var a = 0; a < n; a++) {
        for (var b = a + 1; b < n; b++) {
          var ia = which[a];
          var ib = which[b];
          var ox = 1 - Math.abs(u[ia] - u[ib]);
          var oy = 1 - Math.abs(v[ia] - v[ib]);
          if (ox <= 0 || oy <= 0) continue;
          moved = true;
          if (ox < oy) {
            var sx = u[ia] < u[ib] || (u[ia] === u[ib] && a < b) ? -1 : 1;
            u[ia] = Math.min(U, Math.max(0, u[ia] + (sx * ox) / 2));
            u[ib] = Math.min(U, Math.max(0, u[ib] - (sx * ox) / 2));
          } else {
            var sy = v[ia] < v[ib] || (v[ia] === v[ib] && a < b) ? -1 : 1;
            v[ia] = Math.min(V, Math.max(0, v[ia] + (sy * oy) / 2));
            v[ib] = Math.min(V, Math.max(0, v[ib] - (sy * oy) / 2));
          }
        }
      }
      if (!moved) break;
    }
    stretch(u, which, U);
    stretch(v, which, V);
  }

  /* The values at ``which`` spread to fill [0, size] exactly (centred when all equal). */
  function stretch(values, which, size) {
    var low = Infinity;
    var high = -Infinity;
    which.forEach(function (i) {
      low = Math.min(low, values[i]);
      high = Math.max(high, values[i]);
    });
    which.forEach(function (i) {
      values[i] = high > low ? ((values[i] - low) / (high - low)) * size : size / 2;
    });
  }

  function graphTooltip(names, w) {
    return function (p) {
      var d = p.data;
      if (p.dataType === 'edge') {
        var figure = typeof d.value === 'number'
          ? quantity(d.value) + ' ' + escape(d.unit_label || d.unit || '')
          : '<i>' + escape(w.hidden) + '</i>';
        var status = d.kind === 'match' ? d.match_label || d.status_label : d.status_label;
        return '<b>' + escape(d.material_name) + '</b> (' + escape(d.material_class_label) + ')<br>' +
          escape(names[d.source]) + ' → ' + escape(names[d.target]) + '<br>' +
          figure + ' · ' + escape(status);
      }
      var sector = d.sector ? '<br>' + escape(d.sector) + ' ' + escape(d.sector_name || '') : '';
      return '<b>' + escape(d.name) + '</b><br>' + escape(d.kind_label) + sector + '<br>' +
        number(d.value) + ' ' + escape(w.links);
    };
  }

  function graphOption(data, el, state) {
    var nodes = data.nodes || [];
    if (!nodes.length) return emptyTitle(words().empty);
    var w = words();
    var s = graphSizes(el, data);
    var m = graphMargins(s);
    var areaW = Math.max(40, (el.clientWidth || 600) - m.left - m.right);
    var areaH = Math.max(40, (el.clientHeight || 500) - m.top - m.bottom);
    var key = areaW + 'x' + areaH;
    if (state.layoutKey !== key) {
      state.positions = graphLayout(nodes, data.links || [], areaW, areaH, s.boxW, s.boxH);
      state.layoutKey = key;
    }
    var names = {};
    nodes.forEach(function (n) { names[n.id] = n.name; });
    var matchLabel = '';
    ((data.legend || {}).statuses || []).forEach(function (st) {
      if (st.status === 'match') matchLabel = st.label;
    });
    var placed = nodes.map(function (n, i) {
      return Object.assign({}, n, { x: state.positions[i][0], y: state.positions[i][1] });
    });
    var hidden = state.hidden || {};
    var links = (data.links || []).filter(function (link) {
      return !hidden[lineKind(link)];
    }).map(function (link) {
      if (link.kind !== 'match') return link;
      // Proposals stay dashed and step back behind what runs.
      var style = Object.assign({}, link.lineStyle, { opacity: 0.5 });
      return Object.assign({}, link, { lineStyle: style, match_label: matchLabel });
    });
    var categories = (data.categories || []).map(function (c) {
      return { name: c.name, itemStyle: c.itemStyle };
    });
    return {
      animation: false,
      tooltip: { confine: true, formatter: graphTooltip(names, w) },
      legend: [{
        data: categories.map(function (c) { return c.name; }),
        top: 2,
        left: 'center',
        type: 'scroll',
        icon: 'circle',
        itemWidth: 10,
        itemHeight: 10,
        textStyle: { fontSize: s.fontSize + 1, color: TEXT },
      }],
      series: [{
        type: 'graph',
        layout: 'none',
        data: placed,
        links: links,
        categories: categories,
        left: m.left,
        right: m.right,
        top: m.top,
        bottom: m.bottom,
        roam: false,
        draggable: false,
        autoCurveness: true,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: [0, 7],
        itemStyle: { borderColor: '#ffffff', borderWidth: 1.5 },
        label: {
          show: true,
          position: 'bottom',
          distance: 3,
          fontSize: s.fontSize,
          lineHeight: s.lineHeight,
          color: TEXT,
          width: s.labelWidth,
          height: 2 * s.lineHeight,
          overflow: 'break',
          lineOverflow: 'truncate',
          align: 'center',
          textBorderColor: '#ffffff',
          textBorderWidth: 2,
          formatter: function (p) { return p.data.label || p.data.name; },
        },
        labelLayout: { hideOverlap: true },
        emphasis: { focus: 'adjacency', lineStyle: { width: 4, opacity: 1 } },
        blur: { itemStyle: { opacity: 0.25 }, lineStyle: { opacity: 0.08 }, label: { opacity: 0.35 } },
      }],
    };
  }

  /* Under the network: its lines (each kind can be hidden) and the colours of its
     material classes. The circles' colours are the chart's own legend, above it. */
  function graphLegend(el, data, state, holder) {
    var legend = data.legend || {};
    var w = words();
    holder.textContent = '';
    var counts = {};
    (data.links || []).forEach(function (link) {
      var kind = lineKind(link);
      counts[kind] = (counts[kind] || 0) + 1;
    });
    var statuses = legend.statuses || [];
    if (statuses.length) {
      var lines = element('div', 'pl-chart-legend-group');
      lines.appendChild(element('span', 'pl-legend-title', w.lines));
      statuses.forEach(function (st) {
        var row = element('label', 'pl-legend-row');
        var box = element('input');
        box.type = 'checkbox';
        box.checked = !state.hidden[st.status];
        box.addEventListener('change', function () {
          state.hidden[st.status] = !box.checked;
          render(el);
        });
        row.appendChild(box);
        row.appendChild(element('span', 'pl-line pl-line-' + st.status));
        row.appendChild(element('span', '', st.label + ' (' + number(counts[st.status] || 0) + ')'));
        lines.appendChild(row);
      });
      holder.appendChild(lines);
    }
    var classes = legend.material_classes || [];
    if (classes.length) {
      var colours = element('div', 'pl-chart-legend-group');
      colours.appendChild(element('span', 'pl-legend-title', w.classes));
      classes.forEach(function (c) {
        var row = element('span', 'pl-legend-row');
        var swatch = element('span', 'pl-swatch');
        swatch.style.background = c.colour;
        row.appendChild(swatch);
        row.appendChild(element('span', '', c.label));
        colours.appendChild(row);
      });
      holder.appendChild(colours);
    }
  }

  // -- bars ------------------------------------------------------------------------------

  function barOption(data) {
    var series = data.series || [];
    if (!series.length) return emptyTitle(words().empty);
    var horizontal = !!data.horizontal;
    var categoryAxis = {
      type: 'category',
      data: data.categories || [],
      axisLabel: { interval: 0, overflow: 'truncate', width: horizontal ? 140 : 90, hideOverlap: true },
    };
    var valueAxis = {
      type: 'value',
      name: data.unit_label || data.unit || '',
      axisLabel: { formatter: short },
    };
    return {
      tooltip: {
        trigger: 'axis',
        confine: true,
        axisPointer: { type: 'shadow' },
        valueFormatter: function (v) { return number(v, 1) + (data.unit_label ? ' ' + data.unit_label : ''); },
      },
      legend: series.length > 1 ? { bottom: 0, type: 'scroll' } : undefined,
      grid: { left: 8, right: 16, top: 32, bottom: series.length > 1 ? 40 : 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series.map(function (s) {
        return {
          type: 'bar',
          name: s.name,
          data: s.data,
          stack: s.stack,
          itemStyle: s.colour ? { color: s.colour } : undefined,
          emphasis: { focus: 'series' },
        };
      }),
    };
  }

  // -- the trade-off curve ---------------------------------------------------------------

  function paretoPoints(data) {
    return (data.points || []).map(function (p, i) {
      var x = typeof p.x === 'number' ? p.x : typeof p.cost_vnd === 'number' ? p.cost_vnd : p.net_benefit_vnd;
      var y = typeof p.y === 'number' ? p.y : p.co2e_t;
      return { value: [x, y], point: p, index: i };
    }).filter(function (p) {
      return typeof p.value[0] === 'number' && typeof p.value[1] === 'number';
    });
  }

  function paretoOption(data) {
    var points = paretoPoints(data);
    if (!points.length) return emptyTitle(data.note || words().empty);
    points.sort(function (a, b) { return a.value[0] - b.value[0]; });
    var w = words();
    return {
      tooltip: {
        confine: true,
        formatter: function (p) {
          var d = p.data.point;
          var title = d.label || (w.point + ' ' + (d.point !== undefined ? d.point : p.data.index + 1));
          var extra = typeof d.exchanges === 'number' ? '<br>' + number(d.exchanges) + ' ' + w.exchanges : '';
          return '<b>' + escape(title) + '</b><br>' +
            escape(data.x_label || w.netBenefit) + ': ' + number(p.data.value[0]) + '<br>' +
            escape(data.y_label || w.co2) + ': ' + number(p.data.value[1], 1) + extra;
        },
      },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: {
        type: 'value', scale: true, name: data.x_label || w.netBenefit, nameLocation: 'middle', nameGap: 28,
        axisLabel: { formatter: short },
      },
      yAxis: { type: 'value', scale: true, name: data.y_label || w.co2, axisLabel: { formatter: short } },
      series: [{
        type: 'line',
        data: points.map(function (p) {
          return {
            value: p.value,
            point: p.point,
            index: p.index,
            itemStyle: p.point.chosen ? { color: '#c0392b' } : undefined,
            symbolSize: p.point.chosen ? 14 : 10,
          };
        }),
        lineStyle: { type: 'dashed', width: 1.5, color: '#8796a5' },
        itemStyle: { color: '#2c5f8a' },
        symbol: 'circle',
      }],
    };
  }


  var BUILDERS = { sankey: sankeyOption, graph: graphOption, bar: barOption, pareto: paretoOption };
  /* Charts whose height follows their data (and their width). */
  var HEIGHTS = { sankey: sankeyHeight, graph: graphHeight };

  // -- what the figure is made of --------------------------------------------------------

  /* The box under a chart: a legend (the network's), what was withheld, and the method
     and sources. Made once; only the legend is drawn again. */
  function notes(el, data, state) {
    var w = words();
    var box = el.nextElementSibling;
    if (!box || !box.classList.contains('pl-chart-notes')) {
      box = element('div', 'pl-chart-notes');
      el.parentNode.insertBefore(box, el.nextSibling);
    }
    box.textContent = '';
    if (state.kind === 'graph') {
      state.legendBox = element('div', 'pl-chart-legend');
      box.appendChild(state.legendBox);
    }
    if (el.getAttribute('data-notes') === 'off') return;
    var suppressed = data.suppressed || [];
    if (suppressed.length) {
      // Folded: one line says how many were withheld and why; the list opens on demand.
      var withheld = element('details', 'pl-suppressed');
      var summary = element('summary');
      summary.appendChild(element('strong', '', w.suppressed));
      var common = suppressed.every(function (s) { return s.note === suppressed[0].note; })
        ? suppressed[0].note : '';
      summary.appendChild(document.createTextNode(
        ': ' + w.paths(suppressed.length) + (common ? ' — ' + common : '')));
      withheld.appendChild(summary);
      var list = element('ul');
      suppressed.forEach(function (s) {
        var path = Array.isArray(s.path) ? s.path.join(' → ') : String(s.path || '');
        list.appendChild(element('li', '', path + (s.note && !common ? ' — ' + s.note : '')));
      });
      withheld.appendChild(list);
      box.appendChild(withheld);
    }
    var sources = data.sources || [];
    if (data.method || sources.length) {
      var details = element('details', 'pl-method');
      details.appendChild(element('summary', '', w.method));
      if (typeof data.method === 'string') {
        details.appendChild(element('p', '', data.method));
      }
      if (sources.length) {
        var ul = element('ul');
        sources.forEach(function (s) {
          ul.appendChild(element('li', 'pl-source', typeof s === 'string' ? s : JSON.stringify(s)));
        });
        details.appendChild(ul);
      }
      box.appendChild(details);
    }
  }

  // -- drawing and keeping charts ------------------------------------------------------

  var drawn = [];

  /* Draws a chart whose data has come, for the element's present width. */
  function render(el) {
    var state = el._parkloopState;
    var chart = el._parkloopChart;
    if (!state || !chart || typeof chart === 'string' || chart.isDisposed()) return;
    var height = HEIGHTS[state.kind];
    if (height) {
      var wanted = Math.round(height(el, state.data, state));
      if (Math.abs(wanted - el.clientHeight) > 1) el.style.height = wanted + 'px';
      chart.resize();
    }
    if (state.kind === 'sankey') sankeyTools(el, state.data, state);
    if (state.kind === 'graph' && state.legendBox) graphLegend(el, state.data, state, state.legendBox);
    chart.setOption(BUILDERS[state.kind](state.data, el, state), true);
    state.width = el.clientWidth;
  }

  function draw(el) {
    var kind = el.getAttribute('data-kind');
    var build = BUILDERS[kind];
    if (!build || typeof echarts === 'undefined') return;
    el._parkloopChart = 'loading';
    readData(el).then(function (data) {
      var state = { kind: kind, data: data, full: false, hidden: {}, width: 0 };
      el._parkloopState = state;
      if (HEIGHTS[kind]) el.style.height = Math.round(HEIGHTS[kind](el, data, state)) + 'px';
      var chart = echarts.getInstanceByDom(el) ||
        echarts.init(el, null, { locale: language() === 'vi' ? 'VI' : 'EN' });
      el._parkloopChart = chart;
      drawn.push(el);
      notes(el, data, state);
      render(el);
      if (typeof ResizeObserver !== 'undefined') {
        new ResizeObserver(function () { refit(el); }).observe(el);
      }
    }).catch(function (error) {
      el._parkloopChart = null;
      el.classList.add('pl-chart-failed');
      el.textContent = words().failed;
      if (window.console) console.error('parkloop chart:', error);
    });
  }

  /* A new width lays a sized chart out again; otherwise the chart only follows its box. */
  function refit(el) {
    var chart = el._parkloopChart;
    var state = el._parkloopState;
    if (!chart || typeof chart === 'string' || chart.isDisposed()) return;
    if (state && HEIGHTS[state.kind] && Math.abs(el.clientWidth - state.width) > 2) {
      render(el);
    } else {
      chart.resize();
    }
  }

  /* Charts whose element a swap took out of the page are disposed of. */
  function forgetRemoved() {
    drawn = drawn.filter(function (el) {
      if (document.body.contains(el)) return true;
      el._parkloopChart.dispose();
      el._parkloopChart = null;
      el._parkloopState = null;
      return false;
    });
  }

  function drawAll() {
    forgetRemoved();
    document.querySelectorAll('.pl-chart').forEach(function (el) {
      if (!el._parkloopChart) draw(el);
    });
  }

  var pending = null;
  function resizeAll() {
    if (pending) return;
    pending = window.setTimeout(function () {
      pending = null;
      drawn.forEach(refit);
    }, 120);
  }

  window.parkloopCharts = { draw: drawAll, options: BUILDERS, layout: graphLayout };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
  window.addEventListener('resize', resizeAll);
  document.addEventListener('htmx:afterSwap', drawAll);
})();
