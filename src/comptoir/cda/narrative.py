"""The narrative block of a section (CDA `text`): what a person reads, the entries pointing into it by
`content/@ID`."""

from __future__ import annotations

from comptoir.cda.elements import Element, add


def table(text: Element, headers: tuple[str, ...]) -> Element:
    """A table with its header row under `text`; returns its `tbody`."""
    grid = add(text, "table", border="1")
    row = add(add(grid, "thead"), "tr")
    for header in headers:
        add(row, "th", header)
    return add(grid, "tbody")


def cell(row: Element, value: str, *, content_id: str | None = None) -> Element:
    """A `td`; with `content_id`, the value inside a `content` that an entry refers to as `#content_id`."""
    td = add(row, "td")
    if content_id is not None:
        add(td, "content", value, ID=content_id)
    elif value:
        td.text = value
    return td
