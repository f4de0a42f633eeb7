"""Page scripts run by ``st.navigation`` in ``dashboard/router.py``: only ``st.*`` calls and wiring."""
