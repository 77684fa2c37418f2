"""Build: source records plus curated data (registry, translations, knowledge) into RDF."""
