"""Alembic environment: the schema is SQLModel.metadata from models/."""

from alembic import context
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from dashboard.store import append_only, closed_quarters

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several replicas may start at once: one migrates, the others wait.
            connection.execute(text("SELECT pg_advisory_xact_lock(724031)"))
        # The closed-quarter guards read other tables, and SQLite refuses to rename a rebuilt table that a
        # trigger reads: they come off for the run and go back on after it.
        closed_quarters.remove(connection)
        context.run_migrations()
        # After every run, whatever it rebuilt: stored records stay append-only.
        append_only.install(connection)
        closed_quarters.install(connection)  # and nothing is written for a closed quarter


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
