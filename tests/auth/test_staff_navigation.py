"""The staff menu links each role to its own pages, wherever the app is mounted."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from fts_app.auth.enums import Role
from tests.conftest import sign_in

# A trust may serve the app under a path of its intranet, e.g. https://intranet.example/fts/
MOUNTED_AT = "http://localhost/fts"
MENU = re.compile(r'aria-label="Staff menu">(.*?)</nav>', re.DOTALL)
LINK = re.compile(r'href="([^"]+)">([^<]+)</a>')


@pytest.mark.parametrize(
    ("role", "menu_items"),
    [
        (Role.GUARDIAN, {"Cases", "Reports", "Change password"}),
        (Role.LEAD_GUARDIAN, {"Cases", "Account approvals", "Reports", "Change password"}),
        (Role.BOARD, {"Reports", "Change password"}),
        (Role.ADMIN, {"Admin", "Change password"}),
    ],
)
def test_staff_menu_links_stay_under_the_path_the_app_is_mounted_at(
    app: Flask,
    make_user,  # type: ignore[no-untyped-def]
    role: Role,
    menu_items: set[str],
) -> None:
    client = sign_in(app.test_client(), make_user(role))
    page = client.get("/account/password", base_url=MOUNTED_AT).get_data(as_text=True)
    menu = MENU.search(page)
    assert menu is not None
    links = {text: href for href, text in LINK.findall(menu.group(1))}
    assert set(links) == menu_items
    assert all(href.startswith("/fts/") for href in links.values()), links
