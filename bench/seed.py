"""Prepares the benchmark database: ``reset`` empties it, ``load`` adds the meetings.

    python bench/seed.py reset            # create database `bench` if missing, drop every table
    flask db upgrade                      # (run.sh) the real migrations
    python bench/seed.py load --count 500 # the meetings; prints shell assignments for run.sh

Both read DATABASE_URL and refuse any database whose name does not start with
"bench", so the test suite's database is never touched. The meetings are built
with ``app.demo.loader.build_meeting`` from generated specs: mostly past, some
upcoming, a few cancelled or with dates to be confirmed, spread over types,
countries, domains and the years since 2010, each with a programme and a
document or two (real PDF bytes in the shared storage).
"""

import argparse
import os
import random
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

# (city, country, IANA zone, venue)
PLACES = [
    ("Addis Ababa", "ET", "Africa/Addis_Ababa", "United Nations Conference Centre"),
    ("Khartoum", "SD", "Africa/Khartoum", "Corinthia Hotel"),
    ("Nairobi", "KE", "Africa/Nairobi", "Kenyatta International Convention Centre"),
    ("Kampala", "UG", "Africa/Kampala", "Speke Resort Munyonyo"),
    ("Djibouti", "DJ", "Africa/Djibouti", "Palais du Peuple"),
    ("Cairo", "EG", "Africa/Cairo", "Cairo International Convention Centre"),
    ("Tunis", "TN", "Africa/Tunis", "Ministry of Foreign Affairs"),
    ("Juba", "SS", "Africa/Juba", "Ministry of Foreign Affairs"),
    ("Rome", "IT", "Europe/Rome", "Ministry of Foreign Affairs and International Cooperation"),
    ("Brussels", "BE", "Europe/Brussels", "Charlemagne Building"),
    ("Berlin", "DE", "Europe/Berlin", "Federal Foreign Office"),
    ("Valletta", "MT", "Europe/Malta", "Mediterranean Conference Centre"),
    ("The Hague", "NL", "Europe/Amsterdam", "World Forum"),
    ("Paris", "FR", "Europe/Paris", "Centre de conférences ministériel"),
    ("London", "GB", "Europe/London", "Lancaster House"),
    ("Stockholm", "SE", "Europe/Stockholm", "Rosenbad"),
]
# (type, weight): thematic meetings and steering committees are the most frequent.
TYPES = [
    ("thematic-meeting", 25),
    ("steering-committee", 20),
    ("senior-officials-meeting", 15),
    ("thematic-workshop", 12),
    ("training", 12),
    ("informal-working-group", 8),
    ("stock-taking", 8),
]
TITLES = {
    "thematic-meeting": "Thematic Meeting on {theme}",
    "steering-committee": "Steering Committee Meeting",
    "senior-officials-meeting": "Senior Officials' Meeting",
    "thematic-workshop": "Thematic Workshop on {theme}",
    "training": "Training on {theme}",
    "informal-working-group": "Informal Working Group",
    "stock-taking": "Technical stock-taking meeting",
}
# (theme, domain)
THEMES = [
    ("people smuggling", "irregular-migration"),
    ("trafficking in human beings", "irregular-migration"),
    ("document fraud", "irregular-migration"),
    ("return and reintegration", "return"),
    ("readmission procedures", "return"),
    ("protection and asylum", "protection"),
    ("durable solutions for refugees", "protection"),
    ("labour mobility", "legal-migration"),
    ("diaspora engagement", "development"),
    ("root causes of irregular migration", "development"),
    ("migration data", None),
    ("border management", "irregular-migration"),
]
SESSION_TITLES = [
    "Opening and welcome",
    "State of play",
    "Experiences from the region",
    "Working groups",
    "Cooperation across borders",
    "The role of partner organisations",
    "Case studies",
    "Recommendations",
    "Conclusions of the Chair",
]
SPEAKERS = [
    "IOM",
    "UNHCR",
    "UNODC",
    "European Commission",
    "African Union Commission",
    "IGAD",
    "ICMPD",
    "Europol",
    "World Bank",
    "Interpol",
]
SLOTS = [("09:00", "10:30"), ("11:00", "12:30"), ("14:00", "15:30"), ("16:00", "17:30")]
DOCUMENTS = [
    ("Chair's conclusions", "joint-conclusions", "en"),
    ("Conclusions conjointes", "joint-conclusions", "fr"),
    ("Final programme", "programme", "en"),
    ("Meeting report", "report", "en"),
    ("Mapping of national practices", "mapping", "en"),
    ("Concept note", "other", "en"),
]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    name = (make_url(url).database or "") if url else ""
    if not name.startswith("bench"):
        sys.exit(f"seed.py: refusing to use database {name!r}; DATABASE_URL must name a database called bench*")
    return url


