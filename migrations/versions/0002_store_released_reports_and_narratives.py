"""Store released board reports and the lead guardian's narrative for each quarter.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the released reports and the narratives."""
    op.create_table(
        "released_reports",
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.Integer(), nullable=True),
        sa.Column("report_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["released_by"],
            ["users.id"],
            name=op.f("fk_released_reports_released_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("quarter", name=op.f("pk_released_reports")),
    )
    op.create_table(
        "board_report_narratives",
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("themes_and_barriers", sa.Text(), nullable=False),
        sa.Column("learning_and_actions", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_board_report_narratives_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("quarter", name=op.f("pk_board_report_narratives")),
    )


def downgrade() -> None:
    """Remove them."""
    op.drop_table("board_report_narratives")
    op.drop_table("released_reports")
