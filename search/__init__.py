"""Multilingual semantic search, gaps and synthesis (issues 5 and 6; not built yet)."""
