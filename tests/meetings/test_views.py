import io
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from app.extensions import db
from app.meetings.models import Domain, MeetingStatus, MeetingType
from tests.helpers.factories import make_document, make_meeting, make_past_meeting, make_session


def text_of(response):
    """The page's visible text, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_the_home_page_lists_upcoming_meetings_with_their_registration_state(client, now):
    open_ = make_meeting(
        title="Thematic Meeting on Trafficking",
        registration_opens_at=now - timedelta(days=1),
        dates=(date.today() + timedelta(days=3),) * 2,
    )
    full = make_meeting(
        title="Steering Committee Meeting",
        registration_opens_at=now - timedelta(days=1),
        capacity=2,
        seats_taken=2,
        dates=(date.today() + timedelta(days=4),) * 2,
    )
    later = make_meeting(
        title="Training on Document Fraud",
        registration_opens_at=now + timedelta(days=5),
        dates=(date.today() + timedelta(days=50),) * 2,
    )
    make_past_meeting(title="An old meeting")
    for path in ("/", "/meetings/"):
        page = text_of(client.get(path))
        assert page.index(open_.title) < page.index(full.title) < page.index(later.title)
        assert "Registration open" in page and "Registration full" in page and "not yet open" in page
        assert "An old meeting" not in page


def test_drafts_are_invisible_and_cancelled_meetings_marked(client):
    draft = make_meeting(title="Secret draft", status=MeetingStatus.DRAFT)
    cancelled = make_meeting(title="Cancelled workshop", status=MeetingStatus.CANCELLED)
    assert "Secret draft" not in client.get("/").text
    assert client.get(f"/meetings/{draft.slug}").status_code == 404
    listing = client.get("/").text
    assert "Cancelled workshop" in listing and "badge-cancelled" in listing
    page = client.get(f"/meetings/{cancelled.slug}")
    assert page.status_code == 200 and "This meeting has been cancelled." in page.text


def test_the_archive_paginates_twenty_a_page_newest_first(client):
    for i in range(45):
        make_past_meeting(days_ago=10 + i, title=f"Past meeting {i:02d}")
    first, third = client.get("/meetings/archive"), client.get("/meetings/archive?page=3")
    assert "Page 1 of 3" in text_of(first) and "Page 3 of 3" in text_of(third)
    assert text_of(first).index("Past meeting 00") < text_of(first).index("Past meeting 19")
    assert "Past meeting 20" not in first.text
    assert re.findall(r"Past meeting (\d\d)", third.text) == [str(i) for i in range(40, 45)]
    assert 'href="/meetings/archive?page=2"' in first.text
    assert client.get("/meetings/archive?page=4").status_code == 404


def test_archive_filters_combine_survive_pagination_and_live_in_the_url(client):
    for i in range(25):
        make_past_meeting(
            days_ago=30 + i,
            title=f"Return meeting {i}",
            domain=Domain.RETURN,
            meeting_type=MeetingType.THEMATIC_MEETING,
            country="IT",
            timezone="Europe/Rome",
        )
    make_past_meeting(title="Protection meeting", domain=Domain.PROTECTION, country="IT")
    make_past_meeting(title="Training on returns", domain=Domain.RETURN, meeting_type=MeetingType.TRAINING)
    page = client.get("/meetings/archive?domain=return&type=thematic-meeting&country=it")
    assert "25 meetings" in text_of(page) and "Page 1 of 2" in text_of(page)
    assert "Protection meeting" not in page.text and "Training on returns" not in page.text
    next_link = re.search(r'href="([^"]+)" rel="next"', page.text).group(1).replace("&amp;", "&")
    assert all(arg in next_link for arg in ("page=2", "type=thematic-meeting", "country=IT", "domain=return"))
    second = client.get(next_link)
    assert "Page 2 of 2" in text_of(second)
    assert '<option value="thematic-meeting" selected>' in second.text


def test_malformed_filters_are_dropped_with_a_notice_never_an_error(client):
    make_past_meeting(title="Still listed")
    page = client.get("/meetings/archive?page=abc&year=99999&type=concert&country=Narnia&domain=%00")
    assert page.status_code == 200
    text = text_of(page)
    assert "Still listed" in text
    for notice in (
        "page number is not valid",
        "Year “99999”",
        "Unknown meeting type “concert”",
        "Unknown country “Narnia”",
    ):
        assert notice in text


def test_text_search_finds_title_and_summary(client):
    make_past_meeting(title="People smuggling", summary="Networks.")
    make_past_meeting(title="Protection", summary="Smuggled migrants who need protection.")
    make_past_meeting(title="Return", summary="Reintegration.")
    text = text_of(client.get("/meetings/archive?q=SMUGGL"))
    assert "2 meetings" in text and "Reintegration" not in text


def test_a_meeting_page_shows_addis_ababa_times_in_eat(client):
    meeting = make_meeting(
        dates=(date(2016, 10, 19), date(2016, 10, 20)),
        times=(time(9), time(17, 30)),
        chair="Ethiopia",
        co_chairs="Italy",
        theme="Return, readmission and reintegration",
        domain=Domain.RETURN,
    )
    make_session(
        meeting,
        date(2016, 10, 19),
        "10:30",
        "13:00",
        "Session 1: Cooperation on return",
        speakers="IOM; Sweden",
        moderators="Italy",
        room="Hall Africa",
    )
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert "19–20 October 2016" in page
    assert "09:00–17:30 EAT" in page
    assert "10:30 – 13:00 EAT Session 1: Cooperation on return" in page
    assert "Speakers: IOM; Sweden" in page and "Moderator: Italy" in page and "Room: Hall Africa" in page
    for fact in ("Chair Ethiopia", "Co-chairs Italy", "Host Ethiopia", "5. Return, readmission and reintegration"):
        assert fact in page


@pytest.mark.parametrize(
    "day, expected", [(date(2027, 1, 28), "09:30–17:00 CET"), (date(2027, 7, 8), "09:30–17:00 CEST")]
)
def test_rome_times_follow_european_summer_time(client, day, expected):
    meeting = make_meeting(
        timezone="Europe/Rome", city="Rome", country="IT", dates=(day, day), times=(time(9, 30), time(17))
    )
    make_session(meeting, day, "09:30", "11:00", "Opening")
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    assert expected in page
    assert f"09:30 – 11:00 {expected.split()[-1]} Opening" in page


def test_a_meeting_without_dates_still_renders(client):
    meeting = make_meeting(dates=(), title="Senior Officials' Meeting 2027")
    page = client.get(f"/meetings/{meeting.slug}")
    assert page.status_code == 200 and "Dates to be confirmed" in page.text


def test_descriptions_are_markdown_without_scripts(client):
    meeting = make_meeting(
        description=(
            "## Aim\n\n**Bold** and [a link](https://example.org).\n\n<script>alert('x')</script>\n\n"
            "[click](javascript:alert(1)) <img src=x onerror=alert(2)>"
        )
    )
    html = client.get(f"/meetings/{meeting.slug}").text
    description = html.split('<section class="description"', 1)[1].split("</section>", 1)[0]
    assert "<h3>Aim</h3>" in description and "<strong>Bold</strong>" in description
    assert 'href="https://example.org"' in description
    assert "<script" not in description and "<img" not in description
    assert not re.search(r'href="javascript:', description)
    assert "&lt;script&gt;" in description  # shown as text, not run


def test_documents_download_with_their_type_and_name(client):
    meeting = make_past_meeting()
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Joint conclusions of the meeting")
    data = bytes(pdf.output())
    document = make_document(
        meeting, data, title="Conclusions conjointes", filename="conclusions-conjointes.pdf", language="fr"
    )
    page = client.get(f"/meetings/{meeting.slug}")
    assert "Conclusions conjointes" in page.text and "FR" in page.text
    url = f"/meetings/{meeting.slug}/documents/{document.id}/conclusions-conjointes.pdf"
    assert url in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "conclusions-conjointes.pdf" in response.headers["Content-Disposition"]
    assert "Joint conclusions" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(f"/meetings/{meeting.slug}/documents/{document.id + 1}/x.pdf").status_code == 404
    other = make_past_meeting()
    assert client.get(f"/meetings/{other.slug}/documents/{document.id}/conclusions-conjointes.pdf").status_code == 404


def test_unknown_pages_are_404_pages(client):
    response = client.get("/meetings/no-such-meeting")
    assert response.status_code == 404 and "no published meeting" in response.text


def test_pages_revalidate_with_etags_and_change_when_a_meeting_does(app, client):
    meeting = make_meeting(title="Before")
    first = client.get("/")
    assert client.get("/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    meeting.title = "After"
    db.session.commit()
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "After" in again.text


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 300}])
def test_the_page_cache_is_invalidated_when_a_meeting_changes(client, config_overrides):
    meeting = make_meeting(title="Cached title")
    assert "Cached title" in client.get(f"/meetings/{meeting.slug}").text
    meeting.title = "Fresh title"
    db.session.commit()
    assert "Fresh title" in client.get(f"/meetings/{meeting.slug}").text
    make_session(meeting, meeting.start_date, "09:00", "10:00", "A new session")
    assert "A new session" in client.get(f"/meetings/{meeting.slug}").text


@pytest.mark.parametrize("config_overrides", [{"PAGE_CACHE_SECONDS": 300}])
def test_a_visitors_flashed_message_is_never_served_to_others(app, config_overrides):
    meeting = make_meeting()
    visitor, other = app.test_client(), app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("success", "Your registration has been cancelled.")]
    assert "Your registration has been cancelled." in visitor.get(f"/meetings/{meeting.slug}").text
    assert "Your registration has been cancelled." not in other.get(f"/meetings/{meeting.slug}").text


# --- When registration opens and closes, and the calendar file, as the pages say it ----------

#: A year ahead of any day the tests run on; the instants of 2026 below are behind every run.
YEAR = date.today().year + 1


def at(zone: str, *fields) -> datetime:
    """An instant given as a local time in ``zone``."""
    return datetime(*fields, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def pages_of(client, meeting) -> tuple[str, str]:
    """The visible text of the meeting's page and of the upcoming list (holding its card)."""
    return text_of(client.get(f"/meetings/{meeting.slug}")), text_of(client.get("/"))


