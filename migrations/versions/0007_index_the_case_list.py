"""Index the case list: covering indexes over the plain columns it reads, and a user's cases.

The case rows are wide (they carry the encrypted text), so the list's counts and pages read
these narrow indexes instead. Overdue counts use the reports' acknowledged_on and
first_feedback_on indexes.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIST_COLUMNS = [
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
CASE_INDEXES = {
    # counts: in id order within a status, so a user's access rows are looked up page by page
    "ix_cases_list_by_status": ["status", "id", "received_on", "reference", *LIST_COLUMNS],
    # pages in date order however few cases match; without the id, so counts prefer the other
    "ix_cases_list_by_received": ["received_on", "reference", "status", *LIST_COLUMNS],
}


def upgrade() -> None:
    """Create the indexes."""
    for name, columns in CASE_INDEXES.items():
        op.create_index(name, "cases", columns)
    op.create_index("ix_case_access_user_case", "case_access", ["user_id", "case_id"])


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_case_access_user_case", table_name="case_access")
    for name in CASE_INDEXES:
        op.drop_index(name, table_name="cases")
