"""`python -m ops plan`: `command` (the CLI), `document` + `plan.schema.json` (the JSON), `render` (the text),
`compare` (`--compare`), `markdown` (the PR comment), `cost` + `prices.json` (the estimate)."""