def addis_ababa(**fields):
    return make_meeting(dates=(date(YEAR, 12, 16), date(YEAR, 12, 17)), times=(time(9), time(17, 30)), **fields)


def rome(day: date, **fields):
    return make_meeting(
        timezone="Europe/Rome", city="Rome", country="IT", dates=(day, day), times=(time(9, 30), time(17)), **fields
    )


def test_before_the_window_opens_both_pages_say_when_it_opens_in_eat(client):
    meeting = addis_ababa(
        registration_opens_at=at("Africa/Addis_Ababa", YEAR, 12, 1, 9),
        registration_closes_at=at("Africa/Addis_Ababa", YEAR, 12, 15, 9),
    )
    expected = f"Registration Registration not yet open Registration opens on 1 December {YEAR} at 09:00 EAT."
    for page in pages_of(client, meeting):
        assert expected in page
        assert "Registration closes on" not in page and "Register " not in page


@pytest.mark.parametrize("month, zone", [(1, "CET"), (7, "CEST")])
def test_rome_says_when_registration_opens_in_cet_or_cest(client, month, zone):
    meeting = rome(date(YEAR, month, 28), registration_opens_at=at("Europe/Rome", YEAR, month, 10, 9, 30))
    month_name = date(YEAR, month, 1).strftime("%B")
    for page in pages_of(client, meeting):
        assert f"Registration opens on 10 {month_name} {YEAR} at 09:30 {zone}." in page