def reset():
    """Create the benchmark database if it is missing, then drop everything in it."""
    url = make_url(_database_url())
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}):
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _sessions(rng, days, room):
    sessions = []
    for offset in range(days):
        for begins, ends in rng.sample(SLOTS, rng.randint(2, 4)):
            sessions.append(
                (
                    offset,
                    begins,
                    ends,
                    rng.choice(SESSION_TITLES),
                    "; ".join(rng.sample(SPEAKERS, rng.randint(0, 3))),
                    rng.choice(["", "Chair"]),
                    room,
                )
            )
    return sessions


def make_spec(index: int, rng: random.Random, now: datetime, upcoming: bool) -> dict:
    """One meeting as a dict in the shape of ``app.demo.data``."""
    meeting_type = rng.choices([t for t, _ in TYPES], [w for _, w in TYPES])[0]
    theme, domain = rng.choice(THEMES)
    city, country, zone, venue = rng.choice(PLACES)
    today = now.date()
    if upcoming:
        start = today + timedelta(days=rng.randint(3, 540))
    else:
        start = date(2010, 1, 1) + timedelta(days=rng.randint(0, (today - date(2010, 1, 8)).days))
    days = rng.choice([1, 1, 2, 2, 2, 3])
    spec = dict(
        slug=f"bench-{meeting_type}-{city.lower().replace(' ', '-')}-{start.year}-{index}",
        title=TITLES[meeting_type].format(theme=theme),
        type=meeting_type,
        tz=zone,
        dates=(start, start + timedelta(days=days - 1)),
        times=(time(9, 0), time(17, 30)),
        venue=venue,
        city=city,
        country=country,
        host=country,
        chair=rng.choice(["Ethiopia", "Italy", "Kenya", "Germany", "Sudan", "France", "Egypt", "Netherlands"]),
        co_chairs=rng.choice(["", "European Commission", "African Union Commission"]),
        theme=theme.capitalize(),
        domain=domain,
        summary=f"Delegations from the Horn of Africa and Europe met in {city} to work on {theme}: "
        f"what works, what does not, and what members will do next.",
        description=f"The meeting addressed **{theme}**.\n\nParticipants discussed:\n\n"
        + "".join(f"- {t.lower()};\n" for t in rng.sample(SESSION_TITLES, 3))
        + f"\nIt was hosted in {city} and chaired by the partners named above. "
        "The conclusions are published below.",
        sessions=_sessions(rng, days, venue.split()[0] + " Hall"),
        documents=rng.sample(DOCUMENTS, 1 if upcoming else rng.randint(1, 2)),
    )
    if rng.random() < 0.1:  # all-day meeting: dates only
        spec["times"] = (None, None)
        spec["sessions"] = []
    if rng.random() < 0.5:
        spec["registration"] = dict(
            open_days_before=rng.choice([30, 60]), close_days_before=3, capacity=rng.choice([None, 40, 120])
        )
    if upcoming and rng.random() < 0.1:  # announced, dates to be confirmed
        for key in ("dates", "times", "registration"):
            spec.pop(key, None)
        spec["sessions"] = []
    spec["cancelled"] = rng.random() < 0.03
    return spec


def load(count: int, upcoming_share: float):
    """Add ``count`` meetings and print the URLs' parameters as shell assignments."""
    from app import create_app
    from app.demo.loader import build_meeting
    from app.extensions import db
    from app.meetings import services
    from app.meetings.models import Meeting, MeetingType

    _database_url()
    rng = random.Random(2016)
    now = datetime.now(UTC)
    app = create_app()
    with app.app_context():
        batch = []
        for index in range(count):
            batch.append(build_meeting(make_spec(index, rng, now, rng.random() < upcoming_share), now))
            if len(batch) == 100:
                db.session.add_all(batch)
                db.session.commit()
                batch = []
        db.session.add_all(batch)
        db.session.commit()
        # A database in service has been vacuumed and analysed; a freshly loaded one has not.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))

        # The archive URL: page 3 of the type with the most past meetings (it must have 3+ pages).
        best = max(MeetingType, key=lambda t: services.list_past(now, services.ArchiveFilters(meeting_type=t), 1).total)
        pages = services.list_past(now, services.ArchiveFilters(meeting_type=best), 1).pages
        if pages < 3:
            sys.exit(f"seed.py: the archive of {best.value} has only {pages} pages; load more meetings")
        # The meeting page: a past meeting with a full programme and two documents.
        candidates = [
            m
            for m in db.session.scalars(select(Meeting).order_by(Meeting.id))
            if len(m.sessions) >= 4 and len(m.documents) == 2 and m.is_public
        ]
        upcoming = len(services.list_upcoming(now))
        print(f"ARCHIVE_TYPE={best.value}")
        print(f"ARCHIVE_PAGES={pages}")
        print(f"MEETING_SLUG={candidates[0].slug}")
        print(f"UPCOMING_COUNT={upcoming}")
        print(f"MEETING_COUNT={db.session.scalar(select(db.func.count(Meeting.id)))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["reset", "load"])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--upcoming-share", type=float, default=0.08)
    args = parser.parse_args()
    if args.command == "reset":
        reset()
    else:
        load(args.count, args.upcoming_share)


if __name__ == "__main__":
    main()
