"""Keep equality answers only as per-quarter counts and a sealed pending pool.

Each old equality_responses row was written in its submission's transaction, so its transaction
id and position pointed to its case. This revision turns them into counts of each answer per
quarter and drops the table; its transaction rewrites every count, so no count row keeps a
submission's transaction id or order (README "Who sees what").

The counts cannot be turned back into one row per form, so the downgrade refuses while any
figures or pending entries exist.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: the old table's answer columns, named as the count rows name their questions
QUESTIONS = ("ethnicity", "disability", "sex", "sexual_orientation", "religion", "age_band")


def upgrade() -> None:
    """Create the counts and the pending pool, count the old rows into them, drop the old table."""
    op.create_table(
        "equality_counts",
        sa.Column("quarter", sa.String(length=10), nullable=False),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("quarter", "question", "answer", name=op.f("pk_equality_counts")),
    )
    op.create_table(
        "equality_pending",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equality_pending")),
    )
    op.execute(
        "INSERT INTO equality_counts (quarter, question, answer, count) "
        "SELECT quarter, 'responses', '', COUNT(*) FROM equality_responses GROUP BY quarter"
    )
    for question in QUESTIONS:
        # the question names are the fixed tuple above, never input
        op.execute(
            "INSERT INTO equality_counts (quarter, question, answer, count) "  # noqa: S608
            f"SELECT quarter, '{question}', COALESCE({question}, ''), COUNT(*) "
            f"FROM equality_responses GROUP BY quarter, COALESCE({question}, '')"
        )
    with op.batch_alter_table("equality_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_equality_responses_quarter"))
    op.drop_table("equality_responses")


def downgrade() -> None:
    """Bring back the empty per-form table; refuse if there are figures it could not hold."""
    connection = op.get_bind()
    for table in ("equality_counts", "equality_pending"):
        if connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar():  # noqa: S608
            raise RuntimeError(
                "Equality figures are kept only as counts, which cannot be turned back into "
                "one row per form. Downgrade a database without equality figures only."
            )
    op.create_table(
        "equality_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=10), nullable=False),
        *(sa.Column(question, sa.String(length=40), nullable=True) for question in QUESTIONS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_equality_responses")),
    )
    with op.batch_alter_table("equality_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_equality_responses_quarter"), ["quarter"], unique=False
        )
    op.drop_table("equality_pending")
    op.drop_table("equality_counts")
