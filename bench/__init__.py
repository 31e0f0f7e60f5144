"""Benchmarks and scale generators (not part of the product or its test suite).

Run from the repository root with the product's settings, e.g.
``DATABASE_URL=postgres://…/newsroom_bench python -m bench.fill``. Nothing in
the product imports this package, and pytest's ``testpaths`` never reaches it.
"""
