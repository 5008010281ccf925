"""`python -m ops runbook`: `command` (the CLI), one module per part of the document, `values` their shared facts."""
