"""How quickly the quarter's cases were handled: days taken to each step, and deadlines met."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fts_app.cases.models import Case
from fts_app.quarters import Quarter
from fts_app.reports import queries
from fts_app.reports.charts import format_number
from fts_app.reports.figures import Figure, published
from fts_app.reports.suppression import suppress_count, suppress_table

#: a median or 90th percentile of fewer cases than this says too much about each of them
MIN_CASES_FOR_PERCENTILES = 5
TOO_FEW_CASES = "too few cases"
STEPS = (
    ("Received to acknowledged", Case.acknowledged_on),
    ("Received to first feedback", Case.first_feedback_on),
    ("Received to closed", Case.closed_on),
)
DEADLINES = (
    ("Acknowledged by the deadline", Case.acknowledge_due_on, Case.acknowledged_on),
    ("First feedback by the deadline", Case.first_feedback_due_on, Case.first_feedback_on),
)


@dataclass(frozen=True)
class StepTiming:
    """How many days a step took from receipt, over the cases that took it this quarter."""

    label: str
    cases: Figure
    median: str
    ninetieth_percentile: str


@dataclass(frozen=True)
class DeadlineRecord:
    """How many deadlines fell due this quarter and how many were met."""

    label: str
    due: Figure
    met: Figure


def fewest_for_percentiles(threshold: int) -> int:
    """Return the fewest cases a median or 90th percentile is given for."""
    return max(MIN_CASES_FOR_PERCENTILES, threshold)


def timings(session: Session, quarter: Quarter, threshold: int) -> tuple[StepTiming, ...]:
    """Median and 90th percentile days from receipt, for each step taken in the quarter."""
    fewest = fewest_for_percentiles(threshold)
    found = []
    for label, done_on in STEPS:
        days = list(queries.days_taken(session, done_on, quarter).elements())
        cases = published(suppress_count(len(days), threshold, label=label))
        if len(days) < fewest:
            found.append(StepTiming(label, cases, TOO_FEW_CASES, TOO_FEW_CASES))
            continue
        ninetieth = statistics.quantiles(days, n=10, method="inclusive")[-1]
        found.append(StepTiming(label, cases, _days(statistics.median(days)), _days(ninetieth)))
    return tuple(found)


def _days(value: float) -> str:
    """Write a number of days, such as "1 day" or "2.5 days"."""
    written = format_number(value)
    return f"{written} day" if written == "1" else f"{written} days"


def deadline_records(
    session: Session, quarter: Quarter, today: date, threshold: int
) -> tuple[DeadlineRecord, ...]:
    """Count the deadlines due in the quarter (up to yesterday) and the share met."""
    last = min(quarter.last_day, today - timedelta(days=1))
    records = []
    for label, due_on, done_on in DEADLINES:
        outcome = queries.deadline_outcome(session, due_on, done_on, quarter.first_day, last)
        cells = suppress_table(
            {"Met": outcome.met, "Missed": outcome.due - outcome.met}, outcome.due, threshold
        )
        assert cells.total is not None
        records.append(DeadlineRecord(label, published(cells.total), published(cells[0])))
    return tuple(records)
