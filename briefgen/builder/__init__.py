"""Stage 5 and the use cases: ``check``, ``build`` (``run``: plan, render what the plan names, write, record) and
``watch``, with the bookkeeping of incremental builds (``plan``, ``deps``, ``manifest``, ``cache``, ``changes``,
``lock``, ``write``). May import every lower stage."""
