"""URL lists of decision support, gathered from analytics/routes/ and mounted by the kernel:
``public`` under /analytics/, ``staff`` under /staff/analytics/ (scoped pages: the dashboards),
``api`` under /api/analytics/, ``staff_api`` under /api/staff/analytics/ (chart data)."""

DOMAINS: list = [__import__("analytics.routes.dashboards", fromlist=["dashboards"])]
DOMAINS.append(__import__("analytics.routes.targets", fromlist=["targets"]))  # targets, checks, district types, population

public = [p for d in DOMAINS for p in d.public]
staff = [p for d in DOMAINS for p in d.staff]
api = [p for d in DOMAINS for p in d.api]
staff_api = [p for d in DOMAINS for p in d.staff_api]
