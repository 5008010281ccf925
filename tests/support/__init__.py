"""Helpers the tests share, importable as ``tests.support.<module>`` (pytest puts the repository root on
``sys.path``: ``pythonpath`` in pyproject.toml); fixtures stay in the conftests."""
