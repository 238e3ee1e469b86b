"""The meeting editor's forms: their shape; app.meetings.editing checks the rules."""

import re
from datetime import UTC, date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from app import countries
from app.locale import interface_locale
from app.manage.forms import multi_line, single_line
from app.meetings.editing import MAX_SEATS, TEXT_FIELDS, MeetingData
from app.meetings.models import CONTENT_LANGUAGES, Domain, Eligibility, MeetingType

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_TIME = re.compile(r"\d{2}:\d{2}(:\d{2})?", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", re.ASCII)
_NUMBER = re.compile(r"\d{1,7}", re.ASCII)
#: Each language by its own name, as the language menus show them.
CONTENT_LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}
LENGTHS = {"title": 300, "theme": 300, "venue": 300, "summary": 5000, "description": 50000}


def _strip(value):
    return (value or "").strip()


class _ParsedField(StringField):
    """A text input whose value is parsed strictly (ASCII digits only); ``value`` is the result."""

    pattern: re.Pattern
    message = lazy_gettext("Enter a valid value.")

    def __init__(self, *args, input_type="text", **kwargs):
        kwargs.setdefault("filters", [_strip])
        super().__init__(*args, **kwargs)
        self.input_type = input_type
        self.value = None

    def _parse(self, raw: str):
        raise NotImplementedError

    def process_data(self, value):
        self.value = value
        self.data = self._show(value) if value is not None else ""

    def _show(self, value) -> str:
        return value.isoformat()

    def pre_validate(self, form):
        raw = self.data or ""
        self.value = None
        if not raw:
            return
        if len(raw) > 32 or not self.pattern.fullmatch(raw):
            raise ValidationError(self.message)
        try:
            self.value = self._parse(raw)
        except ValueError:
            raise ValidationError(self.message) from None

    def __call__(self, **kwargs):
        kwargs.setdefault("type", self.input_type)
        return super().__call__(**kwargs)


