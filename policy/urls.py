"""URL lists of this app, mounted by portal/urls.py: ``public`` under /<app>/, ``staff`` under
/staff/<app>/ (scoped pages), ``api`` under /api/<app>/, ``staff_api`` under /api/staff/<app>/.
They are gathered from policy/routes/ (see its docstring)."""

from policy.routes import courses, documents, guides

DOMAINS = [documents, guides, courses]

public = [p for d in DOMAINS for p in d.public]
staff = [p for d in DOMAINS for p in d.staff]
api = [p for d in DOMAINS for p in d.api]
staff_api = [p for d in DOMAINS for p in d.staff_api]
