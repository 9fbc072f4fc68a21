"""Harnesses of policy publishing's workflows (see tests/workflows/__init__.py)."""
