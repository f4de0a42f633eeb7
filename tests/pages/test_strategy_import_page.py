"""The Import strategy page (admins): upload, parsed tree and warnings, diff, apply on confirmation."""

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.reporting import first_open_quarter
from dashboard.settings import DATA_DIR
from dashboard.store.database import read_session
from models import AuditEntry, Mission, Objective
from tests.appcast import Cast, ok, open_page, rendered, start, texts
from tests.formats.ics_corpus import build_pdf, paginate, sample
from tests.people import ADMIN, VIEWER
from tests.services.test_strategy_import import _without_objective_43

GHANA_PAGES = paginate(sample("ics_ghana.txt"), marking="UNCLASSIFIED")


@pytest.fixture
def ghana_pdf(tmp_path: Path) -> bytes:
    return build_pdf(tmp_path / "ghana.pdf", GHANA_PAGES, mode="mixed").read_bytes()


def _upload(name: str, data: bytes, mime: str = "application/pdf") -> AppTest:
    at = open_page(start(ADMIN), "strategy_import")
    at.file_uploader(key="imp_file").upload(name, data, mime)
    return ok(at.run())


def _missions(cast: Cast) -> list[str]:
    with read_session(cast.engine) as session:
        return sorted(m.country for m in session.exec(select(Mission)))


def test_viewer_does_not_get_the_page(cast: Cast) -> None:
    at = start(VIEWER)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("../pages/strategy_import.py")


def test_admin_sees_the_uploader_and_its_limit(cast: Cast) -> None:
    at = open_page(start(ADMIN), "strategy_import")
    assert [t.value for t in at.title] == ["Import strategy"]
    assert "at most 10 MB" in at.caption[0].value
    assert not [b for b in at.button if b.key == "imp_apply"]


def test_preview_diff_and_apply_a_new_mission(cast: Cast, ghana_pdf: bytes) -> None:
    at = _upload("ghana.pdf", ghana_pdf)
    assert rendered(at.subheader[0].value).startswith("Ghana · Embassy Accra · 2022-2026 · UNCLASSIFIED · 2 goals")
    warnings = [rendered(w.value) for w in at.warning]
    assert warnings == ["the document states no strategy period; assumed 2022-2026 from its approval date (2022-04-12)"]
    shown = texts(at.text)
    # The diff summary, then every justification, linkages and risks text as plain text.
    assert shown[0].startswith("new mission: Ghana\nadded: goal 1, objective 1.1, objective 1.2, goal 2")
    assert any(t.startswith("Surveys show that most Ghanaians") for t in shown)
    assert any(t.startswith("State-USAID Joint Strategic Plan 2022-2026 Objective 3.2") for t in shown)
    assert any(t == "Construction delays or power shortages would push back the move." for t in shown)

    assert at.button(key="imp_apply").disabled  # not confirmed yet: Apply cannot be pressed
    assert _missions(cast) == ["Peru"]

    at.checkbox(key="imp_confirm").check()
    ok(at.run())
    at.button(key="imp_apply").click()
    ok(at.run())
    assert _missions(cast) == ["Ghana", "Peru"]
    assert rendered(at.success[0].value).startswith("Created the mission Ghana.")
    with read_session(cast.engine) as session:
        ghana = session.exec(select(Mission).where(Mission.country == "Ghana")).one()
        assert ghana.release_marking == "UNCLASSIFIED"
        n = len(session.exec(select(Objective).where(Objective.mission_id == ghana.id)).all())
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert n == 6
    assert entry is not None and (entry.actor, entry.action, entry.entity_key) == (ADMIN, "import strategy", "Ghana")
    assert len(json.loads(entry.after)["document_sha256"]) == 64
    # Uploaded again: nothing left to apply.
    assert "nothing to apply" in at.info[0].value
    # The mission chooser lists it at once.
    at = open_page(at, "overview")
    assert "Ghana (Embassy Accra)" in at.sidebar.selectbox(key="ov_mission").options


