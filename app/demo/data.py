"""Demo meetings: the Khartoum Process history of 2016-2018 and a few upcoming meetings.

Summaries and programmes are written for this demo; the facts (dates, places,
chairs) come from the Process's public record. Upcoming meetings are placed a number
of days after the day the demo is loaded, so the first page is never empty. ``CONTENT``
holds the meetings' texts in French (every meeting the home page shows) and Arabic.
"""

from datetime import date, time

# Each session: (day offset from the first day, start, end, title, speakers, moderators, room)
PAST = [
    dict(
        slug="1st-thematic-meeting-people-smuggling-khartoum-2016",
        title="1st Thematic Meeting on People Smuggling",
        type="thematic-meeting",
        tz="Africa/Khartoum",
        dates=(date(2016, 5, 24), date(2016, 5, 25)),
        times=(time(9, 0), time(17, 30)),
        venue="Corinthia Hotel",
        city="Khartoum",
        country="SD",
        host="SD",
        chair="United Kingdom",
        co_chairs="Sudan",
        theme="Fighting the smuggling of migrants",
        domain="irregular-migration",
        summary="Experts from the Horn of Africa and Europe compared how smuggling networks "
        "operate along the route and what investigators and prosecutors need to dismantle them.",
        description="The first thematic meeting of the Process looked at **people smuggling** "
        "from the point of view of the practitioners who work against it.\n\n"
        "Participants discussed:\n\n- the financial flows behind smuggling networks;\n"
        "- cooperation between police and prosecutors across borders;\n"
        "- protecting smuggled migrants who fall victim to abuse.",
        sessions=[
            (0, "09:00", "10:00", "Opening and welcome", "Government of Sudan; United Kingdom", "", "Nile Hall"),
            (
                0,
                "10:30",
                "13:00",
                "How smuggling networks work along the route",
                "IOM; UNODC",
                "United Kingdom",
                "Nile Hall",
            ),
            (0, "14:30", "17:30", "Following the money", "Europol", "Sudan", "Nile Hall"),
            (1, "09:00", "12:30", "Prosecution and cross-border cooperation", "UNODC", "United Kingdom", "Nile Hall"),
            (1, "14:00", "16:00", "Conclusions of the Chair", "", "United Kingdom", "Nile Hall"),
        ],
        documents=[("Chair's conclusions", "joint-conclusions", "en"), ("Final programme", "programme", "en")],
    ),
    dict(
        slug="technical-stock-taking-valletta-action-plan-brussels-2016",
        title="Technical stock-taking meeting on the Valletta Action Plan",
        type="stock-taking",
        tz="Europe/Brussels",
        dates=(date(2016, 6, 21), date(2016, 6, 22)),
        times=(time(9, 30), time(17, 0)),
        venue="Charlemagne Building",
        city="Brussels",
        country="BE",
        host="BE",
        chair="European Commission",
        theme="Monitoring the Valletta Action Plan",
        summary="A mid-year look at where the actions agreed in Valletta stood, with the Rabat "
        "Process, and how their implementation would be tracked.",
        description="Technical experts reviewed the state of implementation of the Valletta Action Plan "
        "and agreed how progress would be reported in the months ahead.",
        documents=[("Stock-taking report", "report", "en")],
    ),
    dict(
        slug="2nd-informal-working-group-rome-2016",
        title="2nd Informal Working Group",
        type="informal-working-group",
        tz="Europe/Rome",
        dates=(date(2016, 7, 8), date(2016, 7, 8)),
        times=(time(10, 0), time(16, 0)),
        venue="Ministry of Foreign Affairs and International Cooperation",
        city="Rome",
        country="IT",
        host="IT",
        chair="Italy",
        theme="Plan of activities",
        summary="A small group of members gave impetus to the Process and agreed on a plan of activities "
        "for the months to come.",
        description="The working group met informally to prepare the next thematic meetings and to "
        "agree a plan of activities.",
    ),
    dict(
        slug="2nd-thematic-meeting-return-readmission-reintegration-addis-2016",
        title="2nd Thematic Meeting on Return, Readmission and Reintegration",
        type="thematic-meeting",
        tz="Africa/Addis_Ababa",
        dates=(date(2016, 10, 19), date(2016, 10, 20)),
        times=(time(9, 0), time(17, 30)),
        venue="United Nations Conference Centre",
        city="Addis Ababa",
        country="ET",
        host="ET",
        chair="Ethiopia",
        co_chairs="Italy",
        theme="Return, readmission and reintegration",
        domain="return",
        summary="Hosted by Ethiopia and co-chaired with Italy, the meeting worked through return, "
        "readmission and sustainable reintegration in three thematic sessions.",
        description="The meeting was organised around **three thematic focuses**:\n\n"
        "1. cooperation on return and readmission;\n2. sustainable reintegration in countries of origin;\n"
        "3. the role of communities and the private sector.",
        sessions=[
            (
                0,
                "09:00",
                "10:00",
                "Opening session",
                "Ethiopia; Italy; European Commission; African Union Commission",
                "",
                "Hall Africa",
            ),
            (
                0,
                "10:30",
                "13:00",
                "Session 1: Cooperation on return and readmission",
                "IOM; Sweden",
                "Italy",
                "Hall Africa",
            ),
            (0, "14:30", "17:30", "Session 2: Sustainable reintegration", "IOM; Ethiopia", "Ethiopia", "Hall Africa"),
            (
                1,
                "09:00",
                "12:30",
                "Session 3: Communities and the private sector",
                "World Bank; Germany",
                "Italy",
                "Hall Africa",
            ),
            (1, "14:00", "15:30", "Conclusions and closing", "", "Ethiopia", "Hall Africa"),
        ],
        documents=[
            ("Joint conclusions", "joint-conclusions", "en"),
            ("Conclusions conjointes", "joint-conclusions", "fr", "Joint conclusions"),
            ("Final programme", "programme", "en"),
        ],
    ),
    dict(
        slug="steering-committee-meeting-addis-2016",
        title="Steering Committee Meeting",
        type="steering-committee",
        tz="Africa/Addis_Ababa",
        dates=(date(2016, 12, 15), date(2016, 12, 15)),
        times=(time(14, 0), time(18, 0)),
        venue="African Union Commission",
        city="Addis Ababa",
        country="ET",
        host="ET",
        chair="Ethiopia",
        summary="The Steering Committee prepared the next day's Senior Officials' Meeting, the first under the Ethiopian chair.",
        description="The five European and five African members of the Steering Committee met to prepare the "
        "Senior Officials' Meeting.",
    ),
    dict(
        slug="senior-officials-meeting-addis-2016",
        title="Senior Officials' Meeting",
        type="senior-officials-meeting",
        tz="Africa/Addis_Ababa",
        dates=(date(2016, 12, 16), date(2016, 12, 16)),
        times=(time(9, 0), time(17, 0)),
        venue="African Union Commission",
        city="Addis Ababa",
        country="ET",
        host="ET",
        chair="Ethiopia",
        summary="The first Senior Officials' Meeting under the Ethiopian chair agreed next steps for the Process "
        "and its operational activities.",
        description="Senior officials took stock of the Process and agreed on its next steps, opened by the "
        "Minister of Foreign Affairs of Ethiopia.",
        sessions=[
            (0, "09:00", "10:00", "Opening", "Minister of Foreign Affairs of Ethiopia", "", "Plenary"),
            (0, "10:00", "13:00", "State of play of the Process", "Chair; European Commission", "Ethiopia", "Plenary"),
            (0, "14:30", "17:00", "Next steps and operational activities", "", "Ethiopia", "Plenary"),
        ],
        documents=[("Conclusions of the Chair", "joint-conclusions", "en")],
    ),
    dict(
        slug="jvap-senior-officials-meeting-valletta-2017",
        title="Joint Valletta Action Plan Senior Officials' Meeting",
        type="senior-officials-meeting",
        tz="Europe/Malta",
        dates=(date(2017, 2, 8), date(2017, 2, 9)),
        times=(time(9, 0), time(18, 0)),
        venue="Mediterranean Conference Centre",
        city="Valletta",
        country="MT",
        host="MT",
        theme="Joint Valletta Action Plan",
        summary="Delegations from Africa and Europe took stock of the Joint Valletta Action Plan and adopted "
        "joint conclusions drawing on the Rabat and Khartoum Processes.",
        description="The meeting reviewed progress under the five domains of the Joint Valletta Action Plan "
        "and adopted **joint conclusions**.",
        documents=[
            ("Joint conclusions", "joint-conclusions", "en"),
            ("Khartoum Process analysis report", "report", "en"),
            ("Rabat Process analysis report", "report", "en"),
            ("Mapping documents, tables 1 and 2", "mapping", "en"),
            ("Final programme", "programme", "en"),
        ],
    ),
    dict(
        slug="senior-officials-meeting-2017-work-plan-addis",
        title="Senior Officials' Meeting on the 2017 Work Plan",
        type="senior-officials-meeting",
        tz="Africa/Addis_Ababa",
        dates=(date(2017, 4, 6), date(2017, 4, 6)),
        times=(time(9, 0), time(17, 0)),
        venue="United Nations Conference Centre",
        city="Addis Ababa",
        country="ET",
        host="ET",
        chair="Ethiopia",
        summary="Members discussed how to implement the 2017 work plan, heard an update on migration trends "
        "in the region and agreed to contribute to the Global Compact on Migration.",
        description="The meeting was devoted to the **2017 work plan**: the calendar of thematic meetings and "
        "trainings, a monitoring tool for the action plan, and the Process's contribution to the "
        "Global Compact for Safe, Orderly and Regular Migration.",
        documents=[("Work plan 2017", "other", "en")],
    ),
    dict(
        slug="thematic-meeting-protection-durable-solutions-berlin-2017",
        title="Thematic Meeting on Protection and Durable Solutions",
        type="thematic-meeting",
        tz="Europe/Berlin",
        dates=(date(2017, 5, 18), date(2017, 5, 19)),
        times=(time(9, 0), time(17, 0)),
        venue="Federal Foreign Office",
        city="Berlin",
        country="DE",
        host="DE",
        chair="Germany",
        theme="Protection, durable solutions and host communities",
        domain="protection",
        summary="Experts and organisations worked in small groups on protection and durable solutions for "
        "refugees and the communities that host them.",
        description="For the first time, delegates split into **small working groups** on sub-topics of the "
        "theme: access to education and livelihoods, host communities, and the role of the private sector.",
        sessions=[
            (0, "09:00", "10:00", "Opening", "Germany; European Commission", "", "Weltsaal"),
            (0, "10:30", "13:00", "Protection challenges in the region", "UNHCR; IGAD", "Germany", "Weltsaal"),
            (0, "14:30", "17:00", "Working groups: education and livelihoods", "World Bank", "", "Rooms 1-3"),
            (1, "09:00", "12:00", "Working groups: host communities", "UNHCR", "", "Rooms 1-3"),
            (1, "13:30", "17:00", "Report back and Chair's conclusions", "", "Germany", "Weltsaal"),
        ],
        documents=[("Chair's conclusions", "joint-conclusions", "en"), ("Final programme", "programme", "en")],
    ),
    dict(
        slug="jvap-senior-officials-meeting-addis-2018",
        title="Joint Valletta Action Plan Senior Officials' Meeting",
        type="senior-officials-meeting",
        tz="Africa/Addis_Ababa",
        dates=(date(2018, 11, 14), date(2018, 11, 15)),
        times=(time(9, 0), time(18, 0)),
        venue="African Union Commission",
        city="Addis Ababa",
        country="ET",
        host="ET",
        theme="Joint Valletta Action Plan",
        summary="Around 280 senior officials followed up on the Malta conclusions and the progress made under "
        "the five domains of the Joint Valletta Action Plan.",
        description="Partners reaffirmed solidarity, partnership and shared responsibility, reviewed the state "
        "of play of the action plan and agreed recommendations for the way forward.",
        sessions=[
            (0, "09:00", "10:30", "Opening session", "African Union Commission; European Commission", "", "Plenary"),
            (0, "11:00", "13:00", "State of play of the Joint Valletta Action Plan", "ICMPD", "", "Plenary"),
            (0, "14:30", "18:00", "The Rabat and Khartoum Processes as monitoring mechanisms", "", "", "Plenary"),
            (1, "09:00", "12:30", "Instruments supporting the action plan", "EU Trust Fund for Africa", "", "Plenary"),
            (1, "14:00", "17:00", "Recommendations for the way forward", "", "", "Plenary"),
        ],
        documents=[
            ("Joint conclusions", "joint-conclusions", "en"),
            ("Conclusions conjointes", "joint-conclusions", "fr", "Joint conclusions"),
            ("Final programme", "programme", "en"),
        ],
    ),
]

