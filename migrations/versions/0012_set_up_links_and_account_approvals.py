"""Set-up links and lead-guardian approval for accounts made in the web admin.

Accounts created in the web admin before this revision had a password the administrator chose
or was shown: unless the person has changed it since, they must choose a new one at their next
sign-in. Accounts created on the server's command line are left alone.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("password_changed_at", sa.DateTime(timezone=True)),
    sa.column("must_set_password", sa.Boolean),
)
audit_events = sa.table("audit_events", sa.column("action", sa.String), sa.column("detail"))


def upgrade() -> None:
    """Add the set-up columns and the approvals table; flag passwords the admin knew."""
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column("must_set_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("sign_in_reset_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.create_table(
        "account_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_approvals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_account_approvals_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_account_approvals_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_approvals")),
    )
    op.create_index(
        op.f("ix_account_approvals_user_id"), "account_approvals", ["user_id"], unique=False
    )
    _flag_passwords_the_admin_knew()


def _flag_passwords_the_admin_knew() -> None:
    connection = op.get_bind()
    details = connection.execute(
        sa.select(audit_events.c.detail).where(audit_events.c.action == "admin.account_created")
    ).scalars()
    created_in_admin = {json.loads(detail).get("user_id") for detail in details}
    ids = [user_id for user_id in created_in_admin if isinstance(user_id, int)]
    if ids:
        connection.execute(
            sa.update(users)
            .where(users.c.id.in_(ids), users.c.password_changed_at.is_(None))
            .values(must_set_password=True)
        )


def downgrade() -> None:
    """Remove the approvals table and the set-up columns."""
    op.drop_index(op.f("ix_account_approvals_user_id"), table_name="account_approvals")
    op.drop_table("account_approvals")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("sign_in_reset_at")
        batch_op.drop_column("must_set_password")
