"""The W3C SPARQL 1.1 test suites, driven through the HTTP service (see test_w3c.py)."""
