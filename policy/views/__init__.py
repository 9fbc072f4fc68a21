"""Pages of the policy app: one module per domain."""
