"""A database stamped with the old per-feature revision ids upgrades onto the one line of them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory

from fts_app.core.cli import alembic_config, upgrade_database
from fts_app.core.revision_renames import RENAMED, RENAMED_LINE
from fts_app.models import Base


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


def test_the_migrations_form_one_line_numbered_as_their_files() -> None:
    line = list(reversed([script.revision for script in scripts().walk_revisions()]))
    assert line == [f"{number:04d}" for number in range(1, len(line) + 1)]
    for script in scripts().walk_revisions():
        assert script.path.rsplit("/", 1)[-1].startswith(f"{script.revision}_")
    assert line[: len(RENAMED_LINE)] == list(RENAMED_LINE)


def test_every_old_revision_comes_after_the_ones_it_came_after_before() -> None:
    for old, (new, earlier) in RENAMED.items():
        for parent in earlier:
            assert RENAMED.get(parent, (parent,))[0] < new, old


def stamp_as_the_old_app_would(url: str, run: list[str], old_heads: list[str]) -> None:
    """Run 0001 then only the migrations `run`, and stamp the database with old head ids."""
    command.upgrade(alembic_config(url), "0001")
    directory = scripts()
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            for revision in run:
                directory.get_revision(revision).module.upgrade()
        connection.execute(sa.text("DELETE FROM alembic_version"))
        for head in old_heads:
            connection.execute(
                sa.text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head}
            )
    engine.dispose()


@pytest.mark.parametrize(
    ("old_heads", "run"),
    [
        # as a database upgraded at earlier versions of the main branch left it
        (["reports_0002", "auth_0002"], ["0002", "0003"]),
        (
            ["reports_0003", "auth_0002", "speakup_0002", "cases_0002"],
            ["0002", "0003", "0004", "0005", "0006"],
        ),
        (
            ["reports_0004", "cases_0004", "auth_0002", "speakup_0003", "audit_0002"],
            [f"{number:04d}" for number in range(2, 12)],
        ),
        # mixes the main branch never held: later branches ahead of earlier ones
        (["audit_0002"], ["0008"]),
        (["cases_0004", "speakup_0003"], ["0004", "0005", "0007", "0009", "0011"]),
        (
            ["reports_0004", "auth_0002"],
            ["0002", "0003", "0005", "0006", "0007", "0009", "0010"],
        ),
    ],
    ids=["two-heads", "four-heads", "every-head", "audit-only", "cases-and-portal", "reports"],
)
def test_a_database_at_old_revisions_upgrades_to_the_last_one(
    blank_database: str, old_heads: list[str], run: list[str]
) -> None:
    stamp_as_the_old_app_would(blank_database, run, old_heads)
    upgrade_database(blank_database)
    engine = sa.create_engine(blank_database)
    with engine.connect() as connection:
        stamped = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert stamped == [(scripts().get_current_head(),)]
    assert differences == []
