"""Versions of the plan: an import that changes a text keeps the texts after it as the next version, nothing is
overwritten, the plan reads as it stood on any date, an objective's text changes read as a diff, a dry run says
which version it would create, and the upgrade makes today's texts version 1."""

from datetime import date, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import text

from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import strategy_import
from dashboard.store import queries, strategy_versions
from dashboard.store.database import alembic_config, get_engine, migration_connection, read_session, write_session
from dashboard.views import strategy_history
from tests.people import World, build

PERU = Path(__file__).resolve().parents[2] / "data" / "ics_peru.md"
OLD_TITLE = "Peru achieved more inclusive and sustainable economic growth"
NEW_TITLE = "Peru grew in a more inclusive and sustainable way"


def _revised(tmp_path: Path) -> Path:
    revised = tmp_path / "ics_peru_revised.md"
    revised.write_text(PERU.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    return revised


def test_a_retitling_import_keeps_the_old_texts_as_a_version_and_a_dry_run_names_the_next(
    database_url: str, tmp_path: Path
) -> None:
    world: World = build(database_url)
    first = strategy_versions.versions(world.engine, world.mission_id)
    assert [v["version"] for v in first] == [1]
    assert first[0]["texts"]["objectives"]["1.1"]["title"].startswith(OLD_TITLE)

    strategy = parse_ics_file(_revised(tmp_path))
    with read_session(world.engine) as session:
        diff = strategy_import.diff_strategy(session=session, strategy=strategy, mission_id=world.mission_id)
    assert diff.version == 2
    assert diff.summary_lines()[-1] == "the strategy's texts will be kept as version 2; earlier versions stay readable"
    with write_session(world.engine) as session:
        result = strategy_import.import_strategy(session=session, strategy=strategy, mission_id=world.mission_id)
    assert result.version == 2
    with write_session(world.engine) as session:  # the same document again: no new version
        again = strategy_import.import_strategy(session=session, strategy=strategy, mission_id=world.mission_id)
    assert again.version is None
    with read_session(world.engine) as session:
        same = strategy_import.diff_strategy(session=session, strategy=strategy, mission_id=world.mission_id)
    assert same.version is None and same.summary_lines()[-1] == "no changes"

    kept = strategy_versions.versions(world.engine, world.mission_id)
    assert [v["version"] for v in kept] == [1, 2]
    assert kept[0]["texts"]["objectives"]["1.1"]["title"].startswith(OLD_TITLE)  # nothing overwritten
    assert kept[1]["texts"]["objectives"]["1.1"]["title"].startswith(NEW_TITLE)

    # as it stood: today the new wording; before version 2 was kept, the old one
    live = queries.strategy_frame(world.engine, world.mission_id)
    today = kept[1]["recorded_at"].date()
    assert strategy_history.version_on(kept, today)["version"] == 2  # type: ignore[index]
    with world.engine.begin() as connection:  # version 1 as kept a year earlier, as an upgrade would date it
        connection.execute(
            text("DROP TRIGGER IF EXISTS strategy_version_no_update")
            if world.engine.dialect.name == "sqlite"
            else text("DROP TRIGGER IF EXISTS strategy_version_no_change ON strategy_version")
        )
        connection.execute(
            text("UPDATE strategy_version SET recorded_at = :at WHERE version = 1"),
            {"at": kept[0]["recorded_at"] - timedelta(days=365)},
        )
    kept = strategy_versions.versions(world.engine, world.mission_id)
    earlier = strategy_history.version_on(kept, today - timedelta(days=30))
    assert earlier is not None and earlier["version"] == 1
    frame = strategy_history.frame_of(earlier, live)
    assert frame.set_index("code").loc["1.1", "title"].startswith(OLD_TITLE)
    assert list(frame["code"]) == list(live["code"])  # the live order, management last
    changes = strategy_history.objective_changes(kept, "1.1")
    assert [(c.version, c.field) for c in changes] == [(2, "Title")]
    assert f"-{OLD_TITLE}" in changes[0].diff and f"+{NEW_TITLE}" in changes[0].diff
    assert "--- version 1" in changes[0].diff and "+++ version 2" in changes[0].diff
    assert strategy_history.version_on([], date.today()) is None


def _to(url: str, step: str) -> None:
    with migration_connection(url) as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, step)


def test_the_upgrade_keeps_each_mission_s_texts_today_as_version_1(database_url: str) -> None:
    _to(database_url, "0013")
    engine = get_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO mission (id, country, post, strategy_start, strategy_end, release_marking) "
                "VALUES (1, 'Peru', 'Lima', 2022, 2026, 'FOR PUBLIC RELEASE')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO objective (id, mission_id, code, kind, title, justification, linkages, risks, position) "
                "VALUES (1, 1, 'M1', 'management', 'Staff', 'Why', 'Links', 'Risks', 0)"
            )
        )
    _to(database_url, "head")
    kept = strategy_versions.versions(engine, 1)
    assert [v["version"] for v in kept] == [1]
    assert kept[0]["texts"]["objectives"]["M1"] == {
        "title": "Staff",
        "justification": "Why",
        "linkages": "Links",
        "risks": "Risks",
        "goal": "",
        "retired": False,
    }
