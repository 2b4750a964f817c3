"""The base layout, the error pages and the vendored NHS.UK frontend they load."""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask, flash, render_template, render_template_string
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from fts_app import components

REPO_ROOT = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = REPO_ROOT / "templates"
STATIC_DIR = REPO_ROOT / "fts_app" / "static"
FRONTEND_DIR = STATIC_DIR / "nhsuk-frontend"
STATIC_URL_PREFIX = "/static/"
NONCE = "nonce-for-this-request"
SECRET_DETAIL = "narrative of FTSU-2026-0042"

#: nhsuk-frontend-jinja release -> the nhsuk-frontend release its macros are written for
FRONTEND_FOR_MACROS = {"0.10.2": "10.6.1"}

ERROR_HEADINGS = {
    400: "Sorry, we could not process your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that cannot be done from this page",
    413: "What you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}
#: design system macros the pages use: (component folder, macro name)
DESIGN_SYSTEM_MACROS = [
    ("action-link", "actionLink"),
    ("back-link", "backLink"),
    ("button", "button"),
    ("checkboxes", "checkboxes"),
    ("date-input", "dateInput"),
    ("details", "details"),
    ("error-summary", "errorSummary"),
    ("input", "input"),
    ("inset-text", "insetText"),
    ("notification-banner", "notificationBanner"),
    ("pagination", "pagination"),
    ("panel", "panel"),
    ("radios", "radios"),
    ("select", "select"),
    ("summary-list", "summaryList"),
    ("tables", "table"),
    ("tag", "tag"),
    ("textarea", "textarea"),
    ("warning-callout", "warningCallout"),
]
PAGES = ["base.html", *(f"errors/{code}.html" for code in ERROR_HEADINGS)]
STYLESHEETS = [FRONTEND_DIR / "nhsuk-frontend.min.css", STATIC_DIR / "app.css"]
URL_ATTRIBUTES = ("href", "src", "action", "formaction")
#: elements that never have a closing tag
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}


@dataclass
class Element:
    tag: str
    attributes: dict[str, str]


@dataclass
class ParsedPage:
    elements: list[Element] = field(default_factory=list)
    title: str = ""
    main_text: str = ""

    def all(self, tag: str) -> list[Element]:
        """Return every element with this tag name."""
        return [element for element in self.elements if element.tag == tag]

    def urls(self) -> list[str]:
        """Return every address the page links to or loads."""
        return [
            element.attributes[name]
            for element in self.elements
            for name in URL_ATTRIBUTES
            if name in element.attributes
        ]


