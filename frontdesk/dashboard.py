"""The frontdesk panels of the landing dashboard."""


def dashboard_panels(user) -> list[dict]:
    return []
