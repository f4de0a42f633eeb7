"""What each page shows, as plain data and figures: DataFrames, dataclasses and plotly figures.

No Streamlit here, so every view is unit-tested. A view may read through ``store`` and ``services`` but never
writes; a new page's content starts here.
"""
