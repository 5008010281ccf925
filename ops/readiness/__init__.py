"""`python -m ops readiness`: `command` (the CLI), `items` (the list), `evidence`, one module per kind of item,
`model`, `render`."""
