/*
 * parkloop: the trade-off curve between money and CO2e (page /parks/{code}/optimisation/pareto).
 *
 *   <div id="pl-pareto" data-curve='{"points": [...], "method": "...", "note": "..."}'></div>
 *   <table id="pl-pareto-table"><tr data-point="0">...</tr></table>
 *
 * Each point is a network (services.scenarios.pareto_view): x its net benefit (VND a year),
 * y the CO2e it avoids (t a year). Pointing at a point marks its row in the table, and
 * pointing at a row marks its point. The table holds the same figures for readers without
 * JavaScript. Plain ES2017, no build step; the data comes from a data-* attribute because
 * the content security policy forbids inline scripts.
 */
(function () {
  'use strict';

  var WORDS = {
    vi: {
      x: 'Lợi ích ròng (VND/năm)',
      y: 'CO2e tránh được (t/năm)',
      point: 'Phương án',
      exchanges: 'trao đổi',
      investment: 'Vốn đầu tư (VND)',
      empty: 'Không có phương án nào để vẽ',
    },
    en: {
      x: 'Net benefit (VND/yr)',
      y: 'CO2e avoided (t/yr)',
      point: 'Option',
      exchanges: 'exchanges',
      investment: 'Investment (VND)',
      empty: 'No network to draw',
    },
  };
  var MARK = '#fff3cd';

  function language(el) {
    var lang = el.getAttribute('data-lang') || document.documentElement.lang || 'vi';
    return lang.slice(0, 2) === 'en' ? 'en' : 'vi';
  }

  function formatter(lang, digits) {
    var format = new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', {
      maximumFractionDigits: digits,
      minimumFractionDigits: digits,
    });
    return function (value) {
      return typeof value === 'number' && isFinite(value) ? format.format(value) : '—';
    };
  }

  /* 1,2 tr / 3,4 tỷ in Vietnamese, 1.2M / 3.4B in English, for the axes. */
  function shortener(lang) {
    var one = formatter(lang, 1);
    var steps = lang === 'en'
      ? [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']]
      : [[1e9, ' tỷ'], [1e6, ' tr'], [1e3, ' ng']];
    return function (value) {
      var abs = Math.abs(value);
      for (var i = 0; i < steps.length; i++) {
        if (abs >= steps[i][0]) return one(value / steps[i][0]) + steps[i][1];
      }
      return one(value);
    };
  }

  function escape(text) {
    return echarts.format.encodeHTML(text === undefined || text === null ? '' : String(text));
  }

  function rows() {
    var table = document.getElementById('pl-pareto-table');
    return table ? Array.prototype.slice.call(table.querySelectorAll('tr[data-point]')) : [];
  }

  function markRow(point) {
    rows().forEach(function (row) {
      var on = point !== null && row.getAttribute('data-point') === String(point);
      row.style.background = on ? MARK : '';
      if (on) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
    });
  }

  function option(curve, lang) {
    var w = WORDS[lang];
    var whole = formatter(lang, 0);
    var tenth = formatter(lang, 1);
    var short = shortener(lang);
    var points = (curve.points || []).filter(function (p) {
      return typeof p.net_benefit_vnd === 'number' && typeof p.co2e_t === 'number';
    });
    if (!points.length) {
      return {
        title: { text: curve.note || w.empty, left: 'center', top: 'middle', textStyle: { fontSize: 14, fontWeight: 'normal' } },
      };
    }
    points.sort(function (a, b) { return a.net_benefit_vnd - b.net_benefit_vnd; });
    return {
      tooltip: {
        confine: true,
        formatter: function (p) {
          var d = p.data.point;
          return '<b>' + escape(w.point + ' ' + d.point) + '</b><br>' +
            escape(w.x) + ': ' + whole(d.net_benefit_vnd) + '<br>' +
            escape(w.y) + ': ' + tenth(d.co2e_t) + '<br>' +
            escape(w.investment) + ': ' + whole(d.investment_vnd) + '<br>' +
            whole(d.exchanges) + ' ' + escape(w.exchanges);
        },
      },
      grid: { left: 8, right: 24, top: 40, bottom: 32, containLabel: true },
      xAxis: {
        type: 'value', scale: true, name: w.x, nameLocation: 'middle', nameGap: 30,
        axisLabel: { formatter: short },
      },
      yAxis: {
        type: 'value', scale: true, name: w.y, nameTextStyle: { align: 'left' },
        axisLabel: { formatter: short },
      },
      series: [{
        type: 'line',
        symbol: 'circle',
        symbolSize: 11,
        lineStyle: { type: 'dashed', width: 1.5, color: '#8796a5' },
        itemStyle: { color: '#2c5f8a' },
        emphasis: { scale: 1.6, itemStyle: { color: '#c0392b' } },
        data: points.map(function (p) {
          return { value: [p.net_benefit_vnd, p.co2e_t], point: p };
        }),
      }],
    };
  }

  function draw(el) {
    if (typeof echarts === 'undefined' || el._parkloopPareto) return;
    var curve;
    try {
      curve = JSON.parse(el.getAttribute('data-curve') || '{}');
    } catch (error) {
      if (window.console) console.error('parkloop pareto:', error);
      return;
    }
    var lang = language(el);
    var chart = echarts.init(el);
    chart.setOption(option(curve, lang), true);
    el._parkloopPareto = chart;

    var order = (curve.points || []).slice().sort(function (a, b) {
      return a.net_benefit_vnd - b.net_benefit_vnd;
    }).map(function (p) { return p.point; });
    chart.on('mouseover', function (p) { markRow(p.data.point.point); });
    chart.on('mouseout', function () { markRow(null); });
    chart.on('click', function (p) {
      markRow(p.data.point.point);
      var row = rows().filter(function (r) { return r.getAttribute('data-point') === String(p.data.point.point); })[0];
      if (row) row.scrollIntoView({ block: 'nearest' });
    });
    rows().forEach(function (row) {
      var index = order.indexOf(Number(row.getAttribute('data-point')));
      if (index < 0) return;
      row.addEventListener('mouseenter', function () {
        chart.dispatchAction({ type: 'highlight', seriesIndex: 0, dataIndex: index });
        chart.dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: index });
      });
      row.addEventListener('mouseleave', function () {
        chart.dispatchAction({ type: 'downplay', seriesIndex: 0, dataIndex: index });
        chart.dispatchAction({ type: 'hideTip' });
      });
    });
    if (typeof ResizeObserver !== 'undefined') {
      new ResizeObserver(function () { chart.resize(); }).observe(el);
    } else {
      window.addEventListener('resize', function () { chart.resize(); });
    }
  }

  function start() {
    var el = document.getElementById('pl-pareto');
    if (el) draw(el);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
  document.addEventListener('htmx:afterSwap', start);
})();
