// hngraph site search: finds words in the index embedded in the search page
// (<script type="application/json" id="search-index">, written by `hngraph publish`).
// No request leaves the page; results are built with DOM methods and textContent only.
"use strict";

(function () {
  const index = JSON.parse(document.getElementById("search-index").textContent);
  const form = document.getElementById("search-form");
  const input = document.getElementById("search-q");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const LIMIT = 100;

  function fold(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  const entries = index.entries.map(function (e) {
    return {entry: e, names: [fold(e.zh), fold(e.en)], words: e.w.map(fold)};
  });

  // Smaller is better: 0 a name equals the query, 1 a name starts with it, 2 a name contains
  // it, 3 another label or text contains it; -1 no match. Every word of the query must match.
  function score(item, words) {
    let worst = 0;
    for (const word of words) {
      let best = -1;
      for (const name of item.names) {
        if (!name) continue;
        const rank = name === word ? 0 : name.startsWith(word) ? 1 : name.includes(word) ? 2 : -1;
        if (rank >= 0 && (best < 0 || rank < best)) best = rank;
      }
      if (best < 0 && item.words.some(function (w) { return w.includes(word); })) best = 3;
      if (best < 0) return -1;
      worst = Math.max(worst, best);
    }
    return worst;
  }

  function span(text, lang, className) {
    const element = document.createElement("span");
    element.textContent = text;
    if (lang) element.lang = lang;
    if (className) element.className = className;
    return element;
  }

  function show(query) {
    list.replaceChildren();
    const words = fold(query).split(/\s+/).filter(Boolean);
    if (!words.length) {
      status.textContent = "请输入要查找的词。 Type a word to search for.";
      return;
    }
    const found = [];
    entries.forEach(function (item, order) {
      const rank = score(item, words);
      if (rank >= 0) found.push([rank, order, item.entry]);
    });
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    const shown = found.slice(0, LIMIT);
    status.textContent = "找到 " + found.length + " 项 · " + found.length + " found" +
      (found.length > LIMIT ? "（显示前 " + LIMIT + " 项 · first " + LIMIT + " shown）" : "");
    for (const [, , e] of shown) {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = e.h;
      link.appendChild(span(e.zh, "zh"));
      if (e.en) {
        link.appendChild(document.createTextNode(" "));
        link.appendChild(span(e.en, "en", "en"));
      }
      item.appendChild(link);
      const kind = index.kinds[e.k];
      const scheme = e.s.length ? "（" + e.s.join("、") + "）" : "";
      item.appendChild(document.createTextNode(" "));
      item.appendChild(span(kind[0] + scheme + " · " + kind[1], null, "kind"));
      list.appendChild(item);
    }
  }

  const query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    try {  // keep the query in the address (some browsers refuse this for file: pages)
      const url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      window.history.replaceState(null, "", url);
    } catch (error) {
      // the results still show
    }
    show(input.value);
  });
})();
