"""People using the service: one drives with a mouse, the other with the keyboard alone.

Both offer the same actions, so a journey written once can be walked either way.
"""

from __future__ import annotations

from dataclasses import dataclass

from playwright.sync_api import Download, Locator, Page, expect

#: enough presses to cross the header, a long form or a table of links, yet end a lost search
MOST_TABS = 200
IS_FOCUSED = "element => element === document.activeElement"
FOCUSED_DESCRIPTION = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "(nothing)";
  const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim();
  return `${el.tagName.toLowerCase()}#${el.id} "${text.replace(/\\s+/g, " ").slice(0, 40)}"`;
}"""


@dataclass
class MouseUser:
    """Points, clicks and types, as most people do."""

    page: Page

    def fill(self, field: Locator, text: str) -> None:
        """Type `text` into a field, replacing what was there."""
        field.fill(text)

    def choose(self, radio: Locator) -> None:
        """Choose one radio button."""
        radio.check()

    def tick(self, checkbox: Locator) -> None:
        """Tick a checkbox."""
        checkbox.check()

    def select(self, dropdown: Locator, option: str) -> None:
        """Pick an option in a drop-down by its text."""
        dropdown.select_option(label=option)

    def follow(self, control: Locator) -> None:
        """Click a link or button and wait for the page it leads to."""
        with self.page.expect_navigation():
            control.click()

    def download(self, link: Locator) -> Download:
        """Click a download link and return the file it fetched."""
        with self.page.expect_download() as fetched:
            link.click()
        return fetched.value


@dataclass
class KeyboardUser:
    """Uses Tab, arrow keys, Space, Enter and typing only, as many disabled people do."""

    page: Page

    def tab_to(self, target: Locator) -> None:
        """Press Tab until `target` has focus; fail, naming the stops, if it never gets it."""
        expect(target).to_be_visible()
        stops: list[str] = []
        for _ in range(MOST_TABS):
            self.page.keyboard.press("Tab")
            if target.evaluate(IS_FOCUSED):
                return
            stops.append(self.page.evaluate(FOCUSED_DESCRIPTION))
        raise AssertionError(f"Tab never reached {target}; focus went: {' > '.join(stops[-30:])}")

    def fill(self, field: Locator, text: str) -> None:
        """Tab to a text field, clear it and type."""
        self.tab_to(field)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def choose(self, radio: Locator) -> None:
        """Tab into the radio group, then move with the arrow keys to `radio` and choose it."""
        expect(radio).to_be_visible()
        group = radio.get_attribute("name")
        for _ in range(MOST_TABS):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("() => document.activeElement.name") == group:
                break
        else:
            raise AssertionError(f"Tab never reached the radio group {group!r}")
        for _ in range(20):
            if radio.evaluate(IS_FOCUSED):
                self.page.keyboard.press("Space")
                expect(radio).to_be_checked()
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"The arrow keys never reached {radio}")

    def tick(self, checkbox: Locator) -> None:
        """Tab to a checkbox and press Space."""
        self.tab_to(checkbox)
        self.page.keyboard.press("Space")
        expect(checkbox).to_be_checked()

    def select(self, dropdown: Locator, option: str) -> None:
        """Tab to a drop-down and press the down arrow until `option` is selected."""
        self.tab_to(dropdown)
        for _ in range(60):
            if dropdown.evaluate("el => el.options[el.selectedIndex].text.trim()") == option:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"The option {option!r} was never selected in {dropdown}")

    def follow(self, control: Locator) -> None:
        """Tab to a link or button, press Enter and wait for the page it leads to."""
        self.tab_to(control)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def download(self, link: Locator) -> Download:
        """Tab to a download link, press Enter and return the file it fetched."""
        self.tab_to(link)
        with self.page.expect_download() as fetched:
            self.page.keyboard.press("Enter")
        return fetched.value


Person = MouseUser | KeyboardUser
