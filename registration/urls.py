"""The registration app's URL lists, gathered from registration/routes/ and mounted by portal/urls.py:
``public`` under /registration/, ``staff`` under /staff/registration/ (scoped pages), ``api`` under
/api/registration/, ``staff_api`` under /api/staff/registration/."""

from registration.routes import cases, persons

DOMAINS = [persons, cases]

public = [p for d in DOMAINS for p in d.public]
staff = [p for d in DOMAINS for p in d.staff]
api = [p for d in DOMAINS for p in d.api]
staff_api = [p for d in DOMAINS for p in d.staff_api]
