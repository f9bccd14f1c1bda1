"""NLP ingestion: documents become paragraphs, entities and relations (issue 3; not built yet)."""
