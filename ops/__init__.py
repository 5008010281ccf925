"""Commands people run: `python -m ops plan|fingerprint|verify ...`."""
