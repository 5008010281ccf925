"""`python -m ops checklist`: `command` (the CLI), `steps` (the order), one module per kind of step, `model`."""
