"""The case page with both closing questions open: no id twice, each error at its question."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

from fts_app.timeutil import today_in_london
from tests.conftest import csrf_token_from
from tests.speakup.portal import (
    CHECK_IN,
    SPEAK_UP_AGAIN,
    case_page_fields,
    only_case,
    speak_up,
)
from tests.speakup.test_follow_up import guardian_closes, opened

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass(frozen=True)
class Identified:
    """An element with an id, and the address of the form it sits in ("" outside any form)."""

    id: str
    tag: str
    name: str
    form_action: str


class CasePage(HTMLParser):
    """Collect the elements with ids and the error summary's links, in page order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.identified: list[Identified] = []
        self.summary_links: list[str] = []
        self._open: list[dict[str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        attributes["tag"] = tag
        enclosing = [*self._open, attributes]
        if "id" in attributes:
            forms = [element for element in enclosing if element["tag"] == "form"]
            action = forms[-1].get("action", "") if forms else ""
            name = attributes.get("name", "")
            self.identified.append(Identified(attributes["id"], tag, name, action))
        in_summary = any("nhsuk-error-summary" in element.get("class", "") for element in enclosing)
        if tag == "a" and in_summary:
            self.summary_links.append(attributes.get("href", ""))
        if tag not in VOID_ELEMENTS:
            self._open.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        tags = [element["tag"] for element in self._open]
        if tag in tags:
            del self._open[len(tags) - 1 - tags[::-1].index(tag) :]

    def element(self, element_id: str) -> Identified:
        """Return the one element with this id."""
        (found,) = [element for element in self.identified if element.id == element_id]
        return found


def both_questions_open(client: FlaskClient) -> str:
    """Close the person's case with its check-in due today, and return their case page."""
    shown = speak_up(client)
    guardian_closes(only_case().id, check_in_due=today_in_london())
    return opened(client, shown)


def test_both_closing_questions_on_one_page_share_no_ids(client: FlaskClient) -> None:
    page = both_questions_open(client)
    assert "Have you been treated badly because you spoke up?" in page
    assert "Given your experience, would you speak up again?" in page
    ids = Counter(element.id for element in CasePage(page).identified)
    assert [element_id for element_id, seen in ids.items() if seen > 1] == []


@pytest.mark.parametrize("url, good_answer", [(CHECK_IN, "no"), (SPEAK_UP_AGAIN, "yes")])
@pytest.mark.parametrize(
    "problem",
    [{"answer": "perhaps"}, {"csrf_token": "stale"}],
    ids=["unknown answer", "stale form token"],
)
def test_each_questions_error_links_to_its_own_answers(
    client: FlaskClient, url: str, good_answer: str, problem: dict[str, str]
) -> None:
    token = csrf_token_from(both_questions_open(client))
    sent = case_page_fields(url, {"csrf_token": token, "answer": good_answer, **problem})
    response = client.post(url, data=sent)
    assert response.status_code == 400
    page = CasePage(response.get_data(as_text=True))
    (link,) = page.summary_links
    target = page.element(link.removeprefix("#"))
    assert (target.tag, target.form_action) == ("input", url)
    assert target.name.endswith("answer")
