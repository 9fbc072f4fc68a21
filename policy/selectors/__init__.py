"""Reads of the policy app that a user triggers: one module per domain."""