def test_while_open_both_pages_say_when_it_closes_in_summer_time(client):
    meeting = rome(
        date(YEAR, 4, 20),
        registration_opens_at=at("Europe/Rome", 2026, 1, 10, 9),  # in winter time, and behind us
        registration_closes_at=at("Europe/Rome", YEAR, 4, 10, 17, 30),
    )
    page, listing = pages_of(client, meeting)
    sentence = f"Registration closes on 10 April {YEAR} at 17:30 CEST."
    assert f"Registration Registration open Register {sentence}" in page
    assert f"Registration Registration open {sentence}" in listing
    assert "Registration opens on" not in page + listing


def test_a_full_meeting_and_one_without_a_closing_time_say_when_registration_closes(client):
    full = addis_ababa(registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9), capacity=3, seats_taken=3)
    page, listing = pages_of(client, full)
    sentence = f"Registration closes on 17 December {YEAR} at 17:30 EAT."  # when the meeting ends
    assert f"Registration full (waiting list) Register {sentence}" in page
    assert f"Registration full (waiting list) {sentence}" in listing


def test_after_the_window_closes_both_pages_say_when_it_closed(client):
    meeting = rome(
        date(YEAR, 1, 28),
        registration_opens_at=at("Europe/Rome", 2026, 2, 1, 9),
        registration_closes_at=at("Europe/Rome", 2026, 3, 2, 17, 30),
    )
    for page in pages_of(client, meeting):
        assert "Registration Registration closed Registration closed on 2 March 2026 at 17:30 CET." in page
        assert "Register " not in page


