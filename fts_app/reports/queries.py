"""Counts for reports, aggregated in SQL over structured case fields; nothing is decrypted.

Every function counts every case, restricted ones included: a restricted case is hidden from
guardians who are not named on it, but it is still a case the trust received.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Integer, and_, case, exists, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from fts_app.admin.models import Directorate
from fts_app.cases.access import Viewer, visibility
from fts_app.cases.enums import ConfidentialityLevel, WorkerGroup
from fts_app.cases.models import Case, CaseElement
from fts_app.quarters import Quarter
from fts_app.speakup.equality import QuarterTally, quarter_tally

DateColumn = InstrumentedAttribute[date | None] | InstrumentedAttribute[date]
TextColumn = InstrumentedAttribute[str] | InstrumentedAttribute[str | None]


@dataclass(frozen=True)
class CaseTotals:
    """Cases received in a period, and how many were anonymous or indicated detriment."""

    received: int
    anonymous: int
    detriment: int


@dataclass(frozen=True)
class DailyCount:
    """Cases received on one day, and how many of them were raised anonymously."""

    day: date
    cases: int
    anonymous: int


@dataclass(frozen=True)
class DeadlineOutcome:
    """How many deadlines fell due in a period and how many of them were met."""

    due: int
    met: int


@dataclass(frozen=True)
class IncompleteCase:
    """A case the national return cannot count fully, by its reference and what it lacks."""

    reference: str
    worker_group_missing: bool
    elements_missing: bool
    #: the viewer may open the case, so may see its reference
    visible: bool


def _within(column: DateColumn, quarter: Quarter) -> ColumnElement[bool]:
    return column.between(quarter.first_day, quarter.last_day)


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


ANONYMOUS = Case.confidentiality == ConfidentialityLevel.ANONYMOUS


def case_totals(session: Session, quarter: Quarter) -> CaseTotals:
    """Count the cases received in a quarter, anonymous ones and those indicating detriment."""
    row = session.execute(
        select(
            func.count(),
            _count_where(ANONYMOUS),
            _count_where(Case.detriment_indicated.is_(True)),
        ).where(_within(Case.received_on, quarter))
    ).one()
    return CaseTotals(received=row[0], anonymous=row[1], detriment=row[2])


def closed_count(session: Session, quarter: Quarter) -> int:
    """Count the cases closed in a quarter, whenever they were received."""
    return session.scalar(select(func.count()).where(_within(Case.closed_on, quarter))) or 0


def counts_by(session: Session, column: TextColumn, quarter: Quarter) -> dict[str, int]:
    """Count the cases received in a quarter by the value of one of their columns."""
    rows = session.execute(
        select(column, func.count()).where(_within(Case.received_on, quarter)).group_by(column)
    )
    return {value: count for value, count in rows}


def element_counts(session: Session, quarter: Quarter) -> dict[str, int]:
    """Count the cases received in a quarter with each element; a case can have several."""
    rows = session.execute(
        select(CaseElement.element, func.count())
        .join(Case, Case.id == CaseElement.case_id)
        .where(_within(Case.received_on, quarter))
        .group_by(CaseElement.element)
    )
    return {element: count for element, count in rows}


def directorate_counts(session: Session, quarter: Quarter) -> dict[str | None, int]:
    """Count the quarter's cases by directorate name (None: not recorded), active ones at 0."""
    counts: dict[str | None, int] = dict.fromkeys(
        session.scalars(select(Directorate.name).where(Directorate.is_active.is_(True))), 0
    )
    rows = session.execute(
        select(Directorate.name, func.count())
        .select_from(Case)
        .outerjoin(Directorate, Directorate.id == Case.directorate_id)
        .where(_within(Case.received_on, quarter))
        .group_by(Directorate.name)
    )
    counts.update({name: count for name, count in rows})
    return counts


