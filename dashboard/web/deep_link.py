"""A link to a page the visitor cannot open yet (an e-mail's "open this update" before signing in).

The navigation holds only the pages the user may use, so Streamlit would answer a link to any other with
"Page not found". Instead each such page is registered hidden at its own address: a visitor who is not signed in
is taken to Sign in, and once signed in lands on exactly the page and update the link named (when the account
may use it; else on its usual landing page).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.domain.actor import Actor

_TARGET_KEY = "deep_link_after_sign_in"


def hidden_pages(
    actor: Actor, names: list[str], spec: dict[str, tuple[str, str, str]], urls: dict[str, str], pages: Path
) -> list[Any]:
    """For a visitor who is not signed in, a hidden page for each page of ``spec`` not in ``names`` (not the sign-in
    page itself). A signed-in user has the pages their account may use, and no others."""
    out: list[Any] = []
    if actor.signed_in:
        return out
    for name, (_, title, icon) in spec.items():
        url = urls.get(name, name)
        if name in names or name in ("sign_in", "account") or url in {urls.get(n, n) for n in names}:
            continue
        out.append(st.Page(_stand_in(name, pages / spec["sign_in"][0]), title=title, icon=icon,
                           url_path=url, visibility="hidden"))  # fmt: skip
    return out


def _stand_in(name: str, sign_in_page: Path) -> Callable[[], None]:
    def page() -> None:
        st.session_state[_TARGET_KEY] = (name, dict(st.query_params.to_dict()))
        st.switch_page(sign_in_page)

    page.__name__ = f"needs_sign_in_{name}"
    return page


def after_sign_in(names: list[str], spec: dict[str, tuple[str, str, str]], pages: Path) -> bool:
    """Right after a sign-in: open the page a link asked for, with its parameters, when the account may use it.
    Returns False when there is none (the usual landing page applies)."""
    target = st.session_state.pop(_TARGET_KEY, None)
    if not target or target[0] not in names:
        return False
    name, params = target
    st.switch_page(pages / spec[name][0], query_params={str(k): str(v) for k, v in params.items()})
    return True
