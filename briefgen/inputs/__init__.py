"""Stages 1 and 2, load and validate: a brief project's files read safely and turned into a frozen ``Brief``, or an
``InputError`` naming every problem by file, line and field. Imports nothing of briefgen's but ``errors``."""
