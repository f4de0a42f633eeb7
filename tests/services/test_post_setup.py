# ruff: noqa: E501  (the bad-row table reads best one case per line)
"""A post set up from one file: applied whole or not at all, every bad row named, and a lossless round trip."""

import json
from pathlib import Path

import pytest
from sqlmodel import func, select

from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.formats import setup_file
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import access, post_setup
from dashboard.services.strategy_import import import_strategy
from dashboard.store.database import read_session, write_session
from models import AuditEntry, Mission
from tests.people import TODAY, World, build

GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"


def _ghana_setup(codes: list[str]) -> dict:
    return {
        "agencies": [
            {"acronym": "USAID", "name": "U.S. Agency for International Development"},
            {"acronym": "PC", "name": "Peace Corps"},
        ],  # fmt: skip
        "objectives": [
            {"code": codes[0], "lead": "USAID", "contributing": ["State", "PC"]},
            {"code": codes[1], "lead": "State", "contributing": []},
        ],
        "working_groups": [
            {
                "name": "Prosperity",
                "chair_agency": "USAID",
                "members": ["State", "PC"],
                "objectives": codes[:2],
                "chairs": ["chair.accra@example.gov"],
            },  # fmt: skip
        ],
        "users": [
            {"email": "usaid.accra@example.gov", "role": "contributor", "agencies": ["USAID"]},
            {"email": "chair.accra@example.gov", "role": "chair"},
            {"email": "pc.accra@example.gov", "role": "contributor", "agencies": ["pc"], "bureau": "AF"},
        ],
    }


@pytest.fixture
def ghana(database_url: str) -> tuple[World, int, list[str]]:
    world = build(database_url)
    with write_session(world.engine) as session:
        import_strategy(session=session, strategy=parse_ics_file(GHANA_SAMPLE), today=TODAY)
        mission = session.exec(select(Mission).where(Mission.country != "Peru")).one()
        codes = [o.code for o in post_setup._objectives(session, mission.id)]  # type: ignore[arg-type]
    return world, int(mission.id), codes  # type: ignore[arg-type]


def _read(document: dict, name: str = "setup.json") -> setup_file.PostSetup:
    return setup_file.read_setup(json.dumps(document).encode(), name, max_bytes=1_000_000)


def _audit_rows(world: World) -> int:
    with read_session(world.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEntry)).one()


def _apply(world: World, mission_id: int, setup: setup_file.PostSetup) -> list[post_setup.Change]:
    with write_session(world.engine) as session:
        return post_setup.apply_setup(
            session=session, actor_email=SYSTEM_ACTOR, mission_id=mission_id, setup=setup, effective=None
        )