class PageParser(HTMLParser):
    """Collect a page's elements, its document title and the text inside <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.page = ParsedPage()
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.elements.append(Element(tag, {name: value or "" for name, value in attrs}))
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._open[-2:] == ["head", "title"]:
            self.page.title += data
        if "main" in self._open:
            self.page.main_text += data


def parse(html: str) -> ParsedPage:
    """Parse rendered HTML into its elements and text."""
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def squash(text: str) -> str:
    """Collapse runs of whitespace, as a browser shows them."""
    return " ".join(text.split())


def static_path(url: str) -> Path:
    """Return the file on disk that a /static/ address serves."""
    return STATIC_DIR / urlsplit(url).path.removeprefix(STATIC_URL_PREFIX)


def is_on_this_site(url: str) -> bool:
    """Tell whether an address is relative or on this site, never another host."""
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def make_layout_app() -> Flask:
    """Return a bare app with the template loader and globals the real app sets up."""
    app = Flask(__name__, static_folder=str(STATIC_DIR))
    components.use_remembering_environment(app)
    app.config.update(SECRET_KEY="not-secret-in-tests", PROPAGATE_EXCEPTIONS=False)
    app.jinja_options = {**app.jinja_options, "undefined": ChainableUndefined, "autoescape": True}
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(TEMPLATES_DIR), PackageLoader("nhsuk_frontend_jinja")]
    )
    app.add_template_global(lambda: NONCE, "csp_nonce")
    components.init_app(app)
    return app


@pytest.fixture(scope="module")
def layout_app() -> Flask:
    """Share one app, so its templates compile once for the whole module."""
    return make_layout_app()


@pytest.fixture
def render(layout_app: Flask):
    """Return a function that renders a template inside a request and parses it."""

    def render_page(template: str, **context: object) -> ParsedPage:
        with layout_app.test_request_context():
            return parse(render_template(template, **context))

    return render_page


@pytest.mark.parametrize("template", PAGES)
def test_every_page_starts_with_a_skip_link_to_the_main_content(render, template):
    links = render(template).all("a")
    assert links[0].attributes["href"] == "#maincontent"
    assert "nhsuk-skip-link" in links[0].attributes["class"]


@pytest.mark.parametrize("template", PAGES)
def test_every_page_has_one_main_landmark_named_maincontent(render, template):
    mains = render(template).all("main")
    assert [main.attributes.get("id") for main in mains] == ["maincontent"]


@pytest.mark.parametrize("template", PAGES)
def test_every_script_carries_the_request_nonce(render, template):
    scripts = render(template).all("script")
    assert scripts
    assert all(script.attributes.get("nonce") == NONCE for script in scripts)


@pytest.mark.parametrize("template", PAGES)
def test_script_files_load_as_modules(render, template):
    scripts = render(template).all("script")
    script_files = [script for script in scripts if "src" in script.attributes]
    assert script_files
    assert all(script.attributes.get("type") == "module" for script in script_files)


@pytest.mark.parametrize("template", PAGES)
def test_every_link_and_source_stays_on_this_site(render, template):
    urls = render(template).urls()
    assert urls
    assert [url for url in urls if not is_on_this_site(url)] == []


@pytest.mark.parametrize("template", PAGES)
def test_every_static_file_a_page_references_exists(render, template):
    static_urls = [url for url in render(template).urls() if url.startswith(STATIC_URL_PREFIX)]
    assert static_urls
    assert [url for url in static_urls if not static_path(url).is_file()] == []


@pytest.mark.parametrize("template", PAGES)
def test_no_page_has_inline_styles(render, template):
    page = render(template)
    assert [element.tag for element in page.elements if "style" in element.attributes] == []
    assert page.all("style") == []


def test_base_page_loads_the_vendored_stylesheet_and_our_own(render):
    stylesheets = [link.attributes["href"] for link in render("base.html").all("link")]
    assert "/static/nhsuk-frontend/nhsuk-frontend.min.css" in stylesheets
    assert "/static/app.css" in stylesheets


def test_title_defaults_to_the_product_name(render):
    assert render("base.html").title == "fts_app"


def test_a_page_fills_the_title_and_the_content(layout_app):
    page_source = (
        "{% extends 'base.html' %}"
        "{% block title %}Your cases{% endblock %}"
        "{% block content %}<h1>Your cases</h1>{% endblock %}"
    )
    with layout_app.test_request_context():
        page = parse(render_template_string(page_source))
    assert page.title == "Your cases"
    assert squash(page.main_text) == "Your cases"


def test_header_names_the_service_and_links_home(render):
    page = render("base.html")
    home_links = [a for a in page.all("a") if "nhsuk-header__service-logo" in a.attributes["class"]]
    assert [a.attributes["href"] for a in home_links] == ["/"]
    assert [a.attributes["aria-label"] for a in home_links] == ["NHS Freedom to Speak Up homepage"]


def test_footer_links_only_to_pages_of_this_service(render):
    footer_links = [
        a.attributes["href"]
        for a in render("base.html").all("a")
        if "nhsuk-footer__list-item-link" in a.attributes.get("class", "")
    ]
    assert footer_links == ["/speak-up", "/accessibility"]


def test_flashed_messages_show_inside_main_as_notification_banners(layout_app):
    with layout_app.test_request_context():
        flash("Case FTSU-2026-0042 saved", "success")
        flash("Your session is about to <end>", "info")
        html = render_template("base.html")
    page = parse(html)
    banners = [div for div in page.all("div") if div.attributes.get("data-module")]
    assert [banner.attributes["role"] for banner in banners] == ["alert", "region"]
    assert squash(page.main_text) == (
        "Success Case FTSU-2026-0042 saved Important Your session is about to <end>"
    )
    assert "about to &lt;end&gt;" in html


def test_no_banner_is_shown_without_flashed_messages(render):
    page = render("base.html")
    assert [div for div in page.all("div") if div.attributes.get("data-module")] == []


@pytest.mark.parametrize(("code", "heading"), ERROR_HEADINGS.items())
def test_error_page_says_what_happened_in_plain_english(render, code, heading):
    page = render(f"errors/{code}.html")
    assert page.title == f"{heading} – Freedom to Speak Up"
    assert squash(page.main_text).startswith(heading)


@pytest.mark.parametrize("code", ERROR_HEADINGS)
def test_error_page_never_shows_exception_detail(render, code):
    page = render(f"errors/{code}.html", error=RuntimeError(SECRET_DETAIL), e=SECRET_DETAIL)
    assert SECRET_DETAIL not in page.main_text


def test_server_error_handler_page_hides_what_went_wrong():
    layout_app = make_layout_app()

    @layout_app.route("/broken")
    def broken() -> str:
        raise RuntimeError(SECRET_DETAIL)

    layout_app.register_error_handler(
        500, lambda error: (render_template("errors/500.html", error=error), 500)
    )
    response = layout_app.test_client().get("/broken")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert SECRET_DETAIL not in body
    assert ERROR_HEADINGS[500] in body


@pytest.mark.parametrize(("component", "macro"), DESIGN_SYSTEM_MACROS)
def test_design_system_macro_imports_from_its_component_folder(layout_app, component, macro):
    import_line = f'{{% from "nhsuk/components/{component}/macro.jinja" import {macro} %}}'
    template = layout_app.jinja_env.from_string(import_line + "{{ " + macro + " is callable }}")
    assert template.render() == "True"


def test_vendored_frontend_is_the_version_the_macros_are_written_for():
    vendored = (FRONTEND_DIR / "VERSION").read_text().strip()
    assert vendored == FRONTEND_FOR_MACROS[version("nhsuk-frontend-jinja")]


def test_vendored_script_is_the_vendored_version():
    vendored = (FRONTEND_DIR / "VERSION").read_text().strip()
    script = (FRONTEND_DIR / "nhsuk-frontend.min.js").read_text()
    assert f'const version="{vendored}"' in script


def test_vendored_frontend_keeps_its_licence():
    assert (FRONTEND_DIR / "LICENSE").read_text().startswith("MIT License")


def test_only_compiled_files_are_vendored():
    sources = [p for p in FRONTEND_DIR.rglob("*") if p.suffix in {".map", ".scss", ".njk", ".mjs"}]
    assert sources == []


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_stylesheet_loads_nothing_from_other_sites(stylesheet):
    css = stylesheet.read_text()
    assert "@import" not in css
    assert "@font-face" not in css
    assert [url for url in re.findall(r"url\(([^)]*)\)", css) if not is_on_this_site(url)] == []


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda path: path.name)
def test_every_file_a_stylesheet_points_to_exists(stylesheet):
    urls = [url.strip("'\"") for url in re.findall(r"url\(([^)]*)\)", stylesheet.read_text())]
    assert [url for url in urls if not (stylesheet.parent / url).is_file()] == []


def test_our_script_imports_the_vendored_module():
    imported = re.findall(r'from "([^"]+)"', (STATIC_DIR / "app.js").read_text())
    assert imported
    assert all((STATIC_DIR / path).resolve().is_file() for path in imported)


def test_every_icon_in_the_web_app_manifest_exists():
    manifest_path = FRONTEND_DIR / "assets" / "manifest.json"
    icon_paths = [icon["src"] for icon in json.loads(manifest_path.read_text())["icons"]]
    assert icon_paths
    assert [path for path in icon_paths if not (manifest_path.parent / path).is_file()] == []
