"""`python -m ops verify`: `command` (the CLI), `target` (what to check), `run` (the checks in order, their
progress), `checks` and `http` (each check and its HTTP client), `alarm_delivery`, `report` (JSON and markdown)."""