UPCOMING = [
    dict(
        slug="thematic-meeting-trafficking-nairobi",
        title="Thematic Meeting on Trafficking in Human Beings",
        type="thematic-meeting",
        tz="Africa/Nairobi",
        starts_in_days=17,
        length=2,
        times=(time(9, 0), time(17, 30)),
        venue="Kenyatta International Convention Centre",
        city="Nairobi",
        country="KE",
        host="KE",
        chair="Kenya",
        co_chairs="Netherlands",
        theme="Identifying and protecting victims of trafficking",
        domain="irregular-migration",
        summary="Practitioners from the region and Europe compare how victims of trafficking are identified, "
        "referred and protected, and how cases are brought to court.",
        description="## Aim\n\nTo compare national referral mechanisms and agree practical steps for "
        "cross-border cooperation in trafficking cases.\n\n## Participants\n\nTwo experts per "
        "member state, plus the partner organisations.",
        registration=dict(open_days_before=60, close_days_before=3, capacity=120),
        sessions=[
            (0, "09:00", "10:00", "Opening", "Kenya; Netherlands; European Commission", "", "Tsavo Ballroom"),
            (0, "10:30", "13:00", "Identifying victims at borders", "IOM; UNODC", "Kenya", "Tsavo Ballroom"),
            (0, "14:30", "17:30", "National referral mechanisms", "UNHCR", "Netherlands", "Tsavo Ballroom"),
            (1, "09:00", "12:30", "Bringing cases to court", "UNODC", "Kenya", "Amboseli Room"),
            (1, "14:00", "15:30", "Conclusions of the co-chairs", "", "Kenya", "Tsavo Ballroom"),
        ],
        documents=[
            ("Draft programme", "programme", "en"),
            ("Concept note", "other", "en"),
            ("Note conceptuelle", "other", "fr", "Concept note"),
        ],
    ),
    dict(
        slug="stock-taking-meeting-valletta",
        title="Technical stock-taking meeting on the Joint Valletta Action Plan",
        type="stock-taking",
        tz="Europe/Malta",
        starts_in_days=11,
        length=1,
        times=(time(9, 30), time(16, 30)),
        venue="Mediterranean Conference Centre",
        city="Valletta",
        country="MT",
        host="MT",
        theme="Joint Valletta Action Plan",
        summary="A one-day technical review of the action plan, cancelled and to be merged into the next "
        "Senior Officials' Meeting.",
        description="This meeting has been **cancelled**; its agenda moves to the next Senior Officials' Meeting.",
        cancelled=True,
    ),
    dict(
        slug="steering-committee-meeting-rome",
        title="Steering Committee Meeting",
        type="steering-committee",
        tz="Europe/Rome",
        starts_in_days=67,
        length=1,
        times=(time(9, 30), time(17, 0)),
        venue="Ministry of Foreign Affairs and International Cooperation",
        city="Rome",
        country="IT",
        host="IT",
        chair="Italy",
        summary="The Steering Committee prepares the year's work plan and the next Senior Officials' Meeting.",
        description="For the members of the Steering Committee: five European and five African states, the European "
        "Commission, the EEAS and the African Union Commission.",
        registration=dict(
            open_days_before=45,
            close_days_before=7,
            capacity=30,
            requires_approval=True,
            eligibility="steering-committee",
        ),
        sessions=[
            (0, "09:30", "11:00", "Adoption of the agenda; report of the chair", "Italy", "", "Sala Conferenze"),
            (0, "11:30", "13:00", "Work plan 2027", "ICMPD", "Italy", "Sala Conferenze"),
            (0, "14:30", "17:00", "Preparing the Senior Officials' Meeting", "", "Italy", "Sala Conferenze"),
        ],
    ),
    dict(
        slug="thematic-workshop-reintegration-kampala",
        title="Thematic Workshop on Sustainable Reintegration",
        type="thematic-workshop",
        tz="Africa/Kampala",
        starts_in_days=86,
        length=2,
        venue="Speke Resort Munyonyo",
        city="Kampala",
        country="UG",
        host="UG",
        chair="Uganda",
        co_chairs="Germany",
        theme="Reintegration of returning migrants",
        domain="return",
        summary="An operational workshop for the officials who run reintegration programmes: what works, "
        "for whom, and how to measure it.",
        description="Times will be set with the final programme.",
        registration=dict(open_days_before=20, close_days_before=10, capacity=60),
    ),
    dict(
        slug="informal-working-group-brussels",
        title="Informal Working Group",
        type="informal-working-group",
        tz="Europe/Brussels",
        starts_in_days=142,
        length=1,
        times=(time(10, 0), time(16, 0)),
        venue="Résidence Palace",
        city="Brussels",
        country="BE",
        host="BE",
        chair="Belgium",
        summary="A small group of members takes stock of the year's activities and proposes new ones.",
        description="A working session of a few members, by invitation of the chair.",
    ),
    dict(
        slug="senior-officials-meeting-addis",
        title="Senior Officials' Meeting",
        type="senior-officials-meeting",
        tz="Africa/Addis_Ababa",
        venue="",
        city="Addis Ababa",
        country="ET",
        host="ET",
        summary="The yearly meeting of senior officials of all members. Dates to be confirmed.",
        description="The date and venue will be announced by the chair.",
    ),
    dict(
        slug="training-document-fraud-djibouti",
        title="Training on Document Fraud Detection",
        type="training",
        tz="Africa/Djibouti",
        city="Djibouti",
        country="DJ",
        host="DJ",
        domain="irregular-migration",
        summary="A hands-on training for border officials on detecting forged and falsified travel documents.",
        description="Dates to be confirmed.",
    ),
]

