"""Markdown → Word: the body (``body``, ``tables``), XML primitives (``xml``), the page furniture and properties
(``page``), the reference document (``reference``, and the house style in ``house``) and the package bytes."""
