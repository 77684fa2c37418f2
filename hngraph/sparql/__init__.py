"""SPARQL text (one tokenizer and guard), the query catalogue and result tables."""