class DayField(_ParsedField):
    pattern = _DATE
    message = lazy_gettext("Enter a date as YYYY-MM-DD, for example 2027-03-14.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_type="date", **kwargs)

    def _parse(self, raw):
        return date.fromisoformat(raw)


class ClockField(_ParsedField):
    pattern = _TIME
    message = lazy_gettext("Enter a time as HH:MM, for example 09:30.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_type="time", **kwargs)

    def _parse(self, raw):
        return time.fromisoformat(raw)

    def _show(self, value):
        return value.strftime("%H:%M")


class LocalDateTimeField(_ParsedField):
    pattern = _DATETIME
    message = lazy_gettext("Enter a date and time, for example 2027-03-14T09:30.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_type="datetime-local", **kwargs)

    def _parse(self, raw):
        return datetime.fromisoformat(raw.replace(" ", "T"))

    def _show(self, value):
        return value.strftime("%Y-%m-%dT%H:%M")


class NumberField(_ParsedField):
    pattern = _NUMBER
    message = lazy_gettext("Enter a whole number, for example 120, or leave it empty.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, input_type="text", **kwargs)

    def _parse(self, raw):
        number = int(raw)
        if number > MAX_SEATS:
            raise ValueError(raw)
        return number

    def _show(self, value):
        return str(value)

    def __call__(self, **kwargs):
        kwargs.setdefault("inputmode", "numeric")
        return super().__call__(**kwargs)


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def _offset(name: str, now: datetime) -> str:
    delta = now.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_choices(now: datetime) -> list[SelectChoice]:
    """Every IANA zone with its current offset: "Africa/Addis_Ababa (UTC+03:00)"."""
    return [SelectChoice(name, f"{name} ({_offset(name, now)})") for name in _zone_names()]


def _text_fields(cls):
    """title_en, title_fr, title_ar, theme_en... on the form class."""
    for name in TEXT_FIELDS:
        for language in CONTENT_LANGUAGES:
            multi = name in ("summary", "description")
            label = {
                "title": lazy_gettext("Title"),
                "theme": lazy_gettext("Theme"),
                "summary": lazy_gettext("Summary"),
                "description": lazy_gettext("Description (Markdown)"),
                "venue": lazy_gettext("Venue"),
            }[name]
            field_class = TextAreaField if multi else StringField
            setattr(
                cls,
                f"{name}_{language}",
                field_class(
                    label,
                    default="",
                    filters=[_strip],
                    validators=[Length(max=LENGTHS[name]), multi_line if multi else single_line],
                    render_kw={
                        "lang": language,
                        "dir": "rtl" if language == "ar" else "ltr",
                        **({"rows": 12} if name == "description" else {}),
                    },
                ),
            )
    return cls


def _line(label, length, **kwargs):
    return StringField(label, default="", filters=[_strip], validators=[Length(max=length), single_line], **kwargs)


@_text_fields
class MeetingForm(FlaskForm):
    original_language = SelectField(
        lazy_gettext("Original language"),
        default="en",
        description=lazy_gettext("The language the texts are first written in; the others are its translations."),
    )
    meeting_type = SelectField(lazy_gettext("Type of meeting"))
    dates_to_be_confirmed = BooleanField(lazy_gettext("The dates are to be confirmed"))
    start_date = DayField(lazy_gettext("First day"))
    end_date = DayField(lazy_gettext("Last day"), description=lazy_gettext("Leave empty for a one-day meeting."))
    start_time = ClockField(
        lazy_gettext("Daily start time"), description=lazy_gettext("Optional: without times the meeting is all-day.")
    )
    end_time = ClockField(lazy_gettext("Daily end time"))
    # A text box searching the list of zones (<datalist>): the service refuses any other name.
    timezone = StringField(
        lazy_gettext("Time zone of the venue"),
        default="UTC",
        filters=[lambda value: (value or "").strip()[:64]],
        description=lazy_gettext("Type a city or region to search the zones, such as Addis or Rome."),
        render_kw={"list": "zones", "autocomplete": "off", "spellcheck": "false"},
    )
    city = _line(lazy_gettext("City"), 120)
    country = SelectField(lazy_gettext("Country"))
    host_country = SelectField(lazy_gettext("Host country"))
    chair = _line(lazy_gettext("Chair"), 300)
    co_chairs = _line(lazy_gettext("Co-chairs"), 300)
    domain = SelectField(lazy_gettext("Domain of the action plan"))
    registration_opens = LocalDateTimeField(
        lazy_gettext("Registration opens"), description=lazy_gettext("In the meeting's time zone.")
    )
    registration_closes = LocalDateTimeField(
        lazy_gettext("Registration closes"), description=lazy_gettext("In the meeting's time zone.")
    )
    capacity = NumberField(lazy_gettext("Seats"), description=lazy_gettext("Leave empty for no limit."))
    delegation_quota = NumberField(
        lazy_gettext("Most delegates per delegation"), description=lazy_gettext("Leave empty for no quota.")
    )
    requires_approval = BooleanField(lazy_gettext("Each registration is approved by the organisers"))
    #: Offered with the preview of a change to a meeting with registrations.
    move_sessions = BooleanField(lazy_gettext("Move the programme's sessions with the dates"), default=True)
    invitation_code = _line(
        lazy_gettext("Invitation code"),
        64,
        description=lazy_gettext("When set, the registration form asks for it."),
    )
    eligibility = SelectField(lazy_gettext("Who may register"))
    slug = StringField(
        lazy_gettext("Address"),
        default="",
        filters=[_strip],
        validators=[Length(max=120), single_line],
        description=lazy_gettext("The last part of the meeting's web address: lower-case letters, digits, hyphens."),
    )

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        locale = interface_locale()
        self.original_language.choices = [
            SelectChoice(code, CONTENT_LANGUAGE_NAMES[code]) for code in CONTENT_LANGUAGES
        ]
        self.meeting_type.choices = [SelectChoice(kind.value, kind.label) for kind in MeetingType]
        #: The zones the text box offers, each with its current offset.
        self.zone_options = zone_choices(now or datetime.now(UTC))
        country_list = [SelectChoice(code, name) for code, name in countries.ordered(locale)]
        self.country.choices = [SelectChoice("", lazy_gettext("Not yet known")), *country_list]
        self.host_country.choices = [SelectChoice("", lazy_gettext("Not yet known")), *country_list]
        self.domain.choices = [
            SelectChoice("", lazy_gettext("None")),
            *(SelectChoice(d.value, d.label) for d in Domain),
        ]
        self.eligibility.choices = [SelectChoice(e.value, e.label) for e in Eligibility]

    def fill(self, data: MeetingData) -> None:
        """Show ``data`` (the meeting as it is) in the fields."""
        for name in TEXT_FIELDS:
            for language in CONTENT_LANGUAGES:
                self[f"{name}_{language}"].data = data.text(language, name)
        self.original_language.data = data.original_language
        self.meeting_type.data = data.meeting_type.value
        self.dates_to_be_confirmed.data = data.start_date is None
        for name in ("start_date", "end_date", "start_time", "end_time", "registration_opens", "registration_closes"):
            self[name].process_data(getattr(data, name))
        for name in ("capacity", "delegation_quota"):
            self[name].process_data(getattr(data, name))
        self.timezone.data = data.timezone
        for name in ("city", "country", "host_country", "chair", "co_chairs", "invitation_code"):
            self[name].data = getattr(data, name) or ""
        self.domain.data = data.domain.value if data.domain else ""
        self.requires_approval.data = data.requires_approval
        self.eligibility.data = data.eligibility.value
        self.slug.data = data.slug or ""

    def data_for_service(self, *, with_slug: bool) -> MeetingData:
        texts = {
            language: {name: self[f"{name}_{language}"].data or "" for name in TEXT_FIELDS}
            for language in CONTENT_LANGUAGES
        }
        tbc = self.dates_to_be_confirmed.data
        return MeetingData(
            texts=texts,
            original_language=self.original_language.data,
            meeting_type=MeetingType(self.meeting_type.data),
            timezone=self.timezone.data,
            start_date=None if tbc else self.start_date.value,
            end_date=None if tbc else self.end_date.value,
            start_time=None if tbc else self.start_time.value,
            end_time=None if tbc else self.end_time.value,
            city=self.city.data,
            country=self.country.data,
            host_country=self.host_country.data,
            chair=self.chair.data,
            co_chairs=self.co_chairs.data,
            domain=Domain(self.domain.data) if self.domain.data else None,
            registration_opens=self.registration_opens.value,
            registration_closes=self.registration_closes.value,
            capacity=self.capacity.value,
            delegation_quota=self.delegation_quota.value,
            requires_approval=bool(self.requires_approval.data),
            invitation_code=self.invitation_code.data or "",
            eligibility=Eligibility(self.eligibility.data),
            slug=(self.slug.data or None) if with_slug else None,
        )

    def validate_start_date(self, field):
        if not self.dates_to_be_confirmed.data and not field.data:
            raise ValidationError(lazy_gettext("Give the first day, or say the dates are to be confirmed."))

    PAGE_ORDER = (
        "original_language",
        *(f"{name}_{language}" for name in ("title",) for language in CONTENT_LANGUAGES),
        "meeting_type",
        "dates_to_be_confirmed",
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "timezone",
        *(f"venue_{language}" for language in CONTENT_LANGUAGES),
        "city",
        "country",
        "host_country",
        "chair",
        "co_chairs",
        *(f"{name}_{language}" for name in ("theme", "summary", "description") for language in CONTENT_LANGUAGES),
        "domain",
        "registration_opens",
        "registration_closes",
        "capacity",
        "delegation_quota",
        "requires_approval",
        "invitation_code",
        "eligibility",
        "slug",
    )

    def in_page_order(self):
        return [self[name] for name in self.PAGE_ORDER]


class DuplicateForm(FlaskForm):
    start_date = DayField(lazy_gettext("First day of the new meeting"))

    def validate_start_date(self, field):
        if not field.data:
            raise ValidationError(lazy_gettext("Give the first day of the new meeting."))

    def in_page_order(self):
        return [self.start_date]
