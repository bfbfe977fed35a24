"""Models of the reporting app (built by its issues)."""