def test_a_meeting_without_online_registration_says_nothing_of_it(client):
    meeting = addis_ababa()
    page, listing = pages_of(client, meeting)
    assert meeting.title in listing and "Add to calendar" in page
    for text in (page, listing):
        assert "Registration" not in text  # no fact about it, no sentence


def test_a_cancelled_meeting_says_nothing_of_its_window_and_offers_no_calendar(client):
    meeting = addis_ababa(
        status=MeetingStatus.CANCELLED,
        registration_opens_at=at("Africa/Addis_Ababa", 2026, 1, 10, 9),
        registration_closes_at=at("Africa/Addis_Ababa", YEAR, 12, 15, 9),
    )
    html = client.get(f"/meetings/{meeting.slug}").text
    page, listing = pages_of(client, meeting)
    assert "This meeting has been cancelled." in page and "Cancelled" in listing
    assert not any(sentence in text for sentence in ("opens on", "closes on", "closed on") for text in (page, listing))
    assert ".ics" not in html and "Add to calendar" not in page and "Download calendar file" not in page
    assert "Registration" not in listing.split(meeting.title, 1)[1]  # the card shows no registration


def test_a_past_meeting_says_when_registration_closed_and_offers_only_a_neutral_calendar_file(client):
    meeting = make_past_meeting(timezone="Europe/Rome", city="Rome", country="IT")
    closes = datetime.combine(meeting.start_date - timedelta(days=10), time(17, 30), ZoneInfo("Europe/Rome"))
    meeting.registration_opens_at = closes - timedelta(days=30)
    meeting.registration_closes_at = closes
    db.session.commit()
    make_session(meeting, meeting.start_date, "09:00", "10:00")
    html = client.get(f"/meetings/{meeting.slug}").text
    page = text_of(client.get(f"/meetings/{meeting.slug}"))
    day = f"{closes.day} {closes:%B} {closes.year}"
    assert f"Registration closed on {day} at 17:30 {closes.tzname()}." in page
    assert "Add to calendar" not in page and "Programme in your calendar" not in page
    link = re.search(
        r'<a class="button button-secondary" href="([^"]+)" download>Download calendar file \(\.ics\)</a>', html
    )
    assert link and link.group(1) == f"/meetings/{meeting.slug}.ics"
    assert client.get(link.group(1)).status_code == 200  # the file is there
    assert meeting.title not in text_of(client.get("/"))
