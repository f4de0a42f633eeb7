"""The Overview's brief buttons: the quarterly review brief for the current filters, as a deck or a PDF.

The file is built when a button is clicked (Streamlit's deferred download, which shows a spinner on the
button meanwhile), from the same cached reads as the page, for the person signed in at the time.
"""

from datetime import date
from functools import partial

import streamlit as st

from dashboard.domain.actor import Actor
from dashboard.domain.filters import Filters
from dashboard.services import access
from dashboard.store.database import read_session
from dashboard.views import brief
from dashboard.web import cache, identity

LABELS = {"pptx": ("Brief (PowerPoint)", ":material/slideshow:"), "pdf": ("Brief (PDF)", ":material/picture_as_pdf:")}


def brief_bytes(url: str, mission_id: int, filters: Filters, actor: Actor, kind: str, appendix: bool) -> bytes:
    """The brief as ``actor`` may see it. Runs on the download's own thread: no Streamlit calls, cached reads only."""
    assert filters.end is not None
    engine = cache.engine_for(url)
    with read_session(engine) as session:
        reviewable = access.reviewable_objectives(session, actor)
    expected, updates = cache.as_of_quarter(url, mission_id, filters.end)
    ids = tuple(sorted({int(i) for i in expected["objective_id"]}))
    made = brief.build_brief(
        expected=expected,
        updates=updates,
        submissions=cache.submissions(url, mission_id),
        indicators=cache.indicators(url, ids) if appendix else None,
        evidence=cache.evidence(url, mission_id, filters.end),
        mission=brief.mission_info(engine=engine, mission_id=mission_id),
        filters=filters,
        quarter=filters.end,
        reader=brief.Reader(actor, None if reviewable is None else frozenset(reviewable)),
        today=date.today(),
        due_days=cache.due_days(url, mission_id),
        appendix=appendix,
        recorded=cache.recorded_at(url, mission_id, filters.end),
    )
    return brief.render(made, kind)


def brief_buttons(filters: Filters, key: str = "ov_brief") -> None:
    """A subheader, an appendix choice and one download button per format."""
    assert filters.end is not None and filters.mission_id is not None
    url, mission_id = cache.database_url(), filters.mission_id
    actor = identity.current_actor()
    missions = cache.missions(url).set_index("mission_id")
    country = str(missions.loc[mission_id, "country"]) if mission_id in missions.index else "mission"
    stem = "".join(c if c.isalnum() else "-" for c in country).strip("-").lower() or "mission"
    st.subheader("Quarterly review brief", anchor=False)
    st.caption(
        f"The figures, goals, risks, changes, indicator evidence and outstanding reports for {filters.end.label} "
        "and these filters, "
        "marked with the mission's release marking on every page, with only what you may see."
    )
    appendix = st.checkbox(
        "Add an appendix: one page per objective with its narratives and indicators", key=f"{key}_appendix"
    )
    for column, kind in zip(st.columns(2), ("pptx", "pdf"), strict=True):
        label, icon = LABELS[kind]
        column.download_button(
            label,
            partial(brief_bytes, url, mission_id, filters, actor, kind, appendix),
            file_name=f"ics-brief-{stem}-{filters.end.label.replace(' ', '')}.{kind}",
            mime=brief.FORMATS[kind],
            on_click="ignore",
            icon=icon,
            key=f"{key}_{kind}",
        )
