"""Tests for dashboard.ics_parser: the bundled Peru ICS, a generated PDF, variants, bad input."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

from dashboard.formats.ics_document import (
    DEFAULT_MAX_BYTES,
    IcsParseError,
    ParsedObjective,
    ParsedStrategy,
    parse_ics_file,
    parse_ics_text,
    read_document,
)

DATA = Path(__file__).resolve().parents[2] / "data"
PERU = DATA / "ics_peru.md"
EMBASSY_PAGE = DATA / "embassy_lima_page.txt"


# --------------------------------------------------------------------------- Peru


@pytest.fixture(scope="module")
def peru() -> ParsedStrategy:
    return parse_ics_file(PERU)


def _objectives(strategy: ParsedStrategy) -> dict[str, ParsedObjective]:
    out = {o.code: o for g in strategy.goals for o in g.objectives}
    out.update({o.code: o for o in strategy.management_objectives})
    return out


def _all_texts(strategy: ParsedStrategy) -> list[str]:
    texts: list[str] = []
    for g in strategy.goals:
        texts += [g.title, g.description]
        for o in g.objectives:
            texts += [o.title, o.justification, o.linkages, o.risks]
    for o in strategy.management_objectives:
        texts += [o.title, o.justification, o.linkages, o.risks]
    return texts


def test_peru_codes(peru: ParsedStrategy) -> None:
    assert [g.code for g in peru.goals] == ["1", "2", "3", "4"]
    assert [o.code for g in peru.goals for o in g.objectives] == [
        "1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2", "4.1", "4.2", "4.3",
    ]  # fmt: skip
    assert [o.code for o in peru.management_objectives] == ["M1"]
    assert all(o.kind == "mission" for g in peru.goals for o in g.objectives)
    assert [o.kind for o in peru.management_objectives] == ["management"]
    for g in peru.goals:
        assert all(o.code.split(".")[0] == g.code for o in g.objectives)


PERU_GOAL_TITLES = {
    "1": "The United States and Peru strengthen mutually beneficial economic, educational, and cultural ties.",
    "2": "Peru partners with the United States to create a more secure and equitable country and region.",
    # Section 3 says "climate ambition"; section 2 says "ambitions".
    "3": "Peru is a global leader in advancing climate ambition and environmental sustainability.",
    "4": "Peru strengthens inclusive democratic governance at home and abroad.",
}

PERU_OBJECTIVE_TITLES = {
    # Section 2 adds "(Incorporates USAID CDCS DO1)".
    "1.1": "Peru achieved more inclusive and sustainable economic growth, improving the "
    "business climate for U.S. trade and investment.",
    # Section 2 says "views".
    "1.2": "Enhanced USG public outreach, educational linkages, and cultural engagement built "
    "an understanding of U.S. values and strengthened Peruvians' view of the United States as "
    "a trusted and preferred partner.",
    "1.3": "Peru progressed in closing its infrastructure gap.",
    # Section 2 says "threats and their networks".
    "2.1": "Strengthened bilateral partnerships and enhanced Peruvian capacity deter "
    "transnational, regional, and internal threats to their networks and infrastructure.",
    "2.2": "Improved anti-corruption, police, and justice sector capacity strengthen Peru's "
    "citizen security and rule of law throughout the nation.",
    "3.1": "Enhanced institutional capacities supported Peru to reach its climate ambition.",
    "3.2": "Strengthened governance capabilities enabled Peru to address environmental crimes, "
    "manage natural resources, and thereby mitigate human health and security threats.",
    "4.1": "Peru consistently protected and promoted democratic institutions and governance, "
    "leading to increased transparency and democratic stability, greater access to justice, "
    "and expanded civic engagement.",
    # Section 2 says "women, gender and other minorities, indigenous".
    "4.2": "Protections and inclusive opportunities expanded for youth, women and gender "
    "minorities, Indigenous and Afro-Peruvian populations, people with disabilities, and other "
    "historically marginalized populations.",
    "4.3": "Through Embassy cooperation and engagement, Peru advanced democratic norms, "
    "increasingly allied with the United States in multilateral fora, and resisted "
    "anti-democratic initiatives by autocratic actors.",
    "M1": "Recruit and equip a diverse, inclusive, and dynamic workforce with modern and secure "
    "tools and infrastructure to support resilience and ingenuity in operations.",
}


@pytest.mark.parametrize(("code", "title"), sorted(PERU_GOAL_TITLES.items()))
def test_peru_goal_titles_come_from_section_3(peru: ParsedStrategy, code: str, title: str) -> None:
    goal = next(g for g in peru.goals if g.code == code)
    assert goal.title == title
    assert goal.description
    assert goal.description.startswith(goal.description[:1].upper())


@pytest.mark.parametrize(("code", "title"), sorted(PERU_OBJECTIVE_TITLES.items()))
def test_peru_objective_titles_come_from_section_3(peru: ParsedStrategy, code: str, title: str) -> None:
    assert _objectives(peru)[code].title == title


@pytest.mark.parametrize("code", sorted(PERU_OBJECTIVE_TITLES))
@pytest.mark.parametrize("attr", ["justification", "linkages", "risks"])
def test_peru_fields_are_filled(peru: ParsedStrategy, code: str, attr: str) -> None:
    text = getattr(_objectives(peru)[code], attr)
    assert text.strip() == text
    assert len(text) > 30


@pytest.mark.parametrize(
    "junk",
    ["Originally Approved", "Reviewed and Updated", "FOR PUBLIC RELEASE", "**", "](#)", "\\$",
     "Table of Contents", "- **", "  "],
)  # fmt: skip
def test_peru_no_furniture_or_markdown_in_text(peru: ParsedStrategy, junk: str) -> None:
    for text in _all_texts(peru):
        assert junk.lower() not in text.lower()


@pytest.mark.parametrize(
    ("code", "attr", "expected"),
    [
        ("2.2", "risks", "exploiting a lack of state presence in rural areas. This threatens the "
         "safety and security of Americans in Peru, as well as the U.S. homeland, since these "
         "actors operate across political borders."),
        ("3.1", "justification", "implementation of the timber annex to the existing Peru Free "
         "Trade Agreement (PTPA). Peru is also becoming"),
        ("4.1", "risks", "This assistance is complemented by other donors and multilateral "
         "organizations, such as Organization for Economic Co-operation and Development (OECD)"),
        ("1.3", "justification", "more than $91 billion of infrastructure spending"),
        ("3.1", "linkages", "Executive Order on Tackling the Climate Crisis at Home and Abroad "
         "(January 2021); the United States International Climate Finance Plan (April 2021);"),
    ],
)  # fmt: skip
def test_peru_page_breaks_and_markup_are_joined(peru: ParsedStrategy, code: str, attr: str, expected: str) -> None:
    text = getattr(_objectives(peru)[code], attr)
    assert expected in text
    assert "\n" not in text


def test_peru_exact_texts(peru: ParsedStrategy) -> None:
    objs = _objectives(peru)
    # The source itself cuts this sentence off; it is kept as is.
    assert objs["1.1"].risks == ("Failure to achieve this objective will create conditions that hinder U.S. business")
    assert objs["M1"].linkages == (
        "Management directly supports every aspect of the ICS, the JRS, and all Mission goals and objectives."
    )
    assert objs["2.2"].risks.endswith("strengthen the rule of law.")
    assert objs["M1"].justification.endswith("redirect limited resources to where they are most needed.")


def test_peru_41_justification_has_two_paragraphs(peru: ParsedStrategy) -> None:
    paragraphs = _objectives(peru)["4.1"].justification.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Corruption remains an acute concern in Peru.")
    assert paragraphs[0].endswith("strengthening Peru's democracy.")
    assert paragraphs[1].startswith("Mission Peru helps the Peruvian government")
    assert paragraphs[1].endswith("to push for accountability.")


def test_peru_single_paragraph_fields(peru: ParsedStrategy) -> None:
    for code, obj in _objectives(peru).items():
        for attr in ("justification", "linkages", "risks"):
            if (code, attr) != ("4.1", "justification"):
                assert "\n" not in getattr(obj, attr), (code, attr)


def test_peru_mission(peru: ParsedStrategy) -> None:
    m = peru.mission
    assert m.country == "Peru"
    assert m.post == "Embassy Lima"
    assert (m.strategy_start, m.strategy_end) == (2022, 2026)
    assert m.approved == datetime.date(2022, 3, 21)
    assert m.updated == datetime.date(2023, 9, 22)
    assert peru.warnings == []


def test_peru_to_dict(peru: ParsedStrategy) -> None:
    d = peru.to_dict()
    assert list(d) == ["mission", "goals", "management_objectives"]
    assert list(d["mission"]) == [
        "country", "post", "strategy_start", "strategy_end", "approved", "updated",
    ]  # fmt: skip
    assert d["mission"]["approved"] == "2022-03-21"
    assert d["mission"]["updated"] == "2023-09-22"
    assert list(d["goals"][0]) == ["code", "title", "description", "objectives"]
    obj_keys = ["code", "title", "justification", "linkages", "risks"]
    assert all(list(o) == obj_keys for g in d["goals"] for o in g["objectives"])
    assert [list(o) for o in d["management_objectives"]] == [obj_keys]
    assert d["goals"][1]["objectives"][0]["code"] == "2.1"
    assert d["management_objectives"][0]["code"] == "M1"
    assert json.loads(json.dumps(d)) == d


def test_peru_text_and_file_agree(peru: ParsedStrategy) -> None:
    text = PERU.read_text(encoding="utf-8")
    assert parse_ics_text(text, source="ics_peru.md").to_dict() == peru.to_dict()


def test_peru_as_crlf_with_bom_and_page_breaks(tmp_path: Path, peru: ParsedStrategy) -> None:
    text = PERU.read_text(encoding="utf-8").replace(
        "Originally Approved: March 21, 2022\n", "\fOriginally Approved: March 21, 2022\n"
    )
    path = tmp_path / "peru.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert parse_ics_file(path).to_dict() == peru.to_dict()


# --------------------------------------------------------------------------- PDF

PAGEBREAK = "\f"

PDF_FLOW: list[str | list[str]] = [
    "Integrated Country Strategy",
    "COSTA RICA",
    "FOR PUBLIC RELEASE",
    PAGEBREAK,
    "Table of Contents",
    "1. Chief of Mission Priorities ........ 3",
    "2. Mission Strategic Framework ........ 4",
    "3. Mission Goals and Objectives ........ 5",
    "4. Management Objectives ........ 9",
    PAGEBREAK,
    "1. Chief of Mission Priorities",
    "Costa Rica is a stable democracy and one of our closest partners in the hemisphere. "
    "Embassy San José leads a whole-of-mission effort on security, trade and the environment. "
    "Embassy San José staff work with every level of government.",
    "2. Mission Strategic Framework",
    "Mission Goal 1: Costa Rica and the United States deepen trade (Incorporates USAID DO1)",
    "Mission Objective 1.1: Costa Rica opens markets to U.S. goods",
    "Mission Objective 1.2: Costa Rica adopts secure digital networks",
    "Mission Goal 2: Costa Rica counters transnational crime",
    "Mission Objective 2.1: Costa Rica improves security capacity",
    "Mission Objective 2.2: Costa Rica strengthens courts",
    "Management Objective 1: Modern facilities",
    PAGEBREAK,
    "3. Mission Goals and Objectives",
    "Mission Goal 1: Costa Rica and the United States deepen a trade and investment relationship "
    "that benefits the citizens of both countries and of the wider region.",
    "Description: Costa Rica is a top destination for U.S. investment in medical devices and "
    "services. Embassy San José promotes fair competition, transparent procurement, and an "
    "open digital economy that favors trusted vendors over untrusted ones.",
    "Objective 1.1: Costa Rica opens its markets to U.S. goods and services and applies "
    "transparent rules to public procurement.",
    "Justification: Open markets create jobs in both countries. Costa Rica has signed the "
    "CAFTA-DR agreement and continues to lower non-tariff barriers for U.S. exporters in "
    "agriculture and technology.",
    "Linkages: JSP Objective 2.1; JRS Objective 4.1.",
    "Risks: Protectionist measures could reverse recent gains and exclude U.S. firms.",
    "Objective 1.2: Costa Rica adopts secure and trusted digital networks.",
    [
        "Justification: Trusted networks protect citizens and support anti-",
        "corruption reforms in the telecom regulator.",
    ],
    "Linkages: JSP Objective 1.4.",
    "Risks: Untrusted vendors could gain control of critical infrastructure.",
    PAGEBREAK,
    "Mission Goal 2: Costa Rica counters transnational crime.",
    "Description: Transnational criminal organizations move cocaine through Costa Rican ports and territorial waters.",
    "Objective 2.1: Costa Rica improves the capacity of its security forces to detect, "
    "interdict and prosecute maritime trafficking.",
    "Justification: Costa Rica has no military, and its coast guard patrols a maritime area "
    "ten times its land territory with limited resources and aging vessels.",
    "Linkages: JSP Objective 1.4; JRS Objective 3.1.",
    "Risks: Without support, criminal groups will exploit weak state presence in coastal areas, "
    "which threatens the safety",
    PAGEBREAK,
    "of U.S. citizens living in and visiting Costa Rica. We will mitigate this risk through "
    "training and equipment donations.",
    "Objective 2.2: Costa Rica strengthens its courts.",
    "Justification: Slow courts let traffickers go free.",
    "Linkages: JSP Objective 3.3.",
    "Risks: Impunity erodes public trust.",
    "4. Management Objectives",
    "Management Objective 1: Provide modern, safe and secure facilities and a well-trained "
    "workforce to carry out the mission.",
    "Justification: The chancery is more than forty years old and needs major repairs.",
    "Linkages: Supports all goals and objectives.",
    "Risks: Failing systems would interrupt operations.",
]


RUNNING_FOOTER = "Mission Costa Rica Strategy Document"


def _build_pdf(path: Path, flow: list[str | list[str]], *, lines_per_page: int = 22) -> int:
    """Render a flow of paragraphs with running header/footer; return the page count."""
    pages: list[list[str]] = [[]]
    for item in flow:
        if item == PAGEBREAK:
            pages.append([])
            continue
        lines = item if isinstance(item, list) else simpleSplit(item, "Helvetica", 11, 300)
        for line in lines:
            if len(pages[-1]) >= lines_per_page:
                pages.append([])
            pages[-1].append(line)
    c = canvas.Canvas(str(path), pagesize=letter)
    for number, lines in enumerate(pages, start=1):
        c.setFont("Helvetica", 9)
        c.drawString(72, 750, "INTEGRATED COUNTRY STRATEGY")
        c.setFont("Helvetica", 11)
        y = 720
        for line in lines:
            c.drawString(72, y, line)
            y -= 15
        c.setFont("Helvetica", 8)
        c.drawString(72, 72, RUNNING_FOOTER)
        c.drawString(72, 60, "Approved: May 2, 2022")
        c.drawCentredString(306, 48, "FOR PUBLIC RELEASE")
        c.drawString(500, 36, f"Page {number} of {len(pages)}")
        c.showPage()
    c.save()
    return len(pages)


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "ics_costa_rica.pdf"
    assert _build_pdf(path, PDF_FLOW) >= 5
    return path


def test_pdf_read_document_joins_pages_with_formfeed(pdf_path: Path) -> None:
    text = read_document(pdf_path)
    assert text.count("\f") == len(PdfReader(pdf_path).pages) - 1
    assert "FOR PUBLIC RELEASE" in text
    # The fixture really wraps titles over several lines, so the parser has work to do.
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Objective 2.1:"))
    assert not lines[start].endswith("trafficking.")
    assert "trafficking." in lines[start + 2]


def test_pdf_structure(pdf_path: Path) -> None:
    s = parse_ics_file(pdf_path)
    assert [g.code for g in s.goals] == ["1", "2"]
    assert [o.code for g in s.goals for o in g.objectives] == ["1.1", "1.2", "2.1", "2.2"]
    assert [o.code for o in s.management_objectives] == ["M1"]
    # Section 2 abbreviates goal 1 and three objective titles (2.2 only drops "its": an edit, not a conflict);
    # no period is stated.
    assert s.warnings == [
        "section 2 and section 3 titles differ for goal 1; section 3's title is used",
        "section 2 and section 3 titles differ for objective 1.1; section 3's title is used",
        "section 2 and section 3 titles differ for objective 1.2; section 3's title is used",
        "section 2 and section 3 titles differ for objective 2.1; section 3's title is used",
        "the document states no strategy period; assumed 2022-2026 from its approval date (2022-05-02)",
    ]


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("1", "Costa Rica and the United States deepen a trade and investment relationship that "
         "benefits the citizens of both countries and of the wider region."),
        ("2", "Costa Rica counters transnational crime."),
        ("1.1", "Costa Rica opens its markets to U.S. goods and services and applies transparent "
         "rules to public procurement."),
        ("1.2", "Costa Rica adopts secure and trusted digital networks."),
        ("2.1", "Costa Rica improves the capacity of its security forces to detect, interdict and "
         "prosecute maritime trafficking."),
        ("2.2", "Costa Rica strengthens its courts."),
        ("M1", "Provide modern, safe and secure facilities and a well-trained workforce to carry "
         "out the mission."),
    ],
)  # fmt: skip
def test_pdf_wrapped_titles(pdf_path: Path, code: str, title: str) -> None:
    s = parse_ics_file(pdf_path)
    titles = {g.code: g.title for g in s.goals} | {o.code: o.title for o in _objectives(s).values()}
    assert titles[code] == title


@pytest.mark.parametrize(
    ("code", "attr", "expected"),
    [
        ("2.1", "risks", "Without support, criminal groups will exploit weak state presence in "
         "coastal areas, which threatens the safety of U.S. citizens living in and visiting Costa "
         "Rica. We will mitigate this risk through training and equipment donations."),
        ("1.2", "justification", "Trusted networks protect citizens and support anti-corruption "
         "reforms in the telecom regulator."),
        ("1.1", "justification", "Open markets create jobs in both countries. Costa Rica has "
         "signed the CAFTA-DR agreement and continues to lower non-tariff barriers for U.S. "
         "exporters in agriculture and technology."),
        ("1.1", "linkages", "JSP Objective 2.1; JRS Objective 4.1."),
        ("2.2", "risks", "Impunity erodes public trust."),
        ("M1", "risks", "Failing systems would interrupt operations."),
    ],
)  # fmt: skip
def test_pdf_field_texts(pdf_path: Path, code: str, attr: str, expected: str) -> None:
    s = parse_ics_file(pdf_path)
    assert getattr(_objectives(s)[code], attr) == expected


def test_pdf_goal_description_and_mission(pdf_path: Path) -> None:
    s = parse_ics_file(pdf_path)
    assert s.goals[1].description == (
        "Transnational criminal organizations move cocaine through Costa Rican ports and territorial waters."
    )
    assert s.mission.country == "Costa Rica"
    assert s.mission.post == "Embassy San José"
    assert s.mission.approved == datetime.date(2022, 5, 2)
    assert s.mission.updated is None
    # No period stated in the text: approved year + 4.
    assert (s.mission.strategy_start, s.mission.strategy_end) == (2022, 2026)
    for text in _all_texts(s):
        for junk in ("FOR PUBLIC RELEASE", "Approved:", "Page ", "INTEGRATED COUNTRY", RUNNING_FOOTER):
            assert junk not in text


# --------------------------------------------------------------------------- variants

MARKER_STYLES: dict[str, tuple[str, str, str]] = {
    # goal marker, objective marker, field separator
    "pipe": ("Goal {g} |", "Objective {o} |", " |"),
    "dash": ("MISSION GOAL {g} –", "Objective {o} –", " –"),
    "colon": ("Mission Goal {g}:", "Mission Objective {o}:", ":"),
    "dot": ("mission goal {g}:", "Objective {o}.", " -"),
    "bar-mission": ("Goal {g} |", "Mission Objective {o} |", ":"),
}

VARIANT_GOALS = {
    "1": "Bosnia and Herzegovina advances toward Euro-Atlantic integration.",
    "2": "Citizens enjoy a more accountable and responsive government.",
    "3": "A growing economy creates opportunity for young people.",
}
VARIANT_OBJECTIVES = {
    "1.1": "Defense institutions meet NATO interoperability standards.",
    "1.2": "Border security agencies cooperate across entity lines.",
    "2.1": "Prosecutors and courts investigate and try high-level corruption cases.",
    "2.2": "Civil society and independent media hold officials to account.",
    "3.1": "Reforms improve the business climate for U.S. investors.",
    "3.2": "Young people gain skills that match labor market demand.",
    "3.3": "Energy diversification reduces dependence on a single supplier.",
}


GOAL_WORDING_WARNINGS = [
    f"section 2 and section 3 titles differ for goal {g}; section 3's title is used" for g in ("1", "2", "3")
]


def _variant(style: str, *, missing: tuple[str, str] | None = None) -> str:
    """A plain-text ICS with 3 goals in the given marker style and heavy furniture."""
    goal_m, obj_m, sep = MARKER_STYLES[style]
    out = [
        "UNCLASSIFIED",
        "INTEGRATED COUNTRY STRATEGY BOSNIA AND HERZEGOVINA",
        "Approved: 2023-05-02",
        "Updated: June 2024",
        "Table of Contents",
        "Chief of Mission Priorities\t3",
        "Mission Strategic Framework\t5",
        "Mission Goals and Objectives\t7",
        "Management Objectives\t19",
        "",
        "1. Chief of Mission Priorities",
        "Embassy Sarajevo coordinates the work of 15 agencies over the 2023–2027 period. In "
        "2019-2021 the previous strategy focused on reconciliation. Embassy Sarajevo and the "
        "branch office in Mostar report to the Ambassador.",
        "",
        "2. Mission Strategic Framework",
    ]
    for g, title in VARIANT_GOALS.items():
        out.append(f"{goal_m.format(g=g)} {title[:-1]} (framework wording)")
        for o, otitle in VARIANT_OBJECTIVES.items():
            if o.startswith(f"{g}."):
                out.append(f"• {obj_m.format(o=o)} {otitle} (Incorporates USAID CDCS DO{g})")
    out += [
        "Management Objective 1 | Staff",
        "Management Objective 2 | Buildings",
        "- 4 -",
        "UNCLASSIFIED",
        "",
        "3. Mission Goals and Objectives",
    ]
    page = 5
    for g, title in VARIANT_GOALS.items():
        words = title.split()
        out += [f"{goal_m.format(g=g)} {' '.join(words[:3])}", " ".join(words[3:])]
        out.append(f"Description{sep} Goal {g} matters because the region is changing.")
        for o, otitle in VARIANT_OBJECTIVES.items():
            if not o.startswith(f"{g}."):
                continue
            out.append(f"{obj_m.format(o=o)} {otitle}")
            fields = [
                ("Justification", f"Objective {o} is justified by long experience of the"),
                ("Linkage", f"JSP Objective {o}; JRS Objective 2.{o[-1]}."),
                ("Risk", f"If {o} fails, progress stalls."),
            ]
            for label, body in fields:
                if missing == (o, label):
                    continue
                out.append(f"{label}{sep} {body}")
                if label == "Justification":
                    # A page break lands mid-sentence.
                    out += ["UNCLASSIFIED", f"Page {page} of 20", "",
                            "INTEGRATED COUNTRY STRATEGY BOSNIA AND HERZEGOVINA",
                            "Approved: 2023-05-02", "mission with local partners.",
                            "", "Partners in both entities support the effort."]  # fmt: skip
                    page += 1
    out += [
        "Management Objectives",
        "Management Objective 1 | Recruit and retain a skilled local workforce.",
        "Justification: Staff turnover is high.",
        "Linkages: Supports all goals.",
        "Risks: Turnover slows every program.",
        "Page 19 of 20",
        "Management Objective 2 | Maintain safe and functional buildings.",
        "Justification – The chancery needs a new roof.",
        "Linkages – Supports all goals.",
        "Risks – Leaks damage equipment.",
        "Annex A: Acronyms",
        "JSP Joint Strategic Plan",
    ]
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("style", sorted(MARKER_STYLES))
def test_variant_structure(style: str) -> None:
    s = parse_ics_text(_variant(style), source="bih.txt")
    assert [g.code for g in s.goals] == ["1", "2", "3"]
    assert [o.code for g in s.goals for o in g.objectives] == list(VARIANT_OBJECTIVES)
    assert [o.code for o in s.management_objectives] == ["M1", "M2"]
    assert {g.code: g.title for g in s.goals} == VARIANT_GOALS
    assert {o.code: o.title for g in s.goals for o in g.objectives} == VARIANT_OBJECTIVES
    # Section 2 words every goal its own way (" (framework wording)"): said where that is more than an edit
    # (goal 1's short title in every style), and section 3's title is used.
    assert GOAL_WORDING_WARNINGS[0] in s.warnings and set(s.warnings) <= set(GOAL_WORDING_WARNINGS)


@pytest.mark.parametrize("style", sorted(MARKER_STYLES))
def test_variant_texts(style: str) -> None:
    s = parse_ics_text(_variant(style), source="bih.txt")
    objs = _objectives(s)
    assert objs["2.1"].justification == (
        "Objective 2.1 is justified by long experience of the mission with local partners."
        "\n\nPartners in both entities support the effort."
    )
    assert objs["3.3"].linkages == "JSP Objective 3.3; JRS Objective 2.3."
    assert objs["1.2"].risks == "If 1.2 fails, progress stalls."
    assert s.goals[2].description == "Goal 3 matters because the region is changing."
    m1, m2 = s.management_objectives
    assert (m1.title, m1.risks) == ("Recruit and retain a skilled local workforce.", "Turnover slows every program.")
    assert (m2.title, m2.justification, m2.linkages, m2.risks) == (
        "Maintain safe and functional buildings.",
        "The chancery needs a new roof.",
        "Supports all goals.",
        "Leaks damage equipment.",
    )
    for text in _all_texts(s):
        for junk in ("UNCLASSIFIED", "Page ", "INTEGRATED", "Approved", "Acronyms", "Joint"):
            assert junk not in text


def test_variant_mission() -> None:
    m = parse_ics_text(_variant("pipe")).mission
    assert m.country == "Bosnia and Herzegovina"
    assert m.post == "Embassy Sarajevo"
    assert (m.strategy_start, m.strategy_end) == (2023, 2027)
    assert m.approved == datetime.date(2023, 5, 2)
    assert m.updated == datetime.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("code", "label", "attr"),
    [("1.1", "Justification", "justification"), ("2.2", "Linkage", "linkages"),
     ("3.1", "Risk", "risks")],
)  # fmt: skip
def test_variant_missing_field_warns(code: str, label: str, attr: str) -> None:
    s = parse_ics_text(_variant("colon", missing=(code, label)))
    obj = _objectives(s)[code]
    assert getattr(obj, attr) == ""
    field_warnings = [w for w in s.warnings if w not in GOAL_WORDING_WARNINGS]
    assert len(field_warnings) == 1 and code in field_warnings[0]
    assert all(getattr(obj, a) for a in ("justification", "linkages", "risks") if a != attr)


def test_objective_without_goal_warns() -> None:
    text = _variant("colon") + ("\nObjective 7.1: An orphan objective.\nJustification: a\nLinkages: b\nRisks: c\n")
    s = parse_ics_text(text)
    assert "7.1" not in _objectives(s)
    assert any("7.1" in w and "goal 7" in w for w in s.warnings)


MINIMAL = """Integrated Country Strategy – {country}

