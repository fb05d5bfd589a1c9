/* The dashboard's charts, drawn with Apache ECharts (vendor/echarts, installed from npm; no CDN).
 *
 * The data come from the page (json_script "dashboard-data", built by giamngheo/dashboard/selectors.py);
 * every label is a translated string from the server. The Content-Security-Policy forbids inline styles
 * and eval: the charts use the canvas renderer and rich-text tooltips (HTML tooltips carry inline
 * styles), and nothing here builds code from strings. Numbers use the Vietnamese format (1.234,5).
 * Each point links to what it drills down to (a unit's dashboard, or the household list behind it).
 */
(function () {
  "use strict";

  var dataNode = document.getElementById("dashboard-data");
  if (!dataNode || typeof window.echarts === "undefined") {
    return;
  }
  var data = JSON.parse(dataNode.textContent || "{}");
  var textNode = document.getElementById("dashboard-text");
  var text = textNode ? JSON.parse(textNode.textContent || "{}") : {};
  var echarts = window.echarts;
  var nf = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  var COLORS = ["#1f6f43", "#c77c02", "#2f6db5", "#b23b3b", "#6b4fa3", "#0f8a8a", "#7a7a7a"];
  var charts = {};

  function fmt(value, unit) {
    if (value === null || value === undefined || Number.isNaN(value)) {
      return text.noData || "—";
    }
    var s = nf.format(value);
    if (unit === "%") {
      return s + " %";
    }
    return unit ? s + " " + unit : s;
  }

  function legendBottom(el, names) {
    // A plain legend wraps onto several lines on a phone: leave it room under the plot.
    var width = Math.max(el.clientWidth * 0.9, 200);
    var used = 0;
    names.forEach(function (name) {
      used += 30 + 6.5 * String(name).length;
    });
    var lines = Math.max(1, Math.ceil(used / width));
    return lines * 22 + 16;
  }

  function base(key, chart) {
    return {
      animation: false,
      color: COLORS,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
      tooltip: { renderMode: "richText", confine: true },
      toolbox: {
        right: 0,
        top: 0,
        feature: {
          saveAsImage: {
            title: text.saveImage || "PNG",
            name: key,
            type: "png",
            pixelRatio: 2,
            backgroundColor: "#fff",
          },
        },
      },
    };
  }

  function targetLines(chart) {
    var targets = chart.targets || [];
    if (!targets.length) {
      return undefined;
    }
    return {
      symbol: "none",
      lineStyle: { type: "dashed", color: "#b23b3b" },
      label: { formatter: "{b}", position: "insideEndTop" },
      data: targets.map(function (t) {
        return { name: t.label, yAxis: t.value };
      }),
    };
  }

  function categoryOption(key, chart, el, opts) {
    var horizontal = opts && opts.horizontal;
    var names = chart.series.map(function (s) {
      return s.name;
    });
    var option = base(key, chart);
    var valueAxis = {
      type: "value",
      axisLabel: {
        formatter: function (v) {
          return nf.format(opts && opts.absolute ? Math.abs(v) : v);
        },
      },
      name: chart.unit || "",
    };
    var categoryAxis = {
      type: "category",
      data: chart.categories,
      inverse: !!horizontal,
      axisLabel: { hideOverlap: !horizontal, width: horizontal ? 130 : 90, overflow: "truncate", interval: horizontal ? 0 : "auto" },
    };
    var showLegend = chart.series.length > 1;
    option.legend = showLegend ? { type: "plain", bottom: 0, left: "center", width: "92%", data: names } : undefined;
    option.grid = {
      left: 8,
      right: 24,
      top: 40,
      bottom: showLegend ? legendBottom(el, names) : 12,
      containLabel: true,
    };
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: horizontal ? "shadow" : "line" };
    option.tooltip.valueFormatter = function (v) {
      return fmt(v === null || v === undefined ? v : opts && opts.absolute ? Math.abs(v) : v, chart.unit);
    };
    option.xAxis = horizontal ? valueAxis : categoryAxis;
    option.yAxis = horizontal ? categoryAxis : valueAxis;
    option.series = chart.series.map(function (s, i) {
      var serie = {
        name: s.name,
        type: (opts && opts.type) || "bar",
        data: s.values,
        stack: s.stack || undefined,
        connectNulls: false,
        cursor: s.links.some(Boolean) ? "pointer" : "default",
        emphasis: { focus: "series" },
      };
      if (serie.type === "line") {
        serie.symbolSize = 8;
      }
      if (i === 0) {
        serie.markLine = targetLines(chart); // target lines of the plan (empty until the plans app is wired)
      }
      return serie;
    });
    return option;
  }

  function drill(chart, instance) {
    instance.on("click", function (params) {
      var serie = chart.series[params.seriesIndex];
      var link = serie && serie.links ? serie.links[params.dataIndex] : "";
      if (link) {
        window.location.assign(link);
      }
    });
  }

  function init(key, el) {
    var instance = echarts.init(el, null, { renderer: "canvas", locale: "EN" });
    charts[key] = instance;
    return instance;
  }

  function drawCategory(key, opts) {
    var chart = data[key];
    var el = document.querySelector('[data-chart="' + key + '"]');
    if (!chart || !el) {
      return;
    }
    if (opts && opts.horizontal) {
      el.style.height = Math.max(300, chart.categories.length * 24 + 90) + "px";
    }
    var instance = init(key, el);
    instance.setOption(categoryOption(key, chart, el, opts));
    drill(chart, instance);
  }

  function drawMap() {
    var map = data.map;
    var el = document.querySelector('[data-chart="map"]');
    if (!map || !el) {
      return;
    }
    var instance = init("map", el);
    var picker = document.querySelector("[data-map-layer]");
    fetch(map.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (geojson) {
        echarts.registerMap("gn-communes", geojson);
        function show(index) {
          var layer = map.layers[index] || map.layers[0];
          var values = layer.values
            .map(function (v) {
              return v.value;
            })
            .filter(function (v) {
              return v !== null && v !== undefined;
            });
          var option = base("map", map);
          option.tooltip.trigger = "item";
          option.tooltip.formatter = function (p) {
            var d = p.data || {};
            return (d.label || p.name) + ": " + fmt(d.value, layer.unit);
          };
          option.visualMap = {
            type: "continuous",
            min: values.length ? Math.min.apply(null, values) : 0,
            max: values.length ? Math.max.apply(null, values) : 1,
            left: 0,
            bottom: 0,
            calculable: false,
            text: [fmt(values.length ? Math.max.apply(null, values) : null, layer.unit), fmt(values.length ? Math.min.apply(null, values) : null, layer.unit)],
            inRange: { color: ["#e8f3ec", "#f3c969", "#b23b3b"] },
            formatter: function (v) {
              return fmt(v, layer.unit);
            },
          };
          option.series = [
            {
              name: layer.name,
              type: "map",
              map: "gn-communes",
              nameProperty: "name",
              roam: true,
              label: { show: false },
              emphasis: { label: { show: false }, itemStyle: { areaColor: "#2f6db5" } },
              itemStyle: { areaColor: "#f1f1f1", borderColor: "#888", borderWidth: 0.5 },
              data: layer.values,
            },
          ];
          instance.setOption(option, true);
        }
        show(0);
        if (picker) {
          picker.addEventListener("change", function () {
            show(parseInt(picker.value, 10) || 0);
          });
        }
        instance.on("click", function (params) {
          if (params.data && params.data.link) {
            window.location.assign(params.data.link);
          }
        });
      });
  }

  drawCategory("rates", { type: "line" });
  drawCategory("movements", { absolute: true });
  drawCategory("coverage", {});
  drawCategory("af", {});
  drawCategory("ranking", { horizontal: true });
  drawMap();

  // "Download PNG": the chart as a PNG (twice the screen's resolution, white background).
  document.querySelectorAll("[data-png]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var instance = charts[link.getAttribute("data-png")];
      if (!instance) {
        event.preventDefault();
        return;
      }
      link.href = instance.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      Object.keys(charts).forEach(function (key) {
        charts[key].resize();
      });
    }, 100);
  });

  document.documentElement.setAttribute("data-charts-ready", String(Object.keys(charts).length));
})();
