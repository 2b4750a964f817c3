"""Access codes: long, random, shown once, kept only as a slow hash."""

from __future__ import annotations

import re

from flask import Flask

from fts_app import db
from fts_app.auth.passwords import secret_matches
from fts_app.cases.models import Case
from fts_app.speakup.services import issue_access_code, new_access_code, normalise_access_code


def test_a_code_is_twenty_digits_in_groups_of_four() -> None:
    assert re.fullmatch(r"\d{4}( \d{4}){4}", new_access_code())


def test_codes_do_not_repeat() -> None:
    assert len({new_access_code() for _ in range(200)}) == 200


def test_spaces_and_dashes_in_a_typed_code_are_ignored() -> None:
    assert normalise_access_code(" 1234-5678 9012\t3456 7890 ") == "12345678901234567890"


def test_issuing_a_code_keeps_only_its_argon2_hash(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with db.write_transaction() as session:
        code = issue_access_code(session, session.get(Case, case.id))
    stored = db.session().get(Case, case.id).access_code_hash
    assert stored.startswith("$argon2id$")
    assert normalise_access_code(code) not in stored
    assert secret_matches(stored, normalise_access_code(code))


def test_issuing_a_new_code_replaces_the_old_one(app: Flask, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with db.write_transaction() as session:
        first = issue_access_code(session, session.get(Case, case.id))
    with db.write_transaction() as session:
        issue_access_code(session, session.get(Case, case.id))
    stored = db.session().get(Case, case.id).access_code_hash
    assert not secret_matches(stored, normalise_access_code(first))
