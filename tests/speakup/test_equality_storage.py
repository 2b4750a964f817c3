"""Equality answers: nothing stored ties them to the case they came with, and figures stay exact."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from fts_app import db
from fts_app.quarters import financial_quarter
from fts_app.speakup.enums import Ethnicity
from fts_app.speakup.equality import PADDED_LENGTH, QUESTIONS, quarter_tally
from fts_app.speakup.models import EqualityCount, PendingEquality
from fts_app.timeutil import today_in_london
from tests.speakup.portal import speak_up, stored_rows

#: answers no other table holds, so finding them in raw storage means they were stored in plain
FULL_ANSWERS = {
    "ethnicity": "white-gypsy-traveller",
    "sexual_orientation": "bisexual",
    "religion": "buddhist",
    "age_band": "41-50",
}
#: ten different answers to one question, sent in this order
ARRIVALS = [member.value for member in Ethnicity][:10]


def quarter_now() -> str:
    return financial_quarter(today_in_london()).label


def storage_order() -> str:
    """How rows lie in storage: heap position on PostgreSQL, the rowid's B-tree on SQLite."""
    return "ctid" if not db.is_sqlite() else "rowid"


def xmins(table: str) -> set[str]:
    """The PostgreSQL transaction ids that wrote a table's rows."""
    db.session().commit()
    return set(db.session().scalars(text(f"SELECT xmin::text FROM {table}")))


def checkpoint_sqlite() -> None:
    """Empty SQLite's write-ahead log, so it then holds only the transactions that follow."""
    db.session().commit()
    with db.engine().connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    assert busy == 0


def write_ahead_log() -> bytes:
    database = Path(db.engine().url.database or "")
    return database.with_name(database.name + "-wal").read_bytes()


def test_the_submissions_transaction_writes_no_answer_anyone_can_read(
    app: Flask, client: FlaskClient
) -> None:
    app.config["EQUALITY_FLUSH_AT"] = 3
    if db.is_sqlite():
        checkpoint_sqlite()
        speak_up(client, **FULL_ANSWERS)
        # the log now holds just the submission's pages: case, audit entry, pending entry
        written = write_ahead_log()
        assert b"FTSU-" in written, "the scan must see what the submission wrote"
    else:
        speak_up(client, **FULL_ANSWERS)
        case_transactions = xmins("cases")
        rows = db.session().execute(
            text("SELECT CAST(t.* AS text) FROM equality_pending t WHERE xmin::text = :x"),
            {"x": case_transactions.pop()},
        )
        written = "\n".join(rows.scalars()).encode()
        assert written, "the submission's transaction wrote its pending entry"
    for answer in FULL_ANSWERS.values():
        assert answer.encode() not in written


def test_no_equality_row_shares_a_transaction_with_a_case(app: Flask, client: FlaskClient) -> None:
    app.config["EQUALITY_FLUSH_AT"] = 5
    for _ in range(5):
        speak_up(client, sex="female", **FULL_ANSWERS)
    assert stored_rows()["cases"] == 5
    assert db.session().scalar(select(PendingEquality.id)) is None, "the batch was flushed"
    if db.is_sqlite():
        # SQLite keeps no writer's id in a row; the write-ahead log test above covers it
        assert db.session().scalar(select(EqualityCount.count).limit(1)) is not None
        return
    cases = xmins("cases")
    assert len(cases) == 5
    equality = xmins("equality_counts") | xmins("equality_pending")
    assert equality and not equality & cases
    # one flush wrote every count of the quarter: no row stands out as a later arrival's
    assert len(xmins("equality_counts")) == 1


