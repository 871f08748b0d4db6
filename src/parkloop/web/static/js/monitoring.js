/*
 * parkloop monitoring charts: the chart kind "monitoring" of charts.js.
 *
 *   <div class="pl-chart" data-kind="monitoring"
 *        data-src="/parks/P/monitoring/stations/S/chart.json?parameter=cod&from=…&to=…"></div>
 *
 * The data (services/monitoring_views.chart): buckets from "start" every "step_ms" with
 * "mean", "min" and "max" (null for a bucket without readings: the line breaks there),
 * "limits" [{window, low, high, label}], "exceedances" [{start, end, label}] (ms since the
 * epoch), "method" and "sources" (shown under the chart by charts.js).
 * Drawn: the mean as a line, min – max as a band, each limit as a dashed line, each
 * exceedance episode shaded. Times are shown in Viet Nam (UTC+7). Plain ES2017.
 */
(function () {
  'use strict';

  var WORDS = {
    vi: { mean: 'Trung bình', band: 'Nhỏ nhất – lớn nhất', limit: 'Giới hạn', lowest: 'nhỏ nhất', highest: 'lớn nhất', empty: 'Không có số liệu trong kỳ' },
    en: { mean: 'Mean', band: 'Lowest – highest', limit: 'Limit', lowest: 'lowest', highest: 'highest', empty: 'No readings in the period' },
  };
  var LOCAL_MS = 7 * 3600 * 1000; // Asia/Ho_Chi_Minh, no summer time
  var LINE = '#2c5f8a';
  var BAND = 'rgba(44, 95, 138, 0.18)';
  var LIMIT = '#c0392b';
  var WINDOW_LIMIT = '#d68910';
  var SHADE = 'rgba(192, 57, 43, 0.16)';

  function language(data) {
    var lang = (data && data.lang) || document.documentElement.lang || 'vi';
    return lang.slice(0, 2) === 'en' ? 'en' : 'vi';
  }

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  /* An instant (ms, UTC) as local time of Viet Nam, as the reader writes it. */
  function when(ms, lang, withDate) {
    var d = new Date(ms + LOCAL_MS);
    var time = pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes());
    if (!withDate) return time;
    var day = lang === 'en'
      ? d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate())
      : pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear();
    return time + ' ' + day;
  }

  function number(value, lang) {
    if (typeof value !== 'number' || !isFinite(value)) return '—';
    return new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'vi-VN', { maximumFractionDigits: 2 }).format(value);
  }

  function escape(text) {
    return echarts.format.encodeHTML(text === undefined || text === null ? '' : String(text));
  }

  /* A round value just above ``value`` (two significant digits), for the top of the axis. */
  function rounded(value) {
    if (!(value > 0)) return value;
    var unit = Math.pow(10, Math.floor(Math.log10(value)) - 1);
    return Math.ceil(value / unit) * unit;
  }

  function monitoringOption(data) {
    var lang = language(data);
    var w = WORDS[lang];
    var n = (data.mean || []).length;
    var mean = [];
    var low = [];
    var spread = [];
    var top = -Infinity;
    var any = false;
    for (var i = 0; i < n; i++) {
      var t = data.start + i * data.step_ms;
      var m = data.mean[i];
      var lo = data.min[i];
      var hi = data.max[i];
      mean.push([t, m]);
      low.push([t, lo]);
      spread.push([t, (lo === null || hi === null) ? null : hi - lo]);
      if (hi !== null) { top = Math.max(top, hi); any = true; }
    }
    var lines = [];
    (data.limits || []).forEach(function (limit) {
      var colour = limit.window === 'instant' ? LIMIT : WINDOW_LIMIT;
      [limit.high, limit.low].forEach(function (value) {
        if (typeof value !== 'number') return;
        top = Math.max(top, value);
        lines.push({
          yAxis: value,
          name: limit.label,
          lineStyle: { color: colour, type: 'dashed', width: 1.5 },
          label: { formatter: w.limit + ' ' + number(value, lang), position: 'insideEndTop', color: colour },
        });
      });
    });
    var areas = (data.exceedances || []).map(function (e) {
      var end = Math.max(e.end, e.start + data.step_ms);
      return [
        { xAxis: e.start, name: e.label, itemStyle: { color: SHADE }, label: { fontSize: 11, color: LIMIT } },
        { xAxis: end },
      ];
    });
    var first = data.start;
    var last = data.start + n * data.step_ms;
    return {
      animation: false,
      title: any ? undefined : { text: w.empty, left: 'center', top: 'middle', textStyle: { fontSize: 14, color: '#5a6570' } },
      legend: { top: 0, data: [w.mean, w.band] },
      grid: { left: 8, right: 16, top: 36, bottom: 56, containLabel: true },
      tooltip: {
        trigger: 'axis',
        confine: true,
        formatter: function (items) {
          var idx = items.length ? items[0].dataIndex : 0;
          var t = data.start + idx * data.step_ms;
          return escape(when(t, lang, true)) + '<br>' +
            escape(w.mean) + ': ' + number(data.mean[idx], lang) + ' ' + escape(data.unit) + '<br>' +
            escape(w.lowest) + ' – ' + escape(w.highest) + ': ' + number(data.min[idx], lang) + ' – ' +
            number(data.max[idx], lang);
        },
      },
      xAxis: {
        type: 'time',
        min: first,
        max: last,
        axisLabel: {
          hideOverlap: true,
          // Days in Viet Nam for periods of days, hours for a day or two.
          formatter: function (value) {
            var text = when(value, lang, true);
            return data.step === '1h' ? text.slice(6) : text.slice(0, 5) + ' ' + text.slice(6, 11);
          },
        },
      },
      yAxis: {
        type: 'value',
        scale: true,
        name: data.unit || '',
        max: isFinite(top) ? function (extent) { return rounded(Math.max(extent.max, top) * 1.05); } : null,
        axisLabel: { formatter: function (v) { return number(v, lang); } },
      },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [
        {
          name: 'min', type: 'line', data: low, stack: 'band', symbol: 'none',
          lineStyle: { opacity: 0 }, tooltip: { show: false }, silent: true, connectNulls: false,
        },
        {
          name: w.band, type: 'line', data: spread, stack: 'band', symbol: 'none',
          lineStyle: { opacity: 0 }, areaStyle: { color: BAND }, itemStyle: { color: BAND },
          silent: true, connectNulls: false,
        },
        {
          name: w.mean, type: 'line', data: mean, symbol: 'none', connectNulls: false,
          lineStyle: { color: LINE, width: 1.5 }, itemStyle: { color: LINE },
          markLine: lines.length ? { symbol: 'none', silent: true, data: lines } : undefined,
          markArea: areas.length ? { silent: true, data: areas } : undefined,
        },
      ],
    };
  }

  function register() {
    if (!window.parkloopCharts) return false;
    window.parkloopCharts.options.monitoring = monitoringOption;
    window.parkloopCharts.draw();
    return true;
  }

  window.parkloopMonitoring = { option: monitoringOption };
  if (!register()) {
    document.addEventListener('DOMContentLoaded', register);
  }
})();
