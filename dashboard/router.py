"""The page script ``dashboard/app.py`` serves: sets up the database, finds who is signed in and routes the pages.

The navigation holds only the pages the signed-in user's role can use; the
services check the role again on every write.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run` puts dashboard/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.domain.navigation import landing_page, page_names  # noqa: E402
from dashboard.web import account, cache, config, deep_link, identity, widgets  # noqa: E402

st.set_page_config(page_title="ICS Progress", page_icon=":material/flag:", layout="wide")

try:
    settings = config.begin_run()  # read once for this run; every page and cache takes it from web.config
except ValueError as exc:  # a bad setting: its one-line message, never a traceback
    st.error(widgets.plain(f"The app is not configured correctly: {exc}"))
    st.stop()
try:
    cache.engine()
    cache.follow_other_writers(settings.database_url)  # another replica's or the command line's writes show now
    actor = identity.current_actor()
except Exception as exc:  # noqa: BLE001  (a plain message instead of a traceback)
    st.error(f"The database could not be opened: {type(exc).__name__}. Check DATABASE_URL and try again.")
    st.stop()

PAGES = ROOT / "pages"
SPEC = {
    "overview": ("overview.py", "Overview", ":material/dashboard:"),
    "missions": ("missions.py", "Missions", ":material/public:"),
    "objective": ("objective.py", "Objective", ":material/target:"),
    "agency": ("agency.py", "Agency", ":material/apartment:"),
    "strategy": ("strategy.py", "Strategy", ":material/menu_book:"),
    "tracker": ("tracker.py", "Reporting tracker", ":material/event_available:"),
    "quarters": ("quarters.py", "Closed quarters", ":material/lock_clock:"),
    "todo": ("todo.py", "My to-do", ":material/checklist:"),
    "submit": ("submit.py", "Submit update", ":material/edit_note:"),
    "review": ("review.py", "Review", ":material/rule:"),
    "admin": ("admin.py", "Admin", ":material/admin_panel_settings:"),
    "strategy_import": ("strategy_import.py", "Import strategy", ":material/upload_file:"),
    "sign_in": ("sign_in.py", "Sign in", ":material/login:"),
    "account": ("sign_in.py", "Account", ":material/account_circle:"),
}
# Signing in or out keeps the browser on the same page (its navigation entry changes title).
URLS = {"sign_in": "account"}
names = page_names(actor, anonymous_view=settings.anonymous_view)
navigation = st.navigation(
    [
        st.Page(
            PAGES / SPEC[name][0],
            title=SPEC[name][1],
            icon=SPEC[name][2],
            url_path=URLS.get(name, name),
            default=i == 0,
        )
        for i, name in enumerate(names)
    ]
    + deep_link.hidden_pages(actor, names, SPEC, URLS, PAGES)  # a link to a page that needs a sign-in first
)
if account.just_signed_in() and not deep_link.after_sign_in(names, SPEC, PAGES):
    if landing := landing_page(names):  # My to-do or the Overview, never Account
        st.switch_page(PAGES / SPEC[landing][0])
account.account_box(actor)
identity.sync_browser()  # the sign-in cookie: taken after a sign-in, dropped after a sign-out
widgets.banner_slot()  # filled by the page, for the missions it shows (web.sidebar.pick_mission)
if names != ["sign_in"]:
    widgets.data_time()
navigation.run()
