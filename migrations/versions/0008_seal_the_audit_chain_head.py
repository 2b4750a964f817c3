"""Seal the audit chain's head, so cutting entries off the end of the trail shows.

The seal is an HMAC under the audit key, which migrations do not have. Existing heads are left
unsealed: the next audited action seals the head, and until then `audit verify` reports it as
not yet sealed instead of failing.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the head's seal."""
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.add_column(sa.Column("seal", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Remove the head's seal."""
    with op.batch_alter_table("audit_head") as batch_op:
        batch_op.drop_column("seal")
