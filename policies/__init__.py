"""The CrossGuard policy pack; see docs/policies.md.  The CLI runs it from this folder."""
