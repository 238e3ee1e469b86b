"""VTIMEZONE components generated from the IANA zone data, shaped for every client.

icalendar's own generator (``Timezone.from_tzinfo``) lists each transition as a
dated observance with RDATEs. That is valid RFC 5545, but Outlook reads only
DTSTART, RRULE, TZOFFSETFROM and TZOFFSETTO of a VTIMEZONE (MS-STANOICAL 2.2.47)
and turns it into one yearly rule, so dated observances can land an hour off.
Here a zone whose transitions follow one yearly rule across the calendar's years
is written as two observances with an RRULE, as Outlook and Exchange write them;
any other zone (a one-off change of offset, a rule that changed) falls back to
dated observances, which every RFC 5545 reader resolves correctly.
"""

import calendar as _calendar_days
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

UTC_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"})
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _state(zone, instant):
    """(UTC offset, abbreviation, is summer time) of the zone at a UTC instant."""
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname() or "", bool(local.dst() and local.dst() > timedelta(0))


def _transitions(zone, start, end):
    """Every change of the zone's state between two UTC instants, to the second."""
    changes = []
    before, day = _state(zone, start), start
    while day < end:
        after = _state(zone, day + timedelta(days=1))
        if after != before:
            low, high = day, day + timedelta(days=1)
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _state(zone, middle) == before else (low, middle)
            changes.append((high, before, _state(zone, high)))
            before = _state(zone, high)
        day += timedelta(days=1)
    return changes


def _onset(instant, offset_from):
    """The wall-clock time at which an observance begins, in the offset it ends (RFC 5545 3.6.5)."""
    return (instant + offset_from).replace(tzinfo=None, microsecond=0)


def _weekday_rule(onsets):
    """'-1SU' or '2SU' when every onset is the same weekday of the same month at the same time."""
    first = onsets[0]
    if any((o.month, o.weekday(), o.time()) != (first.month, first.weekday(), first.time()) for o in onsets):
        return None
    ordinals = {(o.day - 1) // 7 + 1 for o in onsets}
    if all(o.day + 7 > _calendar_days.monthrange(o.year, o.month)[1] for o in onsets):
        return f"-1{_WEEKDAYS[first.weekday()]}"
    if len(ordinals) == 1:
        return f"{ordinals.pop()}{_WEEKDAYS[first.weekday()]}"
    return None


def _yearly_rules(changes, years):
    """Group the changes into yearly rules, or None when they do not follow one."""
    groups = {}
    for instant, before, after in changes:
        groups.setdefault((before[0], after), []).append(_onset(instant, before[0]))
    if not groups or len(groups) > 2:
        return None
    rules = []
    summer = max(after[0] for _, after in groups)
    for (offset_from, after), onsets in groups.items():
        byday = _weekday_rule(onsets)
        if byday is None or sorted(o.year for o in onsets) != list(years):
            return None
        # Outlook needs one STANDARD and one DAYLIGHT: the later clock is the summer one
        # (Ireland's zone data calls its winter time the 'daylight' one).
        state = (after[0], after[1], len(groups) == 2 and after[0] == summer)
        rules.append((offset_from, state, onsets[0], byday))
    return rules


def _observance(offset_from, state, onset, byday=None):
    offset_to, name, is_dst = state
    observance = TimezoneDaylight() if is_dst else TimezoneStandard()
    observance.add("TZNAME", name)
    observance.add("DTSTART", onset)
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", offset_to)
    if byday:
        observance.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": onset.month, "BYDAY": byday})
    else:
        # Redundant by RFC 5545, but some readers (the ical package) take onsets only from RDATE/RRULE.
        observance.add("RDATE", onset)
    return observance


@lru_cache(maxsize=512)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of an IANA zone, correct for local times from first_year to last_year.

    The zone data is read a year either side, so each observance starts before
    the first event. The result is shared: callers must not change it.
    """
    zone = ZoneInfo(tzid)
    start = datetime(first_year - 1, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 2, 1, 1, tzinfo=UTC)
    changes = _transitions(zone, start, end)
    component = Timezone()
    component.add("TZID", tzid)
    rules = _yearly_rules(changes, range(first_year - 1, last_year + 2))
    if rules:
        for offset_from, state, onset, byday in rules:
            component.add_component(_observance(offset_from, state, onset, byday))
        return component
    initial = _state(zone, start)
    component.add_component(_observance(initial[0], initial, _onset(start, initial[0])))
    for instant, before, after in changes:
        component.add_component(_observance(before[0], after, _onset(instant, before[0])))
    return component
