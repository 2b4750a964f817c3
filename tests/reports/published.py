"""Read back what a board member is shown: count cells of a page, and strings of a PDF."""

import re
import zlib
from html.parser import HTMLParser

SMALL = re.compile(r"[1-4]")
#: elements with no end tag, which must not be waited for
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class CountCells(HTMLParser):
    """Collect the text of every element marked data-count."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self._open: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        counting = any(name == "data-count" for name, _ in attrs)
        self._open.append(counting)
        if counting:
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1]:
            self.cells[-1] += data


def count_cells(html: str) -> list[str]:
    parser = CountCells()
    parser.feed(html)
    return [" ".join(cell.split()) for cell in parser.cells]


def is_small(display: str) -> bool:
    """Tell whether a published count is one from 1 to 4."""
    return bool(SMALL.fullmatch(display.replace(",", "")))


def pdf_strings(document: bytes) -> list[str]:
    """Return the strings drawn on the PDF's pages, from its compressed content streams."""
    strings = []
    # fpdf2 ends a stream with a bare newline; the compressed bytes may themselves end in \r
    for stream in re.findall(rb"stream\r?\n(.*?)\nendstream", document, re.DOTALL):
        content = zlib.decompress(stream)
        for text in re.findall(rb"\(((?:[^\\)]|\\.)*)\) ?Tj", content):
            strings.append(re.sub(rb"\\(.)", rb"\1", text).decode("latin-1"))
    return strings
