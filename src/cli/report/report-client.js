/*
 * Browser code of `tuneforge report`: draws the charts of the report from the plot data embedded in the
 * page (`#tuneforge-report-data`, the JSON of `studyPlots` in @tuneforge/core) with Apache ECharts, and
 * makes the trial table sortable and filterable. It runs from a file, offline: no request is ever made.
 * Plain ES2019 on purpose, so that it is inlined as is, without a build step.
 */
/* global echarts */
(function () {
  'use strict';

  var STATE_COLORS = {
    COMPLETE: '#3366cc',
    PRUNED: '#e8912d',
    FAIL: '#d64545',
    RUNNING: '#2e9e5b',
    WAITING: '#8a96a3',
  };
  // Light to dark; the better end of the objective is drawn dark.
  var SCALE = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];

  var report = JSON.parse(document.getElementById('tuneforge-report-data').textContent);
  var plots = report.plots;
  var charts = [];

  function container(plot) {
    return document.querySelector('[data-plot="' + plot + '"]');
  }

  function emptyNote(box, text) {
    var p = document.createElement('p');
    p.className = 'empty';
    p.textContent = text;
    box.appendChild(p);
  }

  /** A new chart in `box`; SVG so that it stays sharp when printed or zoomed. */
  function newChart(box, option, className) {
    var div = document.createElement('div');
    div.className = 'chart' + (className ? ' ' + className : '');
    box.appendChild(div);
    var chart = echarts.init(div, null, { renderer: 'svg' });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  function fmt(v) {
    if (typeof v !== 'number') return String(v);
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
  }

  function scaleFor(direction) {
    return direction === 'minimize' ? SCALE.slice().reverse() : SCALE;
  }

  function extent(values) {
    var lo = Infinity;
    var hi = -Infinity;
    values.forEach(function (v) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    });
    if (lo === hi) {
      lo -= 0.5;
      hi += 0.5;
    }
    return [lo, hi];
  }

  /** An ECharts axis for a ParamAxis of the plot data: value, log, or categories at 0, 1, 2, … */
  function paramAxisOption(axis) {
    var base = {
      name: axis.name,
      nameLocation: 'middle',
      nameGap: 28,
      splitLine: { show: false },
      // The other axis crosses at its minimum, not at 0 (which is inside the range of many parameters).
      axisLine: { onZero: false },
    };
    if (axis.categories) {
      // A value axis with ticks at the indices, so that the contour's cells can span ±0.5 around them.
      var indices = axis.categories.map(function (_, i) {
        return i;
      });
      return Object.assign(base, {
        type: 'value',
        min: -0.5,
        max: axis.categories.length - 0.5,
        axisTick: { customValues: indices },
        axisLabel: {
          customValues: indices,
          formatter: function (v) {
            return axis.categories[Math.round(v)];
          },
        },
      });
    }
    if (axis.scale === 'log')
      return Object.assign(base, { type: 'log', min: axis.range[0], max: axis.range[1] });
    return Object.assign(base, {
      type: 'value',
      min: axis.range[0],
      max: axis.range[1],
      minInterval: axis.integer ? 1 : 0,
    });
  }

  function paramLabel(axis, x) {
    return axis.categories ? axis.categories[x] : fmt(x);
  }

  function valueAxis(name) {
    return { type: 'value', name: name, nameLocation: 'middle', nameGap: 48, scale: true };
  }

  var GRID = { left: 64, right: 24, top: 36, bottom: 48 };

  function drawHistory() {
    var box = container('optimization-history');
    box.classList.add('wide');
    plots.optimizationHistory.series.forEach(function (s) {
      if (s.values.length === 0) return emptyNote(box, 'No completed trial for ' + s.objective.name + '.');
      newChart(box, {
        title:
          plots.optimizationHistory.series.length > 1
            ? { text: s.objective.name, textStyle: { fontSize: 13 } }
            : undefined,
        grid: GRID,
        tooltip: { trigger: 'item' },
        legend: { top: 4, right: 8, data: ['Objective value', 'Best value'] },
        xAxis: { type: 'value', name: 'Trial', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
        yAxis: valueAxis(s.objective.name),
        series: [
          {
            name: 'Objective value',
            type: 'scatter',
            symbolSize: 7,
            itemStyle: { color: STATE_COLORS.COMPLETE, opacity: 0.75 },
            data: s.values.map(function (p) {
              return [p.number, p.value];
            }),
            tooltip: {
              formatter: function (p) {
                return 'Trial ' + p.value[0] + '<br>' + fmt(p.value[1]);
              },
            },
          },
          {
            name: 'Best value',
            type: 'line',
            step: 'end',
            showSymbol: false,
            lineStyle: { color: '#d64545', width: 2 },
            itemStyle: { color: '#d64545' },
            data: s.bestSoFar.map(function (p) {
              return [p.number, p.value];
            }),
          },
        ],
      });
    });
  }

  function drawImportances() {
    var box = container('importances');
    var list = plots.importances;
    if (!list || list.length === 0)
      return emptyNote(box, 'Importances need two completed trials with parameters.');
    box.classList.add('wide');
    var names = list.map(function (r) {
      return r.param;
    });
    var chart = newChart(box, {
      grid: { left: 140, right: 60, top: 10, bottom: 30 },
      tooltip: { trigger: 'item' },
      xAxis: {
        type: 'value',
        max: 1,
        axisLabel: {
          formatter: function (v) {
            return Math.round(v * 100) + '%';
          },
        },
      },
      yAxis: { type: 'category', inverse: true, data: names },
      series: [
        {
          type: 'bar',
          barMaxWidth: 22,
          itemStyle: { color: STATE_COLORS.COMPLETE },
          label: {
            show: true,
            position: 'right',
            formatter: function (p) {
              return (p.value * 100).toFixed(1) + '%';
            },
          },
          data: list.map(function (r) {
            return r.importance;
          }),
        },
      ],
    });
    chart.getDom().style.height = Math.max(140, 40 + 28 * names.length) + 'px';
    chart.resize();
  }

  function drawIntermediate() {
    var box = container('intermediate-values');
    var curves = plots.intermediateValues.curves;
    if (curves.length === 0) return emptyNote(box, 'No trial reported intermediate values.');
    box.classList.add('wide');
    var series = curves.map(function (c) {
      return {
        name: 'Trial ' + c.number,
        type: 'line',
        showSymbol: c.steps.length === 1,
        symbolSize: 5,
        lineStyle: { width: 1.2, opacity: 0.7, type: c.pruned ? 'dashed' : 'solid' },
        itemStyle: { color: STATE_COLORS[c.state] || STATE_COLORS.COMPLETE },
        emphasis: { focus: 'series' },
        data: c.steps.map(function (s, i) {
          return [s, c.values[i]];
        }),
      };
    });
    var ends = curves
      .filter(function (c) {
        return c.pruned;
      })
      .map(function (c) {
        return [c.steps[c.steps.length - 1], c.values[c.values.length - 1], c.number];
      });
    series.push({
      name: 'Pruned here',
      type: 'scatter',
      symbol: 'triangle',
      symbolSize: 8,
      itemStyle: { color: STATE_COLORS.PRUNED },
      data: ends,
      z: 5,
    });
    newChart(
      box,
      {
        grid: GRID,
        tooltip: {
          trigger: 'item',
          formatter: function (p) {
            var n = p.seriesName === 'Pruned here' ? 'Trial ' + p.value[2] + ' (pruned)' : p.seriesName;
            return n + '<br>step ' + p.value[0] + ': ' + fmt(p.value[1]);
          },
        },
        legend: { show: true, data: ['Pruned here'], top: 4, right: 8 },
        xAxis: { type: 'value', name: 'Step', nameLocation: 'middle', nameGap: 28, minInterval: 1 },
        yAxis: valueAxis('Intermediate value'),
        series: series,
      },
      'tall',
    );
  }

  function drawSlice() {
    var box = container('slice');
    var data = plots.slice;
    if (data.params.length === 0) return emptyNote(box, 'No completed trial with parameters.');
    var maxNumber = 0;
    data.params.forEach(function (p) {
      p.points.forEach(function (q) {
        if (q.number > maxNumber) maxNumber = q.number;
      });
    });
    data.params.forEach(function (p) {
      newChart(box, {
        grid: GRID,
        tooltip: {
          trigger: 'item',
          formatter: function (q) {
            return (
              'Trial ' +
              q.value[2] +
              '<br>' +
              p.axis.name +
              ' = ' +
              paramLabel(p.axis, q.value[0]) +
              '<br>' +
              fmt(q.value[1])
            );
          },
        },
        visualMap: {
          show: false,
          dimension: 2,
          min: 0,
          max: Math.max(1, maxNumber),
          inRange: { color: ['#9ecae1', '#08306b'] },
        },
        xAxis: paramAxisOption(p.axis),
        yAxis: valueAxis(data.objective.name),
        series: [
          {
            type: 'scatter',
            symbolSize: 7,
            data: p.points.map(function (q) {
              return [q.x, q.value, q.number];
            }),
          },
        ],
      });
    });
  }

  /** Cell edges around grid nodes: halfway between neighbours (in log space on log axes), the range at the ends. */
  function cellEdges(axis, nodes) {
    var log = axis.scale === 'log';
    var lo = axis.categories ? -0.5 : axis.range[0];
    var hi = axis.categories ? axis.categories.length - 0.5 : axis.range[1];
    var edges = [lo];
    for (var i = 1; i < nodes.length; i++) {
      edges.push(log ? Math.sqrt(nodes[i - 1] * nodes[i]) : (nodes[i - 1] + nodes[i]) / 2);
    }
    edges.push(hi);
    return edges;
  }

  function drawContour() {
    var box = container('contour');
    var data = plots.contour;
    if (data.pairs.length === 0) return emptyNote(box, 'A contour needs two parameters or more.');
    data.pairs.forEach(function (pair) {
      var cells = [];
      var zs = pair.points.map(function (p) {
        return p.value;
      });
      if (pair.grid) {
        var xe = cellEdges(pair.x, pair.grid.xs);
        var ye = cellEdges(pair.y, pair.grid.ys);
        pair.grid.z.forEach(function (row, j) {
          row.forEach(function (z, i) {
            cells.push([xe[i], xe[i + 1], ye[j], ye[j + 1], z]);
            zs.push(z);
          });
        });
      }
      if (zs.length === 0) return;
      var range = extent(zs);
      newChart(box, {
        grid: { left: 64, right: 70, top: 20, bottom: 48 },
        tooltip: {
          trigger: 'item',
          formatter: function (q) {
            if (q.seriesIndex === 0) return 'interpolated ' + fmt(q.value[4]);
            return (
              'Trial ' +
              q.value[3] +
              '<br>' +
              pair.x.name +
              ' = ' +
              paramLabel(pair.x, q.value[0]) +
              '<br>' +
              pair.y.name +
              ' = ' +
              paramLabel(pair.y, q.value[1]) +
              '<br>' +
              fmt(q.value[2])
            );
          },
        },
        visualMap: {
          type: 'continuous',
          seriesIndex: 0,
          dimension: 4,
          min: range[0],
          max: range[1],
          inRange: { color: scaleFor(data.objective.direction) },
          orient: 'vertical',
          right: 4,
          top: 'middle',
          itemWidth: 10,
          itemHeight: 150,
          text: [fmt(range[1]), fmt(range[0])],
          textStyle: { fontSize: 10 },
          calculable: false,
        },
        xAxis: paramAxisOption(pair.x),
        yAxis: Object.assign(paramAxisOption(pair.y), { nameGap: 44 }),
        series: [
          {
            type: 'custom',
            silent: false,
            encode: { x: [0, 1], y: [2, 3] },
            data: cells,
            renderItem: function (params, api) {
              var a = api.coord([api.value(0), api.value(2)]);
              var b = api.coord([api.value(1), api.value(3)]);
              return {
                type: 'rect',
                shape: {
                  x: Math.min(a[0], b[0]),
                  y: Math.min(a[1], b[1]),
                  width: Math.abs(b[0] - a[0]) + 0.6,
                  height: Math.abs(b[1] - a[1]) + 0.6,
                },
                style: { fill: api.visual('color') },
              };
            },
          },
          {
            type: 'scatter',
            symbolSize: 6,
            itemStyle: { color: '#fff', borderColor: '#17202b', borderWidth: 1 },
            data: pair.points.map(function (p) {
              return [p.x, p.y, p.value, p.number];
            }),
            z: 3,
          },
        ],
      });
    });
  }

  function drawParallel() {
    var box = container('parallel-coordinates');
    var data = plots.parallelCoordinates;
    if (data.rows.length === 0) return emptyNote(box, 'No completed trial with all the parameters.');
    box.classList.add('wide');
    var axes = [{ dim: 0, name: data.objective.name, type: 'value', scale: true }];
    data.dimensions.forEach(function (d, i) {
      var axis = { dim: i + 1, name: d.name };
      if (d.categories) {
        axis.type = 'category';
        axis.data = d.categories;
      } else if (d.scale === 'log') {
        axis.type = 'log';
        axis.min = d.range[0];
        axis.max = d.range[1];
      } else {
        axis.type = 'value';
        axis.min = d.range[0];
        axis.max = d.range[1];
      }
      axes.push(axis);
    });
    var values = data.rows.map(function (r) {
      return r.value;
    });
    var range = extent(values);
    newChart(
      box,
      {
        parallel: { left: 70, right: 90, top: 50, bottom: 30 },
        parallelAxis: axes,
        visualMap: {
          type: 'continuous',
          dimension: 0,
          min: range[0],
          max: range[1],
          inRange: { color: scaleFor(data.objective.direction).slice(1) },
          right: 4,
          top: 'middle',
          itemWidth: 10,
          itemHeight: 150,
          text: [fmt(range[1]), fmt(range[0])],
          calculable: false,
        },
        series: [
          {
            type: 'parallel',
            lineStyle: { width: 1.2, opacity: 0.6 },
            data: data.rows.map(function (r) {
              return [r.value].concat(
                r.coordinates.map(function (c, i) {
                  var d = data.dimensions[i];
                  return d.categories ? d.categories[c] : c;
                }),
              );
            }),
          },
        ],
      },
      'tall',
    );
  }

  function drawEdf() {
    var box = container('empirical-distribution');
    var data = plots.empiricalDistribution;
    if (data.points.length === 0) return emptyNote(box, 'No completed trial.');
    newChart(box, {
      grid: GRID,
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: data.objective.name, nameLocation: 'middle', nameGap: 28, scale: true },
      yAxis: {
        type: 'value',
        name: 'Cumulative probability',
        nameLocation: 'middle',
        nameGap: 40,
        min: 0,
        max: 1,
      },
      series: [
        {
          type: 'line',
          step: 'end',
          showSymbol: false,
          lineStyle: { color: STATE_COLORS.COMPLETE, width: 2 },
          data: data.points.map(function (p) {
            return [p.value, p.fraction];
          }),
        },
      ],
    });
  }

  function drawTimeline() {
    var box = container('timeline');
    var data = plots.timeline;
    if (data.bars.length === 0) return emptyNote(box, 'No trial has started.');
    box.classList.add('wide');
    var rows = [];
    var firstRow = [];
    data.lanes.forEach(function (lane) {
      firstRow.push(rows.length);
      for (var s = 0; s < lane.slots; s++) rows.push(lane.slots > 1 ? lane.name + ' #' + (s + 1) : lane.name);
    });
    var states = Object.keys(STATE_COLORS).filter(function (state) {
      return data.bars.some(function (b) {
        return b.state === state;
      });
    });
    var series = states.map(function (state) {
      return {
        name: state,
        type: 'custom',
        itemStyle: { color: STATE_COLORS[state] },
        encode: { x: [0, 1], y: 2 },
        data: data.bars
          .filter(function (b) {
            return b.state === state;
          })
          .map(function (b) {
            return [b.start, b.end, firstRow[b.lane] + b.slot, b.number];
          }),
        renderItem: function (params, api) {
          var row = api.value(2);
          var a = api.coord([api.value(0), row]);
          var b = api.coord([api.value(1), row]);
          var h = api.size([0, 1])[1] * 0.62;
          return {
            type: 'rect',
            shape: { x: a[0], y: a[1] - h / 2, width: Math.max(b[0] - a[0], 2), height: h },
            style: { fill: STATE_COLORS[state], stroke: '#fff', lineWidth: 0.5 },
          };
        },
      };
    });
    var chart = newChart(box, {
      grid: { left: 110, right: 24, top: 36, bottom: 40 },
      legend: { top: 4, right: 8, data: states },
      tooltip: {
        trigger: 'item',
        formatter: function (p) {
          return (
            'Trial ' +
            p.value[3] +
            ' (' +
            p.seriesName.toLowerCase() +
            ')<br>' +
            ((p.value[1] - p.value[0]) / 1000).toFixed(2) +
            ' s'
          );
        },
      },
      xAxis: { type: 'time', min: data.start, max: data.end },
      yAxis: { type: 'category', data: rows, inverse: true },
      series: series,
    });
    chart.getDom().style.height = Math.min(900, Math.max(180, 90 + 26 * rows.length)) + 'px';
    chart.resize();
  }

  function drawPareto() {
    var box = container('pareto-front');
    var data = plots.paretoFront;
    if (!box || !data) return;
    if (data.points.length === 0) return emptyNote(box, 'No completed trial.');
    var pairs =
      data.dimensions === 2
        ? [[0, 1]]
        : [
            [0, 1],
            [0, 2],
            [1, 2],
          ];
    pairs.forEach(function (pair) {
      var pick = function (dominated) {
        return data.points
          .filter(function (p) {
            return p.dominated === dominated;
          })
          .map(function (p) {
            return [p.values[pair[0]], p.values[pair[1]], p.number];
          });
      };
      newChart(box, {
        grid: GRID,
        legend: { top: 4, right: 8 },
        tooltip: {
          trigger: 'item',
          formatter: function (q) {
            return 'Trial ' + q.value[2] + '<br>' + fmt(q.value[0]) + ', ' + fmt(q.value[1]);
          },
        },
        xAxis: Object.assign(valueAxis(data.objectives[pair[0]].name), { nameGap: 28 }),
        yAxis: valueAxis(data.objectives[pair[1]].name),
        series: [
          {
            name: 'Dominated',
            type: 'scatter',
            symbolSize: 6,
            itemStyle: { color: '#9aa5b1', opacity: 0.7 },
            data: pick(true),
          },
          {
            name: 'Pareto front',
            type: 'scatter',
            symbolSize: 8,
            itemStyle: { color: '#d64545' },
            data: pick(false),
            z: 3,
          },
        ],
      });
    });
  }

  function setUpTable() {
    var table = document.getElementById('trials');
    if (!table) return;
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var filter = document.getElementById('state-filter');
    var search = document.getElementById('table-search');
    var count = document.getElementById('table-count');
    function refresh() {
      var state = filter.value;
      var needle = search.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (r) {
        var ok =
          (!state || r.getAttribute('data-state') === state) &&
          (!needle || r.textContent.toLowerCase().indexOf(needle) >= 0);
        r.style.display = ok ? '' : 'none';
        if (ok) shown++;
      });
      count.textContent = shown + ' of ' + rows.length + ' trials';
    }
    filter.addEventListener('change', refresh);
    search.addEventListener('input', refresh);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      th.addEventListener('click', function () {
        var asc = !th.classList.contains('asc');
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
          h.classList.remove('asc', 'desc');
        });
        th.classList.add(asc ? 'asc' : 'desc');
        var key = function (r) {
          var text = r.cells[col].textContent;
          var n = Number(text);
          return text === '' ? null : isNaN(n) ? text : n;
        };
        rows.sort(function (a, b) {
          var x = key(a);
          var y = key(b);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // empty cells last
          var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) {
          body.appendChild(r);
        });
      });
    });
    refresh();
  }

  drawHistory();
  drawImportances();
  drawIntermediate();
  drawSlice();
  drawContour();
  drawParallel();
  drawEdf();
  drawTimeline();
  drawPareto();
  setUpTable();
  window.addEventListener('resize', function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
  // Tells a test (or a curious reader) that drawing finished, and how many charts were drawn.
  document.documentElement.setAttribute('data-charts', String(charts.length));
})();
