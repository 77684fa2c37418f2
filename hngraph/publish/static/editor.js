// The query editor: YASGUI (static/yasgui/, vendored; see its README) on the hngraph endpoint,
// with the query catalogue as examples and a bar-chart view of numeric results. Its settings
// come from the page's JSON block #editor-config (endpoint, prefixes, examples); nothing is
// fetched from anywhere but the endpoint. Autocompletion that would call outside services
// (classes and properties from LOV) is switched off.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const NUMERIC = new Set(
  ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger",
    "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong"]
    .map((name) => "http://www.w3.org/2001/XMLSchema#" + name),
);
const MAX_BARS = 60;

function svg(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes || {})) {
    element.setAttribute(key, String(value));
  }
  return element;
}

function isNumber(binding) {
  return Boolean(binding) && binding.type !== "uri" && NUMERIC.has(binding.datatype);
}

function compact(value, prefixes) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(prefixes || {})) {
    if (value.startsWith(namespace) && (!best || namespace.length > best[1].length)) {
      best = [prefix, namespace];
    }
  }
  return best ? best[0] + ":" + value.slice(best[1].length) : value;
}

// A YASR plugin: one horizontal bar per row, the first numeric column against a label made of
// the row's text columns. Shown for SELECT results that have a numeric column.
class BarChart {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 5;
    this.label = "Chart 图表";
    this.hideFromSelection = false;
  }

  columns() {
    const results = this.yasr.results;
    if (!results || !results.getVariables || !results.getBindings) {
      return null;
    }
    const variables = results.getVariables() || [];
    const rows = results.getBindings() || [];
    if (!rows.length) {
      return null;
    }
    const numeric = variables.filter((v) => rows.every((row) => !row[v] || isNumber(row[v])))
      .filter((v) => rows.some((row) => isNumber(row[v])));
    if (!numeric.length) {
      return null;
    }
    const labels = variables.filter((v) => !numeric.includes(v));
    const value = numeric.includes(this.chosen) ? this.chosen : numeric[0];
    return { value, numeric, labels, rows };
  }

  canHandleResults() {
    return this.columns() !== null;
  }

  getIcon() {
    const icon = svg("svg", { viewBox: "0 0 16 16", width: 15, height: 15, "aria-hidden": "true" });
    for (const [y, width] of [[2, 14], [7, 9], [12, 5]]) {
      icon.appendChild(svg("rect", { x: 1, y, width, height: 3, fill: "currentColor" }));
    }
    return icon;
  }

  label_of(row, labels, prefixes) {
    const texts = labels.filter((v) => row[v] && row[v].type !== "uri").map((v) => row[v].value);
    if (texts.length) {
      return texts.slice(0, 2).join(" · ");
    }
    const iris = labels.filter((v) => row[v]).map((v) => compact(row[v].value, prefixes));
    return iris.slice(0, 2).join(" · ");
  }

  draw() {
    const found = this.columns();
    const root = document.createElement("div");
    root.className = "hngraph-chart";
    if (!found) {
      this.yasr.resultsEl.appendChild(root);
      return;
    }
    if (found.numeric.length > 1) {
      const picker = document.createElement("select");
      picker.className = "hngraph-chart-column";
      picker.setAttribute("aria-label", "列 column");
      for (const name of found.numeric) {
        const option = document.createElement("option");
        option.value = name;
        option.textContent = name;
        option.selected = name === found.value;
        picker.appendChild(option);
      }
      picker.addEventListener("change", () => {
        this.chosen = picker.value;
        this.yasr.resultsEl.replaceChildren();
        this.draw();
      });
      root.appendChild(picker);
    }
    const prefixes = this.yasr.getPrefixes();
    const rows = found.rows.slice(0, MAX_BARS);
    const values = rows.map((row) => (row[found.value] ? Number(row[found.value].value) : 0));
    const largest = Math.max(1, ...values);
    const labelWidth = 420;
    const barWidth = 360;
    const step = 22;
    const chart = svg("svg", {
      role: "img",
      width: labelWidth + barWidth + 60,
      height: rows.length * step + 30,
      "aria-label": found.value,
    });
    const title = svg("text", { x: labelWidth, y: 14, class: "axis" });
    title.textContent = found.value;
    chart.appendChild(title);
    rows.forEach((row, index) => {
      const y = 24 + index * step;
      const name = svg("text", { x: labelWidth - 8, y: y + 13, "text-anchor": "end", class: "name" });
      name.textContent = this.label_of(row, found.labels, prefixes);
      const bar = svg("rect", {
        x: labelWidth,
        y,
        height: step - 6,
        width: Math.max(1, (values[index] / largest) * barWidth),
        class: "bar",
      });
      const figure = svg("text", {
        x: labelWidth + (values[index] / largest) * barWidth + 6,
        y: y + 13,
        class: "value",
      });
      figure.textContent = String(values[index]);
      chart.append(name, bar, figure);
    });
    root.appendChild(chart);
    if (found.rows.length > MAX_BARS) {
      const note = document.createElement("p");
      note.className = "note";
      note.textContent = `前 ${MAX_BARS} 行 · first ${MAX_BARS} of ${found.rows.length} rows`;
      root.appendChild(note);
    }
    this.yasr.resultsEl.appendChild(root);
  }
}

function start() {
  const block = document.getElementById("editor-config");
  const host = document.getElementById("yasgui");
  if (!block || !host || typeof Yasgui === "undefined") {
    return;
  }
  const config = JSON.parse(block.textContent);
  const endpoint = new URL(config.endpoint, document.location.href).href;
  Yasgui.Yasr.registerPlugin("chart", BarChart);
  const first = config.examples.length ? config.examples[0].query : config.query;
  const yasgui = new Yasgui(host, {
    requestConfig: { endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint }], keys: [] },
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: first, autocompleters: ["prefixes", "variables"], persistenceId: null },
    yasr: {
      prefixes: config.prefixes,
      pluginOrder: ["table", "chart", "response"],
      defaultPlugin: "table",
      persistenceId: null,
    },
  });
  window.hngraphEditor = yasgui;
  const tab = () => yasgui.getTab();
  tab().setQuery(first);
  for (const button of document.querySelectorAll("#examples button[data-query]")) {
    button.addEventListener("click", () => {
      const example = config.examples[Number(button.dataset.query)];
      tab().setName(example.name).setQuery(example.query);
      tab().getYasqe().query().catch(() => {});
    });
  }
}

document.addEventListener("DOMContentLoaded", start);