def test_a_new_post_is_ready_from_one_file_and_writes_back_what_it_read(ghana: tuple[World, int, list[str]]) -> None:
    world, mission_id, codes = ghana
    setup = _read(_ghana_setup(codes))
    before = _audit_rows(world)
    preview = post_setup.preview_setup(
        world.engine, actor_email=SYSTEM_ACTOR, mission_id=mission_id, setup=setup, effective=None
    )
    assert preview and _audit_rows(world) == before  # the preview lists changes ...
    with read_session(world.engine) as session:
        assert post_setup.current_setup(session, mission_id).users == ()  # ... and wrote nothing
    changes = _apply(world, mission_id, setup)
    assert [c.action for c in changes] == [c.action for c in preview]
    assert {"add agency", "add working group", "change objective agencies", "add user"} <= {c.action for c in changes}
    with read_session(world.engine) as session:
        contributor = access.resolve(session, "usaid.accra@example.gov").at_mission(mission_id)
        chair = access.resolve(session, "chair.accra@example.gov")
        reviewable = access.reviewable_objectives(session, chair)
        back = post_setup.current_setup(session, mission_id)
    assert contributor.can_submit and contributor.agencies == ("USAID",)
    assert reviewable and len(reviewable) == 2
    # Lossless: what it writes back reads the same and applies as no change, in both shapes.
    for name, data in (("s.json", setup_file.setup_json(back)), ("s.xlsx", setup_file.setup_workbook(back))):
        again = setup_file.read_setup(data, name, max_bytes=1_000_000)
        assert again == back
        assert _apply(world, mission_id, again) == []
    pc_user = next(u for u in back.users if u.email == "pc.accra@example.gov")
    assert pc_user.agencies == ("PC",) and pc_user.bureau == "AF"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["objectives"].append({"code": "9.9", "lead": "USAID"}), r"objectives\[2\]: there is no objective '9.9'"),
        (lambda d: d["objectives"][0]["contributing"].append("XYZ"), r"objectives\[0\]: unknown agency 'XYZ'"),
        (lambda d: d["working_groups"][0]["chairs"].append("ghost@example.gov"), r"working_groups\[0\]: unknown user 'ghost@example.gov'"),
        (lambda d: d["users"].append({"email": "lonely@example.gov", "role": "chair"}), r"users\[3\]: a chair needs at least one working group"),
        (lambda d: d["working_groups"].append({"name": "prosperity"}), r"working_groups\[1\]: working group 'prosperity' is listed twice"),
        (lambda d: d["users"][0].update(bureau="XX"), r"users\[0\]: bureau 'XX' is not one of"),
        (lambda d: d["working_groups"].append({"name": "Other", "objectives": [d["objectives"][0]["code"]]}), r"already covered by 'Prosperity'"),
        (lambda d: d["users"][1].update(role="owner"), r"users\[1\]: role must be one of"),
    ],
)  # fmt: skip
def test_a_bad_row_is_named_and_nothing_is_written(ghana: tuple[World, int, list[str]], change, message: str) -> None:  # noqa: ANN001
    world, mission_id, codes = ghana
    document = _ghana_setup(codes)
    change(document)
    before = _audit_rows(world)
    with pytest.raises(post_setup.SetupError, match=message):
        _apply(world, mission_id, _read(document))
    assert _audit_rows(world) == before


def test_a_stored_last_admin_cannot_be_demoted_by_a_file(ghana: tuple[World, int, list[str]]) -> None:
    world, mission_id, codes = ghana
    document = _ghana_setup(codes)
    document["users"].append({"email": "admin@example.gov", "role": "viewer"})
    before = _audit_rows(world)
    with pytest.raises(post_setup.SetupError, match=r"users\[3\]: .*last active admin"):
        _apply(world, mission_id, _read(document))
    assert _audit_rows(world) == before


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.json", b"{not json", "not valid JSON"),
        ("s.json", b'{"people": []}', "Unknown section 'people'"),
        ("s.json", b'{"users": [{"email": "a@b.gov", "role": "viewer", "age": 3}]}', r"users\[0\]: unknown field 'age'"),
        ("s.xlsx", b"PK\x03\x04 not a zip", "cannot be read as an Excel workbook"),
        ("s.txt", b"{}", "is not a .json or .xlsx file"),
        ("s.json", b"", "The file is empty"),
    ],
)  # fmt: skip
def test_files_that_cannot_be_read_get_one_sentence(name: str, data: bytes, message: str) -> None:
    with pytest.raises(setup_file.SetupFileError, match=message):
        setup_file.read_setup(data, name, max_bytes=1_000_000)


def test_a_file_over_the_size_limit_is_refused_before_reading() -> None:
    with pytest.raises(setup_file.SetupFileError, match="the limit is 1,024 bytes"):
        setup_file.read_setup(b"{" + b" " * 5000 + b"}", "s.json", max_bytes=1024)


def test_the_command_line_exports_and_reads_back_the_bundled_post_as_no_change(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dashboard.cli import main

    build(database_url)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("peru.xlsx", "peru.json"):
        assert main(["mission", "setup", "--export", str(tmp_path / name)]) == 0
        assert "5 working groups" in capsys.readouterr().out
        assert main(["mission", "setup", str(tmp_path / name), "--dry-run"]) == 0
        assert "would make 0 changes" in capsys.readouterr().out
    document = json.loads((tmp_path / "peru.json").read_text())
    document["users"].append({"email": "new@example.gov", "role": "chair"})
    (tmp_path / "bad.json").write_text(json.dumps(document))
    assert main(["mission", "setup", str(tmp_path / "bad.json")]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith("error: users[") and error.endswith("a chair needs at least one working group to review.")