def speak_up_again_counts(session: Session, quarter: Quarter) -> dict[str, int]:
    """Count the answers to "would you speak up again?" given in a quarter.

    An answer recorded without a date of its own was given at closure.
    """
    counts: Counter[str] = Counter()
    # two queries rather than one over coalesce(), so that each can use its own index
    for answered in (
        _within(Case.speak_up_again_on, quarter),
        and_(Case.speak_up_again_on.is_(None), _within(Case.closed_on, quarter)),
    ):
        rows = session.execute(
            select(Case.speak_up_again, func.count())
            .where(Case.speak_up_again.is_not(None), answered)
            .group_by(Case.speak_up_again)
        )
        counts.update({answer: count for answer, count in rows})
    return dict(counts)


def cross_counts(
    session: Session, rows_by: TextColumn, columns_by: TextColumn, quarter: Quarter
) -> dict[str, dict[str, int]]:
    """Count the quarter's cases by two of their columns: counts[row value][column value]."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    result = session.execute(
        select(rows_by, columns_by, func.count())
        .where(_within(Case.received_on, quarter))
        .group_by(rows_by, columns_by)
    )
    for row, column, count in result:
        counts[row][column] = count
    return dict(counts)


def first_received_on(session: Session) -> date | None:
    """Return the day the earliest case was received, if there is any case."""
    return session.scalar(select(func.min(Case.received_on)))


def daily_counts(session: Session, first: date, last: date) -> list[DailyCount]:
    """Count the cases received on each day from first to last that had any."""
    rows = session.execute(
        select(Case.received_on, func.count(), _count_where(ANONYMOUS))
        .where(Case.received_on.between(first, last))
        .group_by(Case.received_on)
        .order_by(Case.received_on)
    )
    return [DailyCount(day, cases, anonymous) for day, cases, anonymous in rows]


class DaysBetween(FunctionElement[int]):
    """Whole days from the second date to the first, in the database's own date arithmetic."""

    type = Integer()
    inherit_cache = True


@compiles(DaysBetween)
def _days_by_subtraction(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({later} - {earlier})"


@compiles(DaysBetween, "sqlite")
def _days_by_julian_day(element: DaysBetween, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def days_taken(session: Session, done_on: DateColumn, quarter: Quarter) -> Counter[int]:
    """Count the cases whose step (done_on) fell in the quarter by the days it took from receipt."""
    days = DaysBetween(done_on, Case.received_on)
    rows = session.execute(
        select(days, func.count()).where(_within(done_on, quarter)).group_by(days)
    )
    return Counter({taken: count for taken, count in rows})


#: another record that also completes a step: finding that feedback could not be given (an
#: anonymous letter with no way to reply) stops the first feedback clock as giving it would
ALSO_DONE_ON: dict[str, tuple[DateColumn, ...]] = {
    Case.first_feedback_on.key: (Case.feedback_not_possible_on,)
}


def deadline_outcome(
    session: Session, due_on: DateColumn, done_on: DateColumn, first: date, last: date
) -> DeadlineOutcome:
    """Count the deadlines falling due from first to last, and those met by their due day."""
    done_by = (done_on, *ALSO_DONE_ON.get(done_on.key, ()))
    met = or_(*(and_(day.is_not(None), day <= due_on) for day in done_by))
    row = session.execute(
        select(func.count(), _count_where(met)).where(due_on.between(first, last))
    ).one()
    return DeadlineOutcome(due=row[0], met=row[1])


def equality_tally(session: Session, quarter: Quarter) -> QuarterTally:
    """Return a quarter's exact equality figures: the stored counts plus entries still pending."""
    return quarter_tally(session, quarter.label)


def incomplete_cases(
    session: Session, quarter: Quarter, viewer: Viewer | None = None
) -> list[IncompleteCase]:
    """List the quarter's cases lacking a worker group or any element, in reference order.

    "Not known" is a worker group the return counts (an anonymous case has no other), so only
    a case with none of the national groups lacks one. Each says whether the viewer may open
    it; with no viewer, any case but a restricted one.
    """
    no_elements = ~exists().where(CaseElement.case_id == Case.id)
    no_group = Case.worker_group.not_in([group.value for group in WorkerGroup])
    visible = Case.restricted.is_(False) if viewer is None else visibility(viewer)
    rows = session.execute(
        select(Case.reference, no_group, no_elements, visible)
        .where(_within(Case.received_on, quarter), no_group | no_elements)
        .order_by(Case.reference)
    )
    return [IncompleteCase(*row) for row in rows]
