"""Equality answers: sealed in a pending pool by the submission, counted later by a flush.

The submission's transaction writes one sealed `PendingEquality` row and nothing else about the
answers, so no transaction id, row position, time or id ties the figures to a case. Once the pool
holds `EQUALITY_FLUSH_AT` entries, a transaction of its own adds them all to the per-quarter counts
and deletes them. Reports add the counts to the pending entries, so figures are exact at every
moment (README "Who sees what").
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import delete, func, insert, inspect, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from fts_app import db
from fts_app.choices import Choice
from fts_app.crypto.keyring import DecryptionError, Keyring
from fts_app.crypto.sealed import SEALED_SECRETS, SealedSecrets
from fts_app.crypto.services import keyring
from fts_app.quarters import financial_quarter
from fts_app.speakup.enums import AgeBand, Disability, Ethnicity, Religion, Sex, SexualOrientation
from fts_app.speakup.models import EqualityCount, PendingEquality

logger = logging.getLogger(__name__)

#: what the derived key is for: nothing else is sealed under it
PURPOSE = "equality-pending"
#: the count row holding how many forms of a quarter answered anything
RESPONSES = "responses"
#: the stored answer of a question left blank
NOT_ANSWERED = ""
#: every sealed entry is padded to this many bytes, so its length says nothing about the answers
PADDED_LENGTH = 320
#: pending rows get random ids so their key order says nothing about which came when
ID_RANGE = 2**31 - 1

#: each question, named as EqualityAnswers names it, and its vocabulary
QUESTIONS: dict[str, type[Choice]] = {
    "ethnicity": Ethnicity,
    "disability": Disability,
    "sex": Sex,
    "sexual_orientation": SexualOrientation,
    "religion": Religion,
    "age_band": AgeBand,
}


@dataclass(frozen=True)
class EqualityAnswers:
    """The voluntary equality answers; any of them may be left blank."""

    ethnicity: Ethnicity | None = None
    disability: Disability | None = None
    sex: Sex | None = None
    sexual_orientation: SexualOrientation | None = None
    religion: Religion | None = None
    age_band: AgeBand | None = None

    @property
    def given(self) -> bool:
        """Tell whether at least one question was answered."""
        return any(vars(self).values())


@dataclass(frozen=True)
class PendingEntry:
    """A pending entry opened: its quarter and each question's answer value (None: blank)."""

    quarter: str
    answers: dict[str, str | None]

    @property
    def given(self) -> bool:
        """Tell whether at least one question was answered."""
        return any(answer is not None for answer in self.answers.values())


@dataclass(frozen=True)
class QuarterTally:
    """A quarter's exact figures: the forms that answered anything, and each answer's count."""

    responses: int
    #: question -> answer value (None: left blank) -> count, only counts above zero
    answers: dict[str, dict[str | None, int]]


def hold_answers(session: Session, answers: EqualityAnswers, received_on: date) -> None:
    """Seal a submission's answers into the pending pool, in the submission's transaction.

    Called for every portal submission, answered or not, so the row's presence says nothing.
    """
    entry_id = _unused_id(session)
    values = [financial_quarter(received_on).label]
    values += [answer.value if answer else None for answer in vars(answers).values()]
    session.add(PendingEquality(id=entry_id, sealed=_seal(keyring(), entry_id, values)))


def _unused_id(session: Session) -> int:
    while True:
        candidate = secrets.randbelow(ID_RANGE) + 1
        if session.get(PendingEquality, candidate) is None:
            return candidate


def _owner(entry_id: int) -> str:
    # bound to its row, so a sealed entry copied onto another row fails to open
    return f"equality_pending|{entry_id}"


def _seal(ring: Keyring, entry_id: int, values: list[str | None]) -> bytes:
    plaintext = json.dumps(values, separators=(",", ":")).encode()
    if len(plaintext) > PADDED_LENGTH:
        raise ValueError("equality answers longer than the padded length")
    return ring.seal_for(PURPOSE, plaintext.ljust(PADDED_LENGTH), _owner(entry_id))


def _open_values(ring: Keyring, row: PendingEquality) -> list[str | None]:
    return json.loads(ring.open_for(PURPOSE, row.sealed, _owner(row.id)))


def _open(ring: Keyring, row: PendingEquality) -> PendingEntry:
    quarter, *answers = _open_values(ring, row)
    assert quarter is not None
    return PendingEntry(quarter, dict(zip(QUESTIONS, answers, strict=True)))


def pending_entries(session: Session) -> list[PendingEntry]:
    """Open every pending entry (the pool is small: it is flushed once it holds a batch)."""
    ring = keyring()
    return [_open(ring, row) for row in session.scalars(select(PendingEquality))]


def pending_count(session: Session) -> int:
    """Count the entries waiting to be added to the counts."""
    return session.scalar(select(func.count()).select_from(PendingEquality)) or 0


