"""Record the day a guardian found feedback could not be given: it stops the first feedback clock.

Cases that already have such an entry take the London day it was recorded. The case list's
covering indexes carry the new column, so its overdue count still reads only them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from datetime import UTC, date
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
LIST_COLUMNS_BEFORE = [
    "restricted",
    "purged_at",
    "route",
    "confidentiality",
    "worker_group",
    "directorate_id",
    "acknowledge_due_on",
    "acknowledged_on",
    "first_feedback_due_on",
    "first_feedback_on",
    "unread_for_guardian",
]
LIST_COLUMNS_AFTER = [*LIST_COLUMNS_BEFORE[:-1], "feedback_not_possible_on", "unread_for_guardian"]
INDEX_LEADS = {
    "ix_cases_list_by_status": ["status", "id", "received_on", "reference"],
    "ix_cases_list_by_received": ["received_on", "reference", "status"],
}

cases = sa.table(
    "cases", sa.column("id", sa.String), sa.column("feedback_not_possible_on", sa.Date)
)
case_events = sa.table(
    "case_events",
    sa.column("case_id", sa.String),
    sa.column("kind", sa.String),
    sa.column("occurred_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    """Add the date, fill it from earlier entries, and index it with the list's columns."""
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("feedback_not_possible_on", sa.Date(), nullable=True))
    _fill_from_earlier_entries()
    _rebuild_list_indexes(LIST_COLUMNS_AFTER)


def downgrade() -> None:
    """Drop the date and index the list as before."""
    _rebuild_list_indexes(LIST_COLUMNS_BEFORE)
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_column("feedback_not_possible_on")


def _fill_from_earlier_entries() -> None:
    connection = op.get_bind()
    earliest: dict[str, date] = {}
    for case_id, occurred_at in connection.execute(
        sa.select(case_events.c.case_id, case_events.c.occurred_at).where(
            case_events.c.kind == "feedback-not-possible"
        )
    ):
        # stored in UTC (naive on SQLite); guardians count days in London
        moment = occurred_at if occurred_at.tzinfo else occurred_at.replace(tzinfo=UTC)
        day = moment.astimezone(LONDON).date()
        earliest[case_id] = min(day, earliest.get(case_id, day))
    for case_id, day in earliest.items():
        connection.execute(
            sa.update(cases).where(cases.c.id == case_id).values(feedback_not_possible_on=day)
        )


def _rebuild_list_indexes(list_columns: list[str]) -> None:
    for name, leads in INDEX_LEADS.items():
        op.drop_index(name, table_name="cases")
        op.create_index(name, "cases", [*leads, *list_columns])
