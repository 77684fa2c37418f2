"""Publishing: dumps, dataset metadata, HTML pages and charts of a static release.

Modules, one job each:

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

Formats, serialisation and the JSON-LD writer live in ``hngraph.rdf``; the HTTP server, its
SPARQL endpoint and content negotiation in ``hngraph.server``.
"""
