"""The schema comes from Alembic, and the migrations match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hotline.platform.migrate import current_head
from hotline.records.models import Base
from hotline.runtime import Runtime


def test_upgrade_builds_every_table_at_head(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert {t.name for t in Base.metadata.sorted_tables} <= names
        assert MigrationContext.configure(conn).get_current_revision() == current_head()


def test_models_and_migrations_do_not_drift(runtime: Runtime) -> None:
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
