"""Publishing: dumps, dataset metadata, HTML pages, charts and the read-only SPARQL endpoint.

Modules, one job each:

- ``rdf``: terms, their order, the published formats and a deterministic JSON-LD writer;
- ``graph``: the published graph split into named graphs, with indexes and labels;
- ``metadata``: the DCAT + VoID description and the SHA-256 manifest;
- ``facts``: figures for charts and pages (workload, co-responsibility, policy areas);
- ``links``, ``views`` and ``pages``: where pages live, what they show, and their HTML
  (Jinja2 templates in ``templates/``, autoescaped; ``static/`` holds the CSS and one script);
- ``charts``: the index page's charts (matplotlib SVG);
- ``tables``: the tabular release (CSV + CSVW metadata, XLSX, SQLite with full-text search and
  datasette's metadata) and its DCAT distributions;
- ``static/yasgui/`` and ``static/editor.js``: the query editor (vendored YASGUI) on ``editor/``;
- ``htaccess``: redirect rules for w3id.org;
- ``site``: every file of a static release, and ``publish`` that writes one atomically;
- ``conneg``: HTTP content negotiation;
- ``endpoint``, ``pool`` and ``worker``: SPARQL evaluation in killable worker processes, with a
  second query guard, the result cap and result formats (used by ``hngraph.serve``).
"""
