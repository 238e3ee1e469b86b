"""Writing icalendar components out as RFC 5545 text: TEXT escaping, folding, assembling.

icalendar builds every content line; this module only corrects its TEXT escaping
and folds and joins the lines, faster than icalendar does, so that a calendar can
be assembled from pieces written (and cached) separately.
"""

import re

from icalendar import Component, vText

#: Control characters are not allowed in TEXT values (RFC 5545 3.3.11); tab and newline are.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_END_CALENDAR = b"END:VCALENDAR\r\n"


class _Text(vText):
    """TEXT escaped exactly as RFC 5545 3.3.11 says.

    icalendar turns a literal backslash-N in the text into a line break before
    escaping; here every backslash is escaped first, so the text reads back as given.
    """

    def to_ical(self):
        text = str(self).replace("\r\n", "\n").replace("\r", "\n")
        return (
            text.replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
            .encode(self.encoding)
        )


def text(value: str) -> vText:
    """A TEXT property value, without the control characters RFC 5545 forbids."""
    return _Text(_CONTROL.sub("", value or ""))


def display_name(name: str) -> str:
    """A CN parameter value. A double quote cannot appear in one except as RFC 6868's ^',
    which Outlook shows literally, so it becomes a single quote."""
    return _CONTROL.sub("", name or "").replace('"', "'")


def fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character.

    Like icalendar's folding, a backslash escape is not split across lines (some
    clients misread it); unlike it, this works on bytes: icalendar's walks every
    character in Python, which was half the time of a 1,000-meeting feed.
    """
    data = line.encode("utf-8")
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the character's start
            end -= 1
        backslashes = 0
        while end - backslashes > start and data[end - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2 and end - 1 > start:  # keep an escaping backslash with what it escapes
            end -= 1
        parts.append(data[start:end])
        start, limit = end, 74  # a continuation line starts with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts)


def serialise(component: Component) -> bytes:
    """A component (and its subcomponents) as icalendar writes its lines, folded, each ending in CRLF."""
    return b"".join(fold(line) + b"\r\n" for line in component.content_lines() if line)


def assemble(calendar: Component, *parts: bytes) -> bytes:
    """The VCALENDAR's own lines with already written components inside it."""
    head = serialise(calendar)
    assert head.endswith(_END_CALENDAR)
    return head[: -len(_END_CALENDAR)] + b"".join(parts) + _END_CALENDAR