def test_revised_peru_shows_a_readable_diff(cast: Cast) -> None:
    text = (DATA_DIR / "ics_peru.md").read_text(encoding="utf-8")
    revised = text.replace("Peru progressed in closing its infrastructure gap.", "Peru closed its infrastructure gap.")
    at = _upload("peru.md", revised.encode(), "text/markdown")
    assert texts(at.text)[0] == (
        "mission: Peru\nretitled: objective 1.3\n"
        "the strategy's texts will be kept as version 2; earlier versions stay readable"
    )
    assert [rendered(e.label) for e in at.expander][0] == "objective 1.3 · Title"
    assert at.code[0].value.splitlines()[-2:] == [
        "-Peru progressed in closing its infrastructure gap.",
        "+Peru closed its infrastructure gap.",
    ]


def test_a_removed_objective_is_retired_from_the_quarter_chosen(cast: Cast) -> None:
    text = (DATA_DIR / "ics_peru.md").read_text(encoding="utf-8")
    at = _upload("peru.md", _without_objective_43(text).encode(), "text/markdown")
    picker = at.selectbox(key="imp_retire_from")
    # The quarter in progress today, kept within the strategy (FY2022 Q1 to the quarter after FY2026 Q4).
    wanted = min(max(first_open_quarter(date.today()), FiscalQuarter(2022, 1)), FiscalQuarter(2027, 1))
    assert (picker.value, picker.options[0], picker.options[-1]) == (wanted, "FY2022 Q1", "FY2027 Q1")
    picker.set_value(FiscalQuarter(2026, 3))
    at.checkbox(key="imp_confirm").check()
    ok(at.run())
    assert (
        "Retiring objective 4.3: no longer owed from FY2026 Q3; FY2026 Q2 and earlier quarters keep it, with every "
        "update already sent." in [rendered(c.value) for c in at.caption]
    )
    at.button(key="imp_apply").click()
    ok(at.run())
    with read_session(cast.engine) as session:
        o43 = session.get(Objective, cast.objectives["4.3"])
    assert o43 is not None and o43.retired_from_qindex == FiscalQuarter(2026, 3).index


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", b"%PDF-1.4\n" + b"\x00" * 40, "not a valid PDF (damaged or truncated)"),
        ("notes.txt", b"Minutes of the staff meeting.\nCoffee was discussed.\n", "not an ICS"),
    ],
)
def test_bad_upload_is_one_message_and_nothing_written(cast: Cast, name: str, data: bytes, message: str) -> None:
    at = _upload(name, data, "application/octet-stream")
    assert len(at.error) == 1 and message in rendered(at.error[0].value)
    assert not [b for b in at.button if b.key == "imp_apply"]
    assert _missions(cast) == ["Peru"]


def test_over_the_limit_is_refused(cast: Cast, monkeypatch: pytest.MonkeyPatch, ghana_pdf: bytes) -> None:
    monkeypatch.setenv("ICS_MAX_IMPORT_BYTES", "2048")
    at = _upload("ghana.pdf", ghana_pdf)
    assert "the limit is 2 KB" in rendered(at.error[0].value)


@pytest.mark.parametrize(
    ("name", "prefix"),
    [("overview", "ov"), ("objective", "obj"), ("agency", "ag"), ("strategy", "strategy"), ("tracker", "tracker"),
     ("admin", "admin")],
)  # fmt: skip
def test_a_new_mission_without_agencies_opens_on_every_page(cast: Cast, name: str, prefix: str) -> None:
    from dashboard.formats.ics_document import parse_ics_text
    from dashboard.services.strategy_import import apply_import
    from dashboard.store.database import write_session
    from tests.formats.ics_corpus import pages_text

    with write_session(cast.engine) as session:
        ghana_id = apply_import(
            session=session, actor_email=ADMIN, strategy=parse_ics_text(pages_text(GHANA_PAGES)), source_sha256="0" * 64
        ).mission_id
    at = open_page(start(ADMIN), name)
    at.sidebar.selectbox(key=f"{prefix}_mission").set_value(ghana_id)
    ok(at.run())
    assert not at.error
