"""RDF plumbing shared by every stage: formats, reading, writing, term conversion."""
