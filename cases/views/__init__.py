"""Staff pages of the cases app, one module per area (banks, placements, cases, …)."""