Mission Goal 1: Goal one.
Mission Objective 1.1: Objective one.
{framework_mgmt}

Mission Goals and Objectives

Mission Goal 1: Goal one.
Description: Described.

Objective 1.1: Objective one.
Justification: Just.
Linkages: Link.
Risks: Risky.

Management Objective

{body_mgmt}
"""


def test_unnumbered_management_objectives_are_numbered_once() -> None:
    text = MINIMAL.format(
        country="THE GAMBIA",
        framework_mgmt="Management Objective: Hire staff.\nManagement Objective: Fix roofs.",
        body_mgmt=(
            "Management Objective: Hire local staff.\nJustification: J1.\nLinkages: L1.\n"
            "Risks: R1.\n\nManagement Objective: Fix the roofs.\nJustification: J2.\n"
            "Linkages: L2.\nRisks: R2."
        ),
    )
    s = parse_ics_text(text)
    assert [(o.code, o.title, o.risks) for o in s.management_objectives] == [
        ("M1", "Hire local staff.", "R1."),
        ("M2", "Fix the roofs.", "R2."),
    ]
    assert s.mission.country == "The Gambia"
    assert s.mission.post == "U.S. Mission to The Gambia"


def test_missing_management_and_period_warn() -> None:
    s = parse_ics_text(MINIMAL.format(country="Chad", framework_mgmt="", body_mgmt=""))
    assert s.management_objectives == []
    assert (s.mission.strategy_start, s.mission.strategy_end) == (0, 0)
    assert any("management" in w for w in s.warnings)
    assert any("period" in w for w in s.warnings)


@pytest.mark.parametrize(
    ("linkages", "expected"),
    [
        # PDF wrapping can put a citation like "Objective 4.4." at the start of a line.
        ("Linkages: JRS Goal 6 and\nObjective 4.4. National Strategy.",
         "JRS Goal 6 and Objective 4.4. National Strategy."),
        ("Linkages: JSP Objective 1.4; JRS\nGoal 5 - regional security.",
         "JSP Objective 1.4; JRS Goal 5 - regional security."),
        ("Linkages: supports the\nrisk - reward balance.", "supports the risk - reward balance."),
    ],
)  # fmt: skip
def test_citation_at_line_start_is_not_a_marker(linkages: str, expected: str) -> None:
    text = MINIMAL.format(country="Peru", framework_mgmt="", body_mgmt="").replace("Linkages: Link.", linkages)
    s = parse_ics_text(text)
    assert list(_objectives(s)) == ["1.1"]
    assert s.goals[0].objectives[0].linkages == expected
    assert s.goals[0].objectives[0].risks == "Risky."


def test_marker_with_colon_after_cut_off_sentence_still_counts() -> None:
    text = MINIMAL.format(country="Peru", framework_mgmt="", body_mgmt="").replace(
        "Risks: Risky.",
        "Risks: This will hinder U.S. business and\nObjective 1.2: Second one.\n"
        "Justification: J.\nLinkages: L.\nRisks: R.",
    )
    s = parse_ics_text(text)
    assert list(_objectives(s)) == ["1.1", "1.2"]
    assert s.goals[0].objectives[0].risks == "This will hinder U.S. business and"
    assert s.goals[0].objectives[1].title == "Second one."


MARKDOWN_HEADINGS = """# Integrated Country Strategy – Kenya

