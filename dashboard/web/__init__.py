"""Everything that imports Streamlit, apart from the page scripts themselves.

The cached engine and reads, the sidebar filters, the page gate (who may open a page, on which mission),
the one write runner, the signed-in identity, the account box and small shared widgets. Pages call these;
nothing below this package imports Streamlit.
"""
