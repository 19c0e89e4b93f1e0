"""Stage 3, what a memo shows: computed from a valid ``Brief`` for one audience, with release filtering in one place
(``release``). Pure functions; imports ``inputs`` and ``errors`` only."""
