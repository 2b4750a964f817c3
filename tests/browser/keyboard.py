"""Drive a page with the keyboard alone: Tab to a control, then type, Space or Enter."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

#: enough presses to cross the header, a long form or a table of links, yet end a lost search
MOST_TABS = 150
IS_FOCUSED = "element => element === document.activeElement"
FOCUSED_DESCRIPTION = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(nothing)";
  const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  return `${el.tagName.toLowerCase()}#${el.id} "${text.slice(0, 40)}"`;
}"""


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has focus; fail, naming the stops, if it never gets it."""
    target.wait_for()
    stops: list[str] = []
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate(IS_FOCUSED):
            return
        stops.append(page.evaluate(FOCUSED_DESCRIPTION))
    raise AssertionError(f"Tab never reached {target}; focus went: {' > '.join(stops[-30:])}")


def follow(page: Page, target: Locator) -> None:
    """Tab to a link or button and press Enter, waiting for the page it leads to."""
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fill(page: Page, field: Locator, text: str) -> None:
    """Tab to a text field and type into it."""
    tab_to(page, field)
    page.keyboard.type(text)


def tick(page: Page, checkbox: Locator) -> None:
    """Tab to a checkbox and press Space to tick it."""
    tab_to(page, checkbox)
    page.keyboard.press("Space")


def choose(page: Page, radio: Locator) -> None:
    """Tab into a radio group, then use the arrow keys until `radio` is chosen."""
    group = radio.get_attribute("name")
    radio.wait_for()
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == group:
            break
    else:
        raise AssertionError(f"Tab never reached the radio group {group!r}")
    for _ in range(20):
        if radio.evaluate(IS_FOCUSED):
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"The arrow keys never reached {radio}")


def select_option(page: Page, select: Locator, label: str) -> None:
    """Tab to a drop-down and press the arrow keys until the option `label` is selected."""
    tab_to(page, select)
    for _ in range(60):
        if select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"The option {label!r} was never selected in {select}")