> FOR PUBLIC RELEASE

## Mission Goals and Objectives

## MISSION GOAL 1 – __Kenya__ is a *secure* and prosperous partner.

#### Description

Kenya anchors security in [East Africa](https://example.org/ea) and hosts Embassy Nairobi.

### Objective 1.1 – Kenya's security forces defeat al-Shabaab.

#### Justification

* Al-Shabaab attacks threaten U.S. citizens and Embassy Nairobi staff.
* Kenya contributes troops to regional missions.

#### Linkage

• JSP Objective 1.4.

#### Risks

Attacks would rise.

### Objective 1.2. Kenya's ports meet international security standards.

__Justification:__ Mombasa handles most regional trade.

__Linkages:__ JSP 2.1.

__Risks:__ Trade would divert.

## Annex: Acronyms

- JSP: Joint Strategic Plan
"""


def test_markdown_headings_bold_and_bullets() -> None:
    s = parse_ics_text(MARKDOWN_HEADINGS, source="kenya.md")
    assert s.mission.country == "Kenya"
    assert s.mission.post == "Embassy Nairobi"
    (goal,) = s.goals
    assert goal.title == "Kenya is a secure and prosperous partner."
    assert goal.description == "Kenya anchors security in East Africa and hosts Embassy Nairobi."
    o11, o12 = goal.objectives
    assert (o11.code, o11.title) == ("1.1", "Kenya's security forces defeat al-Shabaab.")
    # Bullet items stay separate lines of one field.
    assert o11.justification == (
        "Al-Shabaab attacks threaten U.S. citizens and Embassy Nairobi staff.\n"
        "Kenya contributes troops to regional missions."
    )
    assert (o11.linkages, o11.risks) == ("JSP Objective 1.4.", "Attacks would rise.")
    assert (o12.code, o12.title) == ("1.2", "Kenya's ports meet international security standards.")
    assert (o12.justification, o12.linkages, o12.risks) == (
        "Mombasa handles most regional trade.",
        "JSP 2.1.",
        "Trade would divert.",
    )
    assert s.warnings == ["no management objective found", "strategy period not found in the document"]


def test_framework_only_objective_is_kept_with_warnings() -> None:
    text = MINIMAL.format(country="Peru", framework_mgmt="", body_mgmt="").replace(
        "Mission Objective 1.1: Objective one.\n",
        "Mission Objective 1.1: Objective one.\nMission Objective 1.2: Only in the framework.\n",
    )
    s = parse_ics_text(text)
    o12 = _objectives(s)["1.2"]
    assert (o12.title, o12.justification, o12.linkages, o12.risks) == ("Only in the framework.", "", "", "")
    assert [w for w in s.warnings if "1.2" in w] == [
        "objective 1.2: no Justification text found",
        "objective 1.2: no Linkages text found",
        "objective 1.2: no Risks text found",
    ]


def _markdown_to_plain(md: str) -> list[str]:
    """Strip the Peru Markdown by hand so it can be typeset as a plain PDF."""
    out = []
    for raw in md.splitlines():
        line = raw.strip().lstrip("#").strip()
        line = line.removeprefix("- ").replace("**", "").replace("\\$", "$").replace("\t", "    ")
        line = line.replace("](#)", "").replace("[", "")
        if line and line != "---":
            out.append(line)
    return out


@pytest.mark.parametrize("lines_per_page", [23, 40, 57])
def test_peru_rendered_as_pdf_matches_markdown(tmp_path: Path, peru: ParsedStrategy, lines_per_page: int) -> None:
    # Different page lengths move the page breaks into titles, sentences and between fields.
    path = tmp_path / "peru.pdf"
    assert _build_pdf(path, _markdown_to_plain(PERU.read_text(encoding="utf-8")), lines_per_page=lines_per_page) > 10

    def norm(value: object) -> object:
        # PDF text has no blank lines, so paragraph breaks inside a field cannot survive.
        if isinstance(value, dict):
            return {k: norm(v) for k, v in value.items()}
        if isinstance(value, list):
            return [norm(v) for v in value]
        return " ".join(value.split()) if isinstance(value, str) else value

    from_pdf = parse_ics_file(path)
    assert norm(from_pdf.to_dict()) == norm(peru.to_dict())
    assert from_pdf.warnings == []


# --------------------------------------------------------------------------- reading


def test_read_document_encodings(tmp_path: Path) -> None:
    bom = tmp_path / "bom.md"
    bom.write_bytes("\ufeff# Título\n".encode())
    assert read_document(bom) == "# Título\n"
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Bogot\xe1 \x96 caf\xe9".encode("latin-1"))
    assert read_document(legacy) == "Bogotá – café"
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024


def test_read_document_utf16(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("Lima – Perú\n".encode("utf-16"))
    assert read_document(path) == "Lima – Perú\n"


def test_pdf_with_owner_password_only_is_readable(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    _build_pdf(plain, PDF_FLOW)
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert PdfReader(path).is_encrypted
    assert parse_ics_file(path).to_dict() == parse_ics_file(plain).to_dict()


@pytest.mark.parametrize(
    ("stamp", "approved", "updated"),
    [
        ("Approved: May 2, 2022", datetime.date(2022, 5, 2), None),
        ("Originally Approved: 21 March 2022", datetime.date(2022, 3, 21), None),
        ("Originally approved: Mar. 21, 2022", datetime.date(2022, 3, 21), None),
        ("APPROVED: 2022-03-21", datetime.date(2022, 3, 21), None),
        ("Approved: March 2022", datetime.date(2022, 3, 1), None),
        ("Reviewed and Updated: Sept. 22, 2023", None, datetime.date(2023, 9, 22)),
        ("Approved: March 2022 | Updated: June 2024", datetime.date(2022, 3, 1), datetime.date(2024, 6, 1)),
    ],
)
def test_approval_stamps(stamp: str, approved: datetime.date | None, updated: datetime.date | None) -> None:
    text = MINIMAL.format(country="Peru", framework_mgmt="", body_mgmt="").replace(
        "Risks: Risky.", f"Risks: Risky and\n{stamp}\nstill risky."
    )
    s = parse_ics_text(text)
    assert (s.mission.approved, s.mission.updated) == (approved, updated)
    assert s.goals[0].objectives[0].risks == "Risky and still risky."
    if approved:
        assert (s.mission.strategy_start, s.mission.strategy_end) == (approved.year, approved.year + 4)


def test_sentence_starting_with_document_name_is_content() -> None:
    text = MINIMAL.format(country="Peru", framework_mgmt="", body_mgmt="").replace(
        "Justification: Just.",
        "Justification: Progress is reviewed against the\nIntegrated Country Strategy by the team.",
    )
    s = parse_ics_text(text)
    assert s.goals[0].objectives[0].justification == (
        "Progress is reviewed against the Integrated Country Strategy by the team."
    )


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _encrypted_pdf(tmp_path: Path) -> Path:
    plain = tmp_path / "plain.pdf"
    _build_pdf(plain, PDF_FLOW)
    writer = PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _blank_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=letter)
    c.rect(100, 100, 200, 200, fill=1)
    c.showPage()
    c.save()
    return path


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], dict[str, int], str]] = [
    ("missing", lambda d: d / "nope.md", {}, "not found"),
    ("directory", lambda d: d, {}, "folder"),
    ("empty", lambda d: _write(d, "empty.md", b""), {}, "empty"),
    ("blank", lambda d: _write(d, "blank.txt", b"  \n\n \t\n"), {}, "empty"),
    ("binary", lambda d: _write(d, "blob.md", b"\x00\x01\xff" * 100), {}, "binary"),
    ("binary-no-nul", lambda d: _write(d, "blob2.txt", bytes(range(1, 32)) * 40), {}, "binary"),
    ("too-big", lambda d: _write(d, "big.md", b"x" * 2048), {"max_bytes": 1024}, "1 KB"),
    ("recipe", lambda d: _write(d, "soup.md", b"# Tomato soup\n\n- 4 tomatoes\n- Simmer 20 "
     b"minutes.\n\nStep 1: chop.\nStep 2: cook.\n"), {}, "not an ICS"),
    ("corrupt-pdf", lambda d: _write(d, "bad.pdf", b"%PDF-1.7\n" + b"\x13garbage" * 50), {},
     "bad.pdf"),
    ("fake-pdf", lambda d: _write(d, "fake.pdf", b"just some text"), {}, "not a valid PDF"),
    ("encrypted-pdf", _encrypted_pdf, {}, "password-protected; this PDF has no text layer; export it with text"),
    ("no-text-pdf", _blank_pdf, {}, "this PDF has no text layer; export it with text"),
    ("embassy-page", lambda d: EMBASSY_PAGE, {}, "not an ICS"),
    ("goals-without-objectives", lambda d: _write(
        d, "half.md", b"Integrated Country Strategy\n\nPERU\n\nMission Goal 1: Only a goal.\n"
        b"Description: Nothing else.\n"), {}, "no mission objectives"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "kwargs", "needle"),
    [pytest.param(m, k, n, id=i) for i, m, k, n in BAD_INPUTS],
)
def test_bad_input_raises_one_line_error(
    tmp_path: Path, make: Callable[[Path], Path], kwargs: dict[str, int], needle: str
) -> None:
    path = make(tmp_path)
    with pytest.raises(IcsParseError) as info:
        parse_ics_file(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert needle.lower() in message.lower()
    assert isinstance(info.value, ValueError)


def test_too_big_message_states_limit(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.md", b"x" * 5000)
    with pytest.raises(IcsParseError, match=r"limit is 4 KB"):
        read_document(path, max_bytes=4096)


@pytest.mark.parametrize("text", ["", "   \n", "hello world", "Goal: eat more vegetables."])
def test_parse_text_rejects_non_ics(text: str) -> None:
    with pytest.raises(IcsParseError, match="not an ICS"):
        parse_ics_text(text, source="note.txt")


def test_error_message_is_collapsed_to_one_line() -> None:
    assert str(IcsParseError("bad\nthing   here")) == "bad thing here"


def test_a_goal_title_that_differs_between_sections_is_warned_about_like_an_objective_title() -> None:
    peru_text = PERU.read_text(encoding="utf-8")
    text = peru_text.replace(
        "**Mission Goal 2:**", "**Mission Goal 2:** Peru's institutions fight corruption. Former title:", 1
    )
    s = parse_ics_text(text, source="peru.md")
    assert "section 2 and section 3 titles differ for goal 2; section 3's title is used" in s.warnings
    assert not [w for w in parse_ics_text(peru_text, source="peru.md").warnings if "goal" in w]
