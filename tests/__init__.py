"""The test suite, a package so that tests import their helpers as `tests.page_support` (pytest puts the repository
root on sys.path: `pythonpath` in pyproject.toml)."""
