"""URL routes of policy publishing and service information, one module per domain.

Each module defines four lists, mounted by policy/urls.py:
``public`` under /policy/, ``staff`` under /staff/policy/ (scoped pages), ``api`` under /api/policy/
and ``staff_api`` under /api/staff/policy/ (scoped viewsets).
"""
