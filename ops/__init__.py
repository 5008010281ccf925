"""Commands people run: `python -m ops plan|fingerprint|verify|runbook|checklist|readiness ...`."""
