"""Page scripts run by ``st.navigation`` in ``dashboard/app.py``: only ``st.*`` calls and wiring."""