def test_the_counts_lie_in_storage_in_an_order_that_is_not_the_order_of_arrival(
    app: Flask, client: FlaskClient
) -> None:
    app.config["EQUALITY_FLUSH_AT"] = len(ARRIVALS)
    for ethnicity in ARRIVALS:
        speak_up(client, ethnicity=ethnicity)
    db.session().commit()
    rows = db.session().execute(
        text(f"SELECT question, answer, count FROM equality_counts ORDER BY {storage_order()}")
    )
    stored = [(question, answer, count) for question, answer, count in rows]
    answered = [answer for question, answer, count in stored if question == "ethnicity" and count]
    assert sorted(answered) == sorted(ARRIVALS)
    assert answered != ARRIVALS
    # answers nobody gave have rows too, made in the same pass, so a row's presence says nothing
    ethnicity_rows = {answer for question, answer, _ in stored if question == "ethnicity"}
    assert ethnicity_rows == {member.value for member in Ethnicity} | {""}
    assert {question for question, _, _ in stored} == {*QUESTIONS, "responses"}


def test_every_submission_seals_one_entry_of_one_length_answered_or_not(
    app: Flask, client: FlaskClient
) -> None:
    speak_up(client, **FULL_ANSWERS)
    speak_up(client)
    db.session().commit()
    stored = db.session().execute(text("SELECT * FROM equality_pending")).mappings().all()
    assert len(stored) == 2
    assert {tuple(row.keys()) for row in stored} == {("id", "sealed")}
    lengths = {len(bytes(row["sealed"])) for row in stored}
    assert len(lengths) == 1 and lengths.pop() > PADDED_LENGTH
    for row in stored:
        for answer in (*FULL_ANSWERS.values(), quarter_now()):
            assert answer.encode() not in bytes(row["sealed"])
    # a blank form counts as no response
    assert quarter_tally(db.session(), quarter_now()).responses == 1


def test_pending_entries_wait_for_a_whole_batch_and_figures_are_exact_throughout(
    app: Flask, client: FlaskClient
) -> None:
    app.config["EQUALITY_FLUSH_AT"] = 4
    sent = ["female", "male", "female"]
    for sex in sent:
        speak_up(client, sex=sex)
    pending = quarter_tally(db.session(), quarter_now())
    assert db.session().scalar(select(EqualityCount.count).limit(1)) is None
    assert pending.responses == 3
    assert pending.answers["sex"] == {"female": 2, "male": 1}
    assert pending.answers["age_band"] == {None: 3}
    speak_up(client, sex="prefer-not-to-say")
    db.session().commit()
    assert db.session().scalar(select(PendingEquality.id)) is None
    flushed = quarter_tally(db.session(), quarter_now())
    assert flushed.responses == 4
    assert flushed.answers["sex"] == {"female": 2, "male": 1, "prefer-not-to-say": 1}
    assert flushed.answers["age_band"] == {None: 4}


@pytest.mark.parametrize("waiting, added", [(2, 0), (3, 3)])
def test_the_flush_command_adds_only_a_whole_batch(
    app: Flask, client: FlaskClient, waiting: int, added: int
) -> None:
    app.config["EQUALITY_FLUSH_AT"] = 100
    for _ in range(waiting):
        speak_up(client, sex="male")
    app.config["EQUALITY_FLUSH_AT"] = 3
    result = app.test_cli_runner().invoke(args=["equality", "flush"])
    assert result.exit_code == 0, result.output
    db.session().commit()
    assert stored_rows()["equality"] > 0
    if added:
        assert f"Added {added} pending equality form(s)" in result.output
        assert db.session().scalar(select(PendingEquality.id)) is None
    else:
        assert f"{waiting} equality form(s) pending" in result.output
    assert quarter_tally(db.session(), quarter_now()).answers["sex"] == {"male": waiting}


def test_a_second_batch_adds_to_the_counts_and_rewrites_every_one_of_the_quarter(
    app: Flask, client: FlaskClient
) -> None:
    app.config["EQUALITY_FLUSH_AT"] = 3
    for sex in ["female", "male", "female", "female", "female", "male"]:
        speak_up(client, sex=sex)
    db.session().commit()
    assert db.session().scalar(select(PendingEquality.id)) is None, "both batches were flushed"
    tally = quarter_tally(db.session(), quarter_now())
    assert tally.responses == 6
    assert tally.answers["sex"] == {"female": 4, "male": 2}
    if not db.is_sqlite():
        # the second flush rewrote the counts it left unchanged too
        assert len(xmins("equality_counts")) == 1
