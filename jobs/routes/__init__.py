"""URL routes of the HR market, one module per domain.

Each module defines four lists, mounted by jobs/urls.py:
``public`` under /jobs/, ``staff`` under /staff/jobs/ (scoped pages), ``api`` under /api/jobs/ and
``staff_api`` under /api/staff/jobs/ (scoped viewsets).
"""
