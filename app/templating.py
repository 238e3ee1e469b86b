"""Jinja filters and globals shared by every template."""

from app.meetings import formatting
from app.meetings.models import country_name
from app.meetings.services import get_registration_state


def register_template_helpers(app):
    app.add_template_filter(formatting.format_dates, "meeting_dates")
    app.add_template_filter(formatting.format_times, "meeting_times")
    app.add_template_filter(formatting.format_size, "filesize")
    app.add_template_filter(country_name, "country_name")
    app.add_template_global(formatting.format_time, "local_time")
    app.add_template_global(formatting.zone_abbreviation, "zone_abbreviation")
    app.add_template_global(formatting.format_day, "format_day")
    app.add_template_global(get_registration_state, "registration_state")