def quarter_tally(session: Session, quarter: str) -> QuarterTally:
    """Return a quarter's exact figures: the stored counts plus the pending entries."""
    tally: Counter[tuple[str, str]] = Counter()
    rows = session.execute(
        select(EqualityCount.question, EqualityCount.answer, EqualityCount.count).where(
            EqualityCount.quarter == quarter
        )
    )
    for question, answer, count in rows:
        tally[question, answer] += count
    for entry in pending_entries(session):
        if entry.quarter == quarter:
            tally.update(_cells_counted(entry))
    answers: dict[str, dict[str | None, int]] = {question: {} for question in QUESTIONS}
    for (question, answer), count in tally.items():
        if question in answers and count:
            answers[question][answer or None] = count
    return QuarterTally(responses=tally[RESPONSES, NOT_ANSWERED], answers=answers)


def _cells_counted(entry: PendingEntry) -> list[tuple[str, str]]:
    """The count cells one entry adds to: none for a form with every question left blank."""
    if not entry.given:
        return []
    answered = [(question, answer or NOT_ANSWERED) for question, answer in entry.answers.items()]
    return [(RESPONSES, NOT_ANSWERED), *answered]


def flush(session: Session, *, at_least: int) -> int:
    """Add every pending entry to the counts and delete them, if at least `at_least` wait.

    Every count of each quarter the batch touches is rewritten, in shuffled order, so neither
    which rows changed nor where they lie says which answers came in the batch.
    """
    rows = list(session.scalars(select(PendingEquality)))
    if not rows or len(rows) < at_least:
        return 0
    ring = keyring()
    entries = [_open(ring, row) for row in rows]
    added: Counter[tuple[str, str, str]] = Counter()
    for entry in entries:
        added.update((entry.quarter, *cell) for cell in _cells_counted(entry))
    quarters = {entry.quarter for entry in entries}
    existing = set(
        session.execute(
            select(EqualityCount.quarter, EqualityCount.question, EqualityCount.answer).where(
                EqualityCount.quarter.in_(quarters)
            )
        ).tuples()
    )
    every_cell = {(quarter, *cell) for quarter in quarters for cell in _every_cell()}
    cells = sorted(every_cell | existing | set(added))
    secrets.SystemRandom().shuffle(cells)
    for quarter, question, answer in cells:
        key = (quarter, question, answer)
        if key in existing:
            session.execute(
                update(EqualityCount)
                .where(
                    EqualityCount.quarter == quarter,
                    EqualityCount.question == question,
                    EqualityCount.answer == answer,
                )
                .values(count=EqualityCount.count + added[key])
            )
        else:
            session.execute(
                insert(EqualityCount).values(
                    quarter=quarter, question=question, answer=answer, count=added[key]
                )
            )
    session.execute(delete(PendingEquality).where(PendingEquality.id.in_([r.id for r in rows])))
    return len(rows)


def _every_cell() -> list[tuple[str, str]]:
    """Every (question, answer) a quarter can count, made at once so row order tells nothing."""
    cells = [(RESPONSES, NOT_ANSWERED)]
    for question, choices in QUESTIONS.items():
        cells += [(question, member.value) for member in choices]
        cells.append((question, NOT_ANSWERED))
    return cells


def flush_if_due() -> int:
    """Flush the pool in a transaction of its own once it holds a batch; return how many."""
    batch = current_app.config["EQUALITY_FLUSH_AT"]
    if pending_count(db.session()) < batch:
        return 0
    with db.write_transaction() as session:
        return flush(session, at_least=batch)


def flush_after_submission() -> None:
    """Flush if due, after the submission committed; a failure leaves the entries pending."""
    try:
        flush_if_due()
    except (DecryptionError, SQLAlchemyError) as error:
        # the concern is already safe; the entries wait for the next flush, and reports
        # still count them (nothing about the person is logged)
        logger.warning(
            "Equality answers stay pending: the flush failed (%s).", type(error).__name__
        )


def _counts_by_master_key(engine: Engine) -> dict[str, int]:
    # The sealing key is named only in each ciphertext's header; the pool holds a batch at most.
    if not inspect(engine).has_table(PendingEquality.__tablename__):
        return {}
    with engine.connect() as connection:
        sealed = connection.scalars(select(PendingEquality.sealed))
        return dict(Counter(Keyring.sealed_for_by(blob).hex() for blob in sealed))


def _under_old_keys(session: Session, ring: Keyring) -> list[PendingEquality]:
    rows = session.scalars(select(PendingEquality))
    return [row for row in rows if Keyring.sealed_for_by(row.sealed) != ring.current_key_id]


def _reseal(session: Session, ring: Keyring) -> int:
    rows = _under_old_keys(session, ring)
    for row in rows:
        row.sealed = _seal(ring, row.id, _open_values(ring, row))
    return len(rows)


PENDING_EQUALITY = SEALED_SECRETS.register(
    "pending equality answers",
    SealedSecrets(
        what="pending equality form(s)",
        count_by_master_key=_counts_by_master_key,
        count_under_old_keys=lambda session, ring: len(_under_old_keys(session, ring)),
        reseal_under_current_key=_reseal,
    ),
)
