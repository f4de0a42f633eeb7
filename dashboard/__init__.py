"""ICS Progress: an Integrated Country Strategy dashboard.

Layers, top to bottom (a lower layer never imports a higher one; ``lint-imports`` enforces it):
``web`` (Streamlit glue) → ``views`` (what pages show) → ``services`` (writes and their rules) →
``formats`` (files in and out) → ``domain`` (pure rules) and ``store`` (database) → ``settings`` → ``models``.
Entrypoints: ``app.py`` (Streamlit; it serves the page script ``router.py``), ``cli.py`` (``python -m dashboard``)
and ``bench.py``.
"""
