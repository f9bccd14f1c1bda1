"""The graph store: pyoxigraph on disk, one named graph per source, SPARQL, export, validation."""
