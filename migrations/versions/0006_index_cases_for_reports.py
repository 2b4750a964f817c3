"""Index cases by the dates reports count them over, carrying the columns the counts read.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_cases_report_received": [
        "received_on",
        "confidentiality",
        "worker_group",
        "route",
        "directorate_id",
        "detriment_indicated",
        "id",
    ],
    "ix_cases_report_closed": ["closed_on", "received_on", "speak_up_again_on", "speak_up_again"],
    "ix_cases_report_answered": ["speak_up_again_on", "speak_up_again"],
    "ix_cases_report_acknowledged": ["acknowledged_on", "received_on"],
    "ix_cases_report_first_feedback": ["first_feedback_on", "received_on"],
    "ix_cases_report_acknowledge_due": ["acknowledge_due_on", "acknowledged_on"],
    "ix_cases_report_first_feedback_due": ["first_feedback_due_on", "first_feedback_on"],
}


def upgrade() -> None:
    """Create the indexes."""
    for name, columns in INDEXES.items():
        op.create_index(name, "cases", columns)


def downgrade() -> None:
    """Drop them."""
    for name in INDEXES:
        op.drop_index(name, table_name="cases")
