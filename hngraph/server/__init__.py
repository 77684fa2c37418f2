"""The HTTP server: app, SPARQL protocol, content negotiation, query worker pool."""
