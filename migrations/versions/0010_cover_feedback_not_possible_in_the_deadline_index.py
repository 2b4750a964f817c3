"""Carry the day feedback was found not possible in the first feedback deadline's index.

The board report now counts that day as meeting the deadline too, so without the column the
count reads every case's row, encrypted text and all, instead of the index alone.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

INDEX = "ix_cases_report_first_feedback_due"
COLUMNS_BEFORE = ["first_feedback_due_on", "first_feedback_on"]
COLUMNS_AFTER = [*COLUMNS_BEFORE, "feedback_not_possible_on"]


def upgrade() -> None:
    """Index the new column with the others."""
    _rebuild(COLUMNS_AFTER)


def downgrade() -> None:
    """Index the columns as before."""
    _rebuild(COLUMNS_BEFORE)


def _rebuild(columns: list[str]) -> None:
    op.drop_index(INDEX, table_name="cases")
    op.create_index(INDEX, "cases", columns)
