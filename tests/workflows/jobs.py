"""Harnesses of the HR market's workflows (see tests/workflows/__init__.py)."""
