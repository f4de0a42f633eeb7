"""Entrypoint: ``streamlit run dashboard/app.py``. Sets up the database and routes the pages."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import ui  # noqa: E402

st.set_page_config(page_title="ICS Progress", page_icon=":material/flag:", layout="wide")

try:
    ui.engine()
except Exception as exc:  # noqa: BLE001  (a plain message instead of a traceback)
    st.error(f"The database could not be opened: {type(exc).__name__}. Check DATABASE_URL and try again.")
    st.stop()

PAGES = ROOT / "pages"
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "objective.py", title="Objective", icon=":material/target:", url_path="objective"),
        st.Page(PAGES / "agency.py", title="Agency", icon=":material/apartment:", url_path="agency"),
        st.Page(PAGES / "strategy.py", title="Strategy", icon=":material/menu_book:", url_path="strategy"),
    ]
)
ui.demo_banner()
navigation.run()
