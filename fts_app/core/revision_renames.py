"""The migrations' revision ids before they were put in one line, and moving a database off them.

Until then each feature had a branch of its own from 0001 (`cases_0002`, `reports_0003`, ...),
and a database's `alembic_version` held one row per branch head. The branches became the line
0001-0011 in the order they reached the main branch, so a database upgraded at any earlier
version of the app has run a leading part of the line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, inspect, text

#: old revision id -> (its id in the line, the old revisions it came after)
RENAMED: dict[str, tuple[str, tuple[str, ...]]] = {
    "reports_0002": ("0002", ("0001",)),
    "auth_0002": ("0003", ("0001",)),
    "speakup_0002": ("0004", ("0001",)),
    "cases_0002": ("0005", ("0001",)),
    "reports_0003": ("0006", ("reports_0002",)),
    "cases_0003": ("0007", ("cases_0002",)),
    "audit_0002": ("0008", ("0001",)),
    "cases_0004": ("0009", ("cases_0003",)),
    "reports_0004": ("0010", ("reports_0003", "cases_0004")),
    "speakup_0003": ("0011", ("speakup_0002",)),
}
#: the line the old revisions became, in order
RENAMED_LINE: tuple[str, ...] = ("0001", *sorted(new for new, _ in RENAMED.values()))


def applied_in_the_line(stamped: Iterable[str]) -> set[str]:
    """Return the new ids of every migration run by a database stamped with these old heads."""
    applied: set[str] = set()
    pending = list(stamped)
    while pending:
        old = pending.pop()
        if old not in applied:
            applied.add(old)
            pending.extend(RENAMED[old][1] if old in RENAMED else ())
    return {RENAMED[old][0] if old in RENAMED else old for old in applied}


def move_onto_the_line(connection: Connection, run_upgrade: Callable[[str], None]) -> None:
    """Restamp a database holding old revision ids with the one revision of the line it reached.

    A database upgraded at a version of the app where a later branch had reached it before an
    earlier one (never on the main branch, but possible in a test or a hand-made install) has
    gaps: `run_upgrade(revision)` runs each missing one first, so the line holds from 0001.
    """
    if not inspect(connection).has_table("alembic_version"):
        return
    stamped = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if not stamped & RENAMED.keys():
        return
    applied = applied_in_the_line(stamped)
    reached = max(applied)
    for revision in RENAMED_LINE[: RENAMED_LINE.index(reached)]:
        if revision not in applied:
            run_upgrade(revision)
    connection.execute(text("DELETE FROM alembic_version"))
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:reached)"), {"reached": reached}
    )
