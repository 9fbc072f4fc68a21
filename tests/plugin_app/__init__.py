"""A small app that plugs into the kernel the way every portal app does, from its AppConfig alone.

It is installed in the test settings only; ``tests/portal/test_registry.py`` checks that the kernel
shows what it registers (navigation, schedule, audit event types, to-do counter, URLs) although no
kernel file names it.
"""
