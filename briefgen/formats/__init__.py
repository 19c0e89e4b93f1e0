"""Stage 4, render: an assembled memo as Markdown through its Jinja template (``markdown``, in the ``sandbox``), and the
Markdown as Word (``docx``). Imports ``analysis``, ``inputs`` and ``errors``; never the builder."""
