"""The HR market's URL lists, gathered from jobs/routes/ (see its docstring)."""

from jobs.routes import agencies, employers, fairs, search, seekers, vacancies

DOMAINS = [search, employers, vacancies, seekers, fairs, agencies]

public = [p for d in DOMAINS for p in d.public]
staff = [p for d in DOMAINS for p in d.staff]
api = [p for d in DOMAINS for p in d.api]
staff_api = [p for d in DOMAINS for p in d.staff_api]
