"""Engines, sessions and migrations.

SQLite connections get WAL, a 10 s busy timeout, foreign keys and FULL sync.
Write transactions start with ``BEGIN IMMEDIATE`` (see ``write_session``) so that
a read-then-write never fails with "database is locked" under contention.
"""

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from dashboard.settings import ROOT
from dashboard.store import append_only
from models.text import clean_text

SQLITE_BUSY_TIMEOUT_MS = 10_000
_BEGIN_OPTION = "sqlite_begin"
# A busy write is tried again this many times in all, waiting 0.25, 0.5, 1, 2 s (with jitter) between tries,
# on top of SQLite's busy timeout: about a minute in the worst case before the user is told.
WRITE_ATTEMPTS = 5
BUSY_MESSAGE = "The database is busy; nothing was written. Try again."
# "is locked" covers SQLite's "database is locked" and "database table is locked".
_BUSY_WORDS = ("is locked", "database is busy", "deadlock detected", "could not serialize")

T = TypeVar("T")


class DatabaseBusy(Exception):
    """A write that could not get the database within the retry bound. Nothing was written."""

    def __init__(self) -> None:
        super().__init__(BUSY_MESSAGE)


@event.listens_for(Session, "before_flush")
def _clean_text_before_flush(session: Session, _context: object, _instances: object) -> None:
    """The last line of the text-cleaning rule: no control character reaches a table, whatever wrote it."""
    for row in (*session.new, *session.dirty):
        for attribute in inspect(row).mapper.column_attrs:
            value = getattr(row, attribute.key, None)
            if isinstance(value, str):
                cleaned = clean_text(value)
                if cleaned != value:
                    setattr(row, attribute.key, cleaned)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _install_sqlite_pragmas(engine: Engine, *, foreign_keys: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so "begin" below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


@cache
def get_engine(url: str) -> Engine:
    """One engine per URL per process. Creates the SQLite file's folder if needed."""
    if _is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _install_sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def dispose_engine(url: str) -> None:
    """Close the pooled connections of one URL's engine (tests, CLI exit)."""
    if get_engine.cache_info().currsize:
        get_engine(url).dispose()


@contextmanager
def reading(source: Engine | Connection) -> Iterator[Connection]:
    """A connection to read through: a new one from an engine, or the one given (whose transaction the reads
    then join: closing a quarter reads its record inside its own transaction)."""
    if isinstance(source, Connection):
        yield source
        return
    with source.connect() as connection:
        yield connection


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes the write lock first; commits on success, rolls back on error."""
    bind = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}) if engine.dialect.name == "sqlite" else engine
    with Session(bind, expire_on_commit=False) as session:
        try:
            session.connection()  # take the write lock now, before any read
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def is_busy(error: OperationalError) -> bool:
    """Whether ``error`` means the database was busy or locked (worth trying again), not broken."""
    return any(word in str(error.orig).lower() for word in _BUSY_WORDS)


def transact(engine: Engine, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
    """``work(session)`` in one write transaction, started again from scratch while the database is busy.

    Only a busy or locked database is retried (``work`` runs again in a new transaction, so it must not
    have effects outside the session); after ``attempts`` tries it raises ``DatabaseBusy``, with nothing written.
    """
    for attempt in range(attempts):
        try:
            with write_session(engine) as session:
                return work(session)
        except OperationalError as error:
            if not is_busy(error):
                raise
            if attempt == attempts - 1:
                raise DatabaseBusy() from error
            time.sleep(0.25 * 2**attempt * (0.5 + random.random()))
    raise AssertionError("unreachable")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def migration_connection(url: str) -> Iterator[Connection]:
    """A connection in one transaction for schema changes; commits on success.

    On SQLite, foreign keys are off while it runs, as SQLite's docs require for the copy-drop-rename
    rebuilds of Alembic's batch mode (a referenced table could not be dropped otherwise); the
    references are checked with ``PRAGMA foreign_key_check`` before the commit.
    """
    if not _is_sqlite(url):
        with get_engine(url).begin() as connection:
            yield connection
        return
    get_engine(url)  # creates the file's folder
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _install_sqlite_pragmas(engine, foreign_keys=False)
    try:
        with engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"}).begin() as connection:
            yield connection
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left {len(broken)} broken references, first: {broken[0]}")
    finally:
        engine.dispose()


def is_current(url: str) -> bool:
    """True when the database is at the newest migration with its append-only triggers in place (a read)."""
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with get_engine(url).connect() as connection:
        if MigrationContext.configure(connection).get_current_revision() != head:
            return False
        present = set(inspect(connection).get_table_names())
        return append_only.installed(connection) == {t for t in append_only.APPEND_ONLY_TABLES if t in present}


def migrate(url: str) -> None:
    """Bring the database to the newest schema (Alembic ``upgrade head``). Idempotent.

    A database already at the newest schema is only read, so many programs starting at once do not queue
    for the write lock.
    """
    if is_current(url):
        return
    with migration_connection(url) as connection:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_empty(url: str) -> bool:
    """True when the database has no tables yet (a brand-new database)."""
    return not inspect(get_engine(url)).get_table_names()
