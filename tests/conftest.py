"""Shared fixtures.

Every database test runs on a fresh SQLite file and, when ``TEST_POSTGRES_URL`` is
set (``.ci/run`` sets it), on a fresh PostgreSQL schema as well.
"""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import streamlit as st
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from dashboard.settings import Settings
from dashboard.store.database import dispose_engine, get_engine, migrate

if TYPE_CHECKING:
    from tests.people import World as Cast

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _pg_schema_url(schema: str) -> str:
    url = make_url(PG_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of each backend under test."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        yield url
        dispose_engine(url)
        return
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _pg_schema_url(schema)
    try:
        yield url
    finally:
        dispose_engine(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url)


@pytest.fixture
def engine(database_url: str) -> Engine:
    """A migrated, empty database."""
    migrate(database_url)
    return get_engine(database_url)


@pytest.fixture(autouse=True)
def _clear_streamlit_caches() -> Iterator[None]:
    """st.cache_data / st.cache_resource live for the whole process: start and end every test clean."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app pointed at a new SQLite file without demo data, every other setting at its default."""
    from tests.appcast import fresh_database

    url = fresh_database(tmp_path, monkeypatch)
    yield url
    dispose_engine(url)


@pytest.fixture
def demo_app_url(app_url: str) -> str:
    """``app_url`` holding the bundled strategy and the demo history: a copy of one built once per process."""
    from tests.people import demo_template

    shutil.copyfile(demo_template(), make_url(app_url).database or "")
    return app_url


@pytest.fixture
def cast(app_url: str) -> "Cast":
    """The bundled strategy and the standard cast of users (tests/people.py) in the app's database."""
    from tests.appcast import build

    return build(app_url)
