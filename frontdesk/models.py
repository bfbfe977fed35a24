"""Models of the frontdesk app (built by its issue)."""