# French typography: a no-break space before ":" and a narrow no-break space before ";".
NBSP, NNBSP = "\u00a0", "\u202f"

#: The meetings' content in other languages, by slug: what the loader's ``translations``,
#: ``session_titles`` and ``document_titles`` take (app.demo.loader).
CONTENT = {
    "thematic-meeting-trafficking-nairobi": dict(
        translations=dict(
            fr=dict(
                title="Réunion thématique sur la traite des êtres humains",
                theme="Identifier et protéger les victimes de la traite",
                summary="Des praticiens de la région et d'Europe comparent la manière dont les victimes de la traite "
                "sont identifiées, orientées et protégées, et dont les affaires sont portées devant la justice.",
                description="## Objectif\n\nComparer les mécanismes nationaux d'orientation et convenir de mesures "
                "concrètes de coopération transfrontalière dans les affaires de traite.\n\n## Participants\n\n"
                "Deux experts par État membre, ainsi que les organisations partenaires.",
                venue="Centre international de conférences Kenyatta",
            ),
            ar=dict(
                title="الاجتماع المواضيعي بشأن الاتجار بالبشر",
                theme="تحديد ضحايا الاتجار بالبشر وحمايتهم",
                summary="يقارن ممارسون من المنطقة ومن أوروبا سبل تحديد ضحايا الاتجار بالبشر وإحالتهم وحمايتهم، "
                "وسبل عرض القضايا على المحاكم.",
                description="## الهدف\n\nمقارنة آليات الإحالة الوطنية والاتفاق على خطوات عملية للتعاون عبر الحدود "
                "في قضايا الاتجار بالبشر.\n\n## المشاركون\n\nخبيران عن كل دولة عضو، إضافةً إلى المنظمات الشريكة.",
                venue="مركز كينياتا الدولي للمؤتمرات",
            ),
        ),
        session_titles=dict(
            fr=[
                "Ouverture",
                "L'identification des victimes aux frontières",
                "Les mécanismes nationaux d'orientation",
                "La poursuite des affaires devant les tribunaux",
                "Conclusions des coprésidents",
            ],
            ar=[
                "الجلسة الافتتاحية",
                "تحديد الضحايا على الحدود",
                "آليات الإحالة الوطنية",
                "عرض القضايا على المحاكم",
                "استنتاجات الرئيسين المشاركين",
            ],
        ),
        document_titles=dict(
            fr={"Draft programme": "Projet de programme"},
            ar={"Draft programme": "مشروع البرنامج", "Concept note": "مذكرة مفاهيمية"},
        ),
    ),
    "stock-taking-meeting-valletta": dict(
        translations=dict(
            fr=dict(
                title="Réunion technique de bilan sur le Plan d'action conjoint de La Valette",
                theme="Plan d'action conjoint de La Valette",
                summary="Un examen technique du plan d'action sur une journée, annulé et intégré à la prochaine "
                "réunion des hauts fonctionnaires.",
                description=f"Cette réunion est **annulée**{NNBSP}; son ordre du jour est reporté à la prochaine "
                "réunion des hauts fonctionnaires.",
                venue="Centre de conférences de la Méditerranée",
            ),
        ),
    ),
    "steering-committee-meeting-rome": dict(
        translations=dict(
            fr=dict(
                title="Réunion du Comité de pilotage",
                summary="Le Comité de pilotage prépare le programme de travail de l'année et la prochaine réunion "
                "des hauts fonctionnaires.",
                description=f"Réservée aux membres du Comité de pilotage{NBSP}: cinq États européens et cinq États "
                "africains, la Commission européenne, le SEAE et la Commission de l'Union africaine.",
                venue="Ministère des Affaires étrangères et de la Coopération internationale",
            ),
        ),
        session_titles=dict(
            fr=[
                f"Adoption de l'ordre du jour{NNBSP}; rapport de la présidence",
                "Programme de travail 2027",
                "Préparation de la réunion des hauts fonctionnaires",
            ],
        ),
    ),
    "thematic-workshop-reintegration-kampala": dict(
        translations=dict(
            fr=dict(
                title="Atelier thématique sur la réintégration durable",
                theme="La réintégration des migrants de retour",
                summary="Un atelier opérationnel destiné aux responsables des programmes de réintégration"
                f"{NBSP}: ce qui fonctionne, pour qui, et comment le mesurer.",
                description="Les horaires seront fixés avec le programme définitif.",
                # A proper name, the same in French.
                venue="Speke Resort Munyonyo",
            ),
        ),
    ),
    "informal-working-group-brussels": dict(
        translations=dict(
            fr=dict(
                title="Groupe de travail informel",
                summary="Un groupe restreint de membres dresse le bilan des activités de l'année et en propose "
                "de nouvelles.",
                description="Une séance de travail restreinte, sur invitation de la présidence.",
                venue="Résidence Palace",
            ),
        ),
    ),
    "senior-officials-meeting-addis": dict(
        translations=dict(
            fr=dict(
                title="Réunion des hauts fonctionnaires",
                summary="La réunion annuelle des hauts fonctionnaires de tous les membres. Dates à confirmer.",
                description="La date et le lieu seront annoncés par la présidence.",
            ),
        ),
    ),
    "training-document-fraud-djibouti": dict(
        translations=dict(
            fr=dict(
                title="Formation à la détection de la fraude documentaire",
                summary="Une formation pratique destinée aux agents aux frontières, consacrée à la détection des "
                "documents de voyage contrefaits et falsifiés.",
                description="Dates à confirmer.",
            ),
        ),
    ),
}
