"""The demo data set, built from the seed documents (Tama City's 地域協創 programme).

Facts (areas, addresses, populations, committee, rhythm, forum, venues, accommodations)
come from shared/seeds; the people are fictional. Dates are placed around the day the
data is loaded so that there is always something upcoming. Every row is looked up by a
natural key first, so running the loader twice changes nothing.
"""

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from portal.areas.models import Area, DistrictType, Venue
from portal.committees.models import (
    Committee,
    CommitteeMember,
    CommitteeTerm,
    MemberCategory,
    MemberRole,
    PublishStatus,
)
from portal.consultations.models import Consultation, ConsultationPlace
from portal.core.timefmt import now_utc, tokyo_datetime, tokyo_today
from portal.demo.pdf import make_pdf
from portal.documents import services as documents
from portal.documents.models import Document, DocumentKind, ScanStatus
from portal.extensions import db
from portal.meetings.models import (
    Accommodation,
    AgendaItem,
    Meeting,
    MeetingFormat,
    MeetingKind,
    MeetingStatus,
)
from portal.registrations import services as registrations
from portal.registrations.models import (
    AccommodationRequest,
    AgeGroup,
    Channel,
    Registration,
    RegistrationStatus,
)

counts: Counter = Counter()


def get_or_create(model, lookup: dict, **values):
    obj = db.session.scalar(sa.select(model).filter_by(**lookup))
    if obj is None:
        obj = model(**lookup, **values)
        db.session.add(obj)
        db.session.flush()
        counts[model.__tablename__] += 1
    return obj


# Fictional registrants, obviously sample data: local place names as family names, example.jp addresses.
SAMPLE_FAMILY = [("多摩", "タマ"), ("永山", "ナガヤマ"), ("落合", "オチアイ"), ("鶴牧", "ツルマキ"), ("諏訪", "スワ"),
                 ("関戸", "セキド"), ("和田", "ワダ"), ("乞田", "コウダ")]
SAMPLE_GIVEN = [("花子", "ハナコ"), ("太郎", "タロウ"), ("さくら", "サクラ"), ("一郎", "イチロウ"), ("桃子", "モモコ"),
                ("健太", "ケンタ"), ("陽菜", "ヒナ"), ("大和", "ヤマト")]
SAMPLE_AGES = [AgeGroup.SENIOR, AgeGroup.MIDDLE, AgeGroup.SENIOR, AgeGroup.YOUNG, AgeGroup.MIDDLE, AgeGroup.CHILD]

# Seed 001: the ten areas, the schools they cover, and (for the model areas) addresses and populations.
AREAS = [
    ("daiichi", "第一小学区", "Daiichi Elementary School Area", DistrictType.EXISTING,
     "多摩中学校区の大半", "Most of the Tama Junior High School district", None, False),
    ("higashiterakata", "東寺方小学区", "Higashiterakata Elementary School Area", DistrictType.EXISTING,
     "桜ヶ丘3・4、一ノ宮1～4、東寺方1・(地番)一部、落川一部、和田一部",
     "Sakuragaoka 3–4, Ichinomiya 1–4, Higashiterakata 1 and part of the numbered lots, "
     "parts of Ochikawa and Wada", 12000, True),
    ("daini", "第二小学区", "Daini Elementary School Area", DistrictType.EXISTING,
     "和田中学校区の大半(第二小学区と東愛宕中学区のどちらにも含まれない地区を含む)",
     "Most of the Wada Junior High School district, including places in neither the Daini nor "
     "the Higashi-Atago district", None, False),
    ("hijirigaoka", "聖ヶ丘中学区", "Hijirigaoka Junior High School Area", DistrictType.MIXED,
     "連光寺小学校・聖ヶ丘小学校の学区", "The Renkoji and Hijirigaoka elementary school districts", None, False),
    ("higashiatago", "東愛宕中学区", "Higashi-Atago Junior High School Area", DistrictType.MIXED,
     "第三小学校・愛和小学校の学区", "The Daisan and Aiwa elementary school districts", None, False),
    ("suwa", "諏訪中学区", "Suwa Junior High School Area", DistrictType.NEW_TOWN,
     "諏訪1～6、馬引沢1～2、関戸6一部、貝取(地番)一部、乞田一部",
     "Suwa 1–6, Mabikizawa 1–2, part of Sekido 6, parts of Kaitori (numbered lots) and Koda",
     15000, True),
    ("tama-nagayama", "多摩永山中学区", "Tama-Nagayama Junior High School Area", DistrictType.NEW_TOWN,
     "永山小学校・瓜生小学校の学区", "The Nagayama and Uriu elementary school districts", None, False),
    ("seiryo", "青陵中学区", "Seiryo Junior High School Area", DistrictType.NEW_TOWN,
     "貝取1一部・2～5、豊ヶ丘1一部・2～6、南野1・2一部",
     "Kaitori 1 (part) and 2–5, Toyogaoka 1 (part) and 2–6, Minamino 1–2 (part)", 15000, True),
    ("ochiai", "落合中学区", "Ochiai Junior High School Area", DistrictType.NEW_TOWN,
     "東落合小学校・西落合小学校の学区", "The Higashi-Ochiai and Nishi-Ochiai elementary school districts",
     None, False),
    ("tsurumaki", "鶴牧中学区", "Tsurumaki Junior High School Area", DistrictType.NEW_TOWN,
     "南鶴牧小学校・大松台小学校の学区", "The Minami-Tsurumaki and Omatsudai elementary school districts",
     None, False),
]

MODEL_AREA_NOTES = {
    "higashiterakata": (
        "令和2年度からのモデルエリアです。無作為抽出のアンケート(538名回答)や、防災・まちづくりシミュレーション"
        "ゲーム・地域カルテをテーマにしたエリアミーティングを重ねてきました。",
        "A model area since fiscal 2020: a survey of randomly chosen residents (538 replies) and area "
        "meetings on disaster preparedness, a town-planning simulation game and the area profile.",
    ),
    "suwa": (
        "令和2年度からのモデルエリアです。地域福祉推進委員会と連携し、若者世代のニーズ調査やスマートフォン教室など"
        "共助の取組みを進めています。",
        "A model area since fiscal 2020, working with the local welfare committee: a survey of young "
        "people's needs and smartphone classes run by neighbours.",
    ),
    "seiryo": (
        "令和3年度からのモデルエリアです。地域拠点やイベントと連携して、地域に参加するきっかけをつくっています。",
        "A model area since fiscal 2021, using local centres and events as a first step into local life.",
    ),
}

# Venues named in the seeds; access and features as a resident would need them.
VENUES = {
    "library": dict(
        name_ja="中央図書館 活動室1", name_en="Central Library, Activity Room 1",
        address_ja="多摩市落合2-33", address_en="2-33 Ochiai, Tama City",
        access_ja="京王線・小田急線・多摩モノレール 多摩センター駅から徒歩約10分",
        access_en="About 10 minutes on foot from Tama-Center Station (Keio, Odakyu and Tama Monorail)",
        step_free=True, accessible_toilet=True, hearing_loop=True, nursing_room=True, parking=True,
        area="ochiai",
    ),
    "sekido": dict(
        name_ja="関戸公民館", name_en="Sekido Community Hall",
        address_ja="多摩市関戸4-72 ヴィータ・コミューネ8階", address_en="Vita Commune 8F, 4-72 Sekido, Tama City",
        access_ja="京王線 聖蹟桜ヶ丘駅から徒歩約3分", access_en="About 3 minutes on foot from Seiseki-Sakuragaoka Station (Keio)",
        step_free=True, accessible_toilet=True, hearing_loop=False, nursing_room=True, parking=False,
        area="higashiterakata",
    ),
    "cityhall": dict(
        name_ja="多摩市役所 本庁舎 特別会議室", name_en="Tama City Hall, Main Building, Special Meeting Room",
        address_ja="多摩市関戸6-12-1", address_en="6-12-1 Sekido, Tama City",
        access_ja="京王線 聖蹟桜ヶ丘駅から徒歩約10分、またはバス「多摩市役所」下車",
        access_en="About 10 minutes on foot from Seiseki-Sakuragaoka Station, or the bus to Tama-shiyakusho",
        step_free=True, accessible_toilet=True, hearing_loop=True, nursing_room=False, parking=True,
        area=None,
    ),
    "shobukan": dict(
        name_ja="からきだ菖蒲館", name_en="Karakida Shobukan Community Centre",
        address_ja="多摩市唐木田", address_en="Karakida, Tama City",
        access_ja="小田急多摩線 唐木田駅から徒歩約5分", access_en="About 5 minutes on foot from Karakida Station (Odakyu Tama Line)",
        step_free=True, accessible_toilet=True, hearing_loop=False, nursing_room=False, parking=True,
        area="tsurumaki",
    ),
    "hijirikan": dict(
        name_ja="ひじり館", name_en="Hijirikan Community Centre",
        address_ja="多摩市聖ヶ丘", address_en="Hijirigaoka, Tama City",
        access_ja="聖蹟桜ヶ丘駅からバス「聖ヶ丘」下車", access_en="Bus from Seiseki-Sakuragaoka Station to Hijirigaoka",
        step_free=False, accessible_toilet=True, hearing_loop=False, nursing_room=False, parking=True,
        area="hijirigaoka",
    ),
}

COMMITTEE = dict(
    name_ja="自治推進委員会", name_en="Committee for the Promotion of Self-Government",
    purpose_ja=(
        "自治基本条例に基づき、市民参画と協働によるまちづくりの推進について調査・審議し、市長に答申・報告します。"
        "第八期は「誰もがつながり合える多世代共生型コミュニティを目指して」を答申しました。"
    ),
    purpose_en=(
        "Under the Basic Ordinance on Self-Government, the committee studies how residents take part in "
        "and work with the city, and reports to the mayor. The eighth term reported on building "
        "communities where every generation is connected."
    ),
    rhythm_ja="2か月に1回(金曜日の夜)", rhythm_en="Every two months (Friday evenings)",
    observation_ja=(
        "会議は公開です。傍聴を希望する方は、開始時刻までに会場へお越しください。傍聴席は先着10席です。"
        "手話通訳や要約筆記が必要な方は、1週間前までに協創推進室へご連絡ください。"
    ),
    observation_en=(
        "Meetings are public. To observe, come to the venue before the start; there are 10 seats, first come "
        "first served. If you need sign-language interpretation or captioning, tell the Co-creation Office "
        "a week ahead."
    ),
    department_ja="企画政策部 協創推進室", department_en="Co-creation Promotion Office, Policy Planning Department",
)

# Fictional rosters: roles and categories as in seed 000 (two experts, organisation nominees, open-call residents).
MEMBERS = {
    "current": [
        ("佐藤 陽子", "Yoko Sato", "さとう ようこ", MemberRole.VICE_CHAIR, MemberCategory.EXPERT,
         "市外の大学 准教授(行政学・地方自治論)", "Associate professor of public administration"),
        ("高橋 誠", "Makoto Takahashi", "たかはし まこと", MemberRole.MEMBER, MemberCategory.EXPERT,
         "地域研究機関 主任研究員(地域経済学)", "Senior researcher in regional economics"),
        ("伊藤 健一", "Kenichi Ito", "いとう けんいち", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "市立中学校PTA連合会", "Federation of Junior High School PTAs"),
        ("渡辺 美和", "Miwa Watanabe", "わたなべ みわ", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "子育て支援NPO", "Child-raising support non-profit"),
        ("中村 和夫", "Kazuo Nakamura", "なかむら かずお", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "地域福祉推進委員会", "Local welfare promotion committee"),
        ("小林 直樹", "Naoki Kobayashi", "こばやし なおき", MemberRole.CHAIR, MemberCategory.PUBLIC, None, None),
        ("加藤 さくら", "Sakura Kato", "かとう さくら", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
        ("山本 拓海", "Takumi Yamamoto", "やまもと たくみ", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
        ("吉田 恵子", "Keiko Yoshida", "よしだ けいこ", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
    ],
    "previous": [
        ("松本 浩", "Hiroshi Matsumoto", "まつもと ひろし", MemberRole.CHAIR, MemberCategory.EXPERT,
         "市外の大学 教授(都市政策)", "Professor of urban policy"),
        ("井上 真理", "Mari Inoue", "いのうえ まり", MemberRole.MEMBER, MemberCategory.EXPERT,
         "まちづくりコンサルタント", "Community-planning consultant"),
        ("木村 修", "Osamu Kimura", "きむら おさむ", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "自治会連合会", "Federation of neighbourhood associations"),
        ("林 由美", "Yumi Hayashi", "はやし ゆみ", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "青少年育成団体", "Youth development group"),
        ("清水 隆", "Takashi Shimizu", "しみず たかし", MemberRole.MEMBER, MemberCategory.NOMINATED,
         "社会福祉協議会", "Council of Social Welfare"),
        ("山口 恵美", "Emi Yamaguchi", "やまぐち えみ", MemberRole.VICE_CHAIR, MemberCategory.PUBLIC, None, None),
        ("森 大輔", "Daisuke Mori", "もり だいすけ", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
        ("池田 葵", "Aoi Ikeda", "いけだ あおい", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
        ("橋本 勝", "Masaru Hashimoto", "はしもと まさる", MemberRole.MEMBER, MemberCategory.PUBLIC, None, None),
    ],
}

COMMITTEE_AGENDA = [
    [("地域協創の取組み状況について", "Progress of regional co-creation"),
     ("エリアミーティングの報告", "Reports from the area meetings"),
     ("その他", "Other business")],
    [("改正地方自治法(指定地域共同活動団体制度)について", "The amended Local Autonomy Act (designated community groups)"),
     ("協創サポーター研修制度について", "The co-creation supporter training for city staff"),
     ("その他", "Other business")],
    [("協働指針の改定について", "Revising the collaboration guidelines"),
     ("市民参画の手引きの更新について", "Updating the guide to residents' participation"),
     ("その他", "Other business")],
]


def _third_friday(year: int, month: int) -> date:
    first = date(year, month, 1)
    offset = (4 - first.weekday()) % 7
    return first + timedelta(days=offset + 14)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _kinds(acc: dict, *codes: str) -> list[Accommodation]:
    """The catalogue's kinds by code, in catalogue order; one staff have deleted is left out."""
    return sorted((acc[code] for code in codes if code in acc), key=lambda a: a.position)


def _document(parent: dict, kind: DocumentKind, title_ja: str, title_en: str, summary_ja: str,
              summary_en: str | None, filename: str, pages: int = 1, position: int = 0) -> Document:
    existing = db.session.scalar(sa.select(Document).filter_by(title_ja=title_ja, **parent))
    if existing is not None:
        return existing
    content = make_pdf(title_ja, [summary_ja[i:i + 40] for i in range(0, len(summary_ja), 40)], pages)
    stored = documents.new_stored_name(".pdf")
    (documents.upload_folder() / stored).write_bytes(content)
    return get_or_create(
        Document, dict(title_ja=title_ja, **parent),
        title_en=title_en, kind=kind, status=PublishStatus.PUBLISHED, summary_ja=summary_ja,
        summary_en=summary_en, language="ja", original_filename=filename, stored_name=stored,
        mime_type="application/pdf", size_bytes=len(content), page_count=pages, position=position,
        scan_status=ScanStatus.CLEAN,  # written by the portal itself, not uploaded: nothing to scan
    )


def load() -> Counter:
    counts.clear()
    today = tokyo_today()
    # The 合理的配慮 catalogue comes with the database (its migration); meetings offer kinds by code.
    acc = {a.code: a for a in db.session.scalars(sa.select(Accommodation))}

    areas = {}
    for position, (slug, ja, en, kind, covers_ja, covers_en, population, model) in enumerate(AREAS):
        note_ja, note_en = MODEL_AREA_NOTES.get(slug, (None, None))
        areas[slug] = get_or_create(
            Area, dict(slug=slug), name_ja=ja, name_en=en, district_type=kind, covers_ja=covers_ja,
            covers_en=covers_en, population=population, is_model_area=model, position=position,
            description_ja=note_ja, description_en=note_en,
        )

    venues = {}
    for key, values in VENUES.items():
        values = dict(values)
        area_slug = values.pop("area")
        venues[key] = get_or_create(
            Venue, dict(name_ja=values.pop("name_ja")), area=areas.get(area_slug), **values
        )

    committee = _load_committee(today, venues, acc)
    _load_meetings(today, areas, venues, acc)
    _load_consultations(today, venues)
    del committee
    return counts


def _load_committee(today: date, venues: dict, acc: dict) -> Committee:
    committee = get_or_create(Committee, dict(slug="jichi-suishin"), status=PublishStatus.PUBLISHED, **COMMITTEE)
    # The current (ninth) term began in November, 6 to 18 months ago, so it has a past and a future.
    start_year = today.year - 1 if today.month >= 5 else today.year - 2
    current_start = date(start_year, 11, 1)
    terms = {
        "previous": (8, date(start_year - 2, 11, 1), (
            "諮問「市民・地域と行政との新たな協働のしくみづくり」。地域協創の制度化を検討し、答申「誰もがつながり合える"
            "多世代共生型コミュニティを目指して～多摩市版「地域協創」のしくみ・しかけづくり～」をまとめました。",
            "Asked how residents, communities and the city can work together in new ways, the eighth term "
            "designed regional co-creation and reported on building communities that connect every generation.",
        )),
        "current": (9, current_start, (
            "地域協創の運用状況の確認と、改正地方自治法の指定地域共同活動団体制度の適用について協議します。",
            "The ninth term reviews how regional co-creation works in practice and whether the city should use "
            "the designated community group system of the amended Local Autonomy Act.",
        )),
    }
    for key, (number, starts_on, (charge_ja, charge_en)) in terms.items():
        term = get_or_create(
            CommitteeTerm, dict(committee_id=committee.id, number=number), starts_on=starts_on,
            ends_on=_add_months(starts_on, 24) - timedelta(days=1), charge_ja=charge_ja, charge_en=charge_en,
        )
        for position, (ja, en, kana, role, category, aff_ja, aff_en) in enumerate(MEMBERS[key]):
            get_or_create(
                CommitteeMember, dict(term_id=term.id, name_ja=ja), name_en=en, furigana=kana, role=role,
                category=category, affiliation_ja=aff_ja, affiliation_en=aff_en, position=position,
            )
        # Every two months, on the third Friday evening, twelve meetings a term.
        for index in range(12):
            month = _add_months(starts_on, index * 2)
            day = _third_friday(month.year, month.month)
            number_in_term = index + 1
            meeting = get_or_create(
                Meeting, dict(committee_id=committee.id, kind=MeetingKind.COMMITTEE,
                              title_ja=f"第{number}期 第{number_in_term}回 自治推進委員会"),
                title_en=f"Committee for the Promotion of Self-Government, term {number}, meeting {number_in_term}",
                number=number_in_term, status=MeetingStatus.PUBLISHED, starts_at=tokyo_datetime(day, 19),
                ends_at=tokyo_datetime(day, 21), venue=venues["cityhall"], capacity=10,
                summary_ja="会議は公開です。傍聴席は先着10席です。", summary_en="The meeting is public. 10 seats for observers, first come first served.",
            )
            if not meeting.accommodations:
                meeting.accommodations = _kinds(acc, "sign_language", "captioning", "wheelchair")
            if not meeting.agenda_items:
                for position, (ja, en) in enumerate(COMMITTEE_AGENDA[index % len(COMMITTEE_AGENDA)]):
                    meeting.agenda_items.append(AgendaItem(position=position, title_ja=ja, title_en=en))
                    counts["agenda_items"] += 1
            parent = dict(meeting_id=meeting.id)
            # Materials are published a week before; minutes after the meeting.
            if day - timedelta(days=7) <= today:
                _document(parent, DocumentKind.AGENDA, f"第{number_in_term}回 次第", f"Agenda of meeting {number_in_term}",
                          "会議の次第(議題の一覧)です。", "The agenda of the meeting.",
                          f"第{number}期第{number_in_term}回_次第.pdf", position=0)
                _document(parent, DocumentKind.HANDOUT, "資料1 地域協創の取組み状況", "Handout 1: progress of regional co-creation",
                          "エリアミーティングの開催状況、協創サポーター研修の参加状況(17人で30行事に61回参加)をまとめた資料です。",
                          "Area meetings held so far and the staff supporters' activity (17 staff, 30 events, 61 visits).",
                          f"第{number}期第{number_in_term}回_資料1.pdf", pages=2, position=1)
            if day < today:
                _document(parent, DocumentKind.MINUTES, f"第{number_in_term}回 会議録", f"Minutes of meeting {number_in_term}",
                          "出席委員、議事の経過、主な意見をまとめた会議録です。", None,
                          f"第{number}期第{number_in_term}回_会議録.pdf", pages=3, position=2)
    _document(dict(committee_id=committee.id), DocumentKind.REPORT,
              "第八期自治推進委員会 答申", "Report of the eighth term",
              "誰もがつながり合える多世代共生型コミュニティを目指して～多摩市版「地域協創」のしくみ・しかけづくり～。"
              "エリアの設定、地域担当職員、中間支援組織のあり方を提言しています。",
              "Towards communities where every generation is connected: proposals on areas, area staff and "
              "intermediary support organisations.", "第八期自治推進委員会答申.pdf", pages=4)
    return committee


def _load_meetings(today: date, areas: dict, venues: dict, acc: dict) -> None:
    common = _kinds(acc, "sign_language", "captioning", "wheelchair", "childcare", "front_seat", "large_print",
                    "carer", "other")
    # The 協創フォーラム is held on 1 February, 14:00–16:00, at the Central Library (seed 000).
    forum_day = date(today.year + (today >= date(today.year, 2, 1)), 2, 1)
    forum = get_or_create(
        Meeting, dict(kind=MeetingKind.FORUM, title_ja="条例20周年 協創フォーラム"),
        title_en="Co-creation Forum: 20 years of the Self-Government Ordinance",
        summary_ja=(
            "「多摩市自治基本条例施行20年のあゆみとこれからについて考える」\n\n"
            "- 【対談】条例策定と、できてから20年の変化(市長と自治推進委員会委員長)\n"
            "- 【活動報告】市や活動者からの報告、各エリアでの活動実践の紹介\n"
            "- 【対話】終了後、来場者と発表者の懇談。16時以降はパネル展示と対話"
        ),
        summary_en=(
            "Looking back on 20 years of the Basic Ordinance on Self-Government, and ahead.\n\n"
            "- A conversation between the mayor and the committee chair\n"
            "- Reports from the city and from people active in each area\n"
            "- Afterwards, time to talk with the speakers; panel exhibition from 4 pm"
        ),
        status=MeetingStatus.PUBLISHED, starts_at=tokyo_datetime(forum_day, 14), ends_at=tokyo_datetime(forum_day, 16),
        venue=venues["library"], capacity=80, reserved_seats=5,
        registration_closes_at=tokyo_datetime(forum_day - timedelta(days=3), 17),
    )
    _book(forum, 23, acc, requests=[("sign_language", None), ("wheelchair", None)])
    if not forum.accommodations:
        forum.accommodations = common + _kinds(acc, "hearing_loop", "braille", "text_data", "language_support",
                                                   "interpretation", "assistance_dog")

    # Area meetings from the model-area work (seed 001), on weekend mornings around today.
    area_meetings = [
        ("higashiterakata", "sekido", -40, "東寺方エリアミーティング「防災」", "Higashiterakata area meeting: disaster preparedness",
         "地域の防災について、地域資源や課題を地域カルテで共有します。", "Sharing local resources and risks for disaster preparedness.", 40, 38),
        ("higashiterakata", "sekido", 20, "東寺方エリアミーティング「まちづくりシミュレーションゲーム」",
         "Higashiterakata area meeting: town-planning simulation game",
         "ゲームを通じて、10年後のまちを一緒に考えます。", "A game to imagine our town ten years from now.", 30, 12),
        ("suwa", "sekido", 27, "諏訪中エリアミーティング「若者と地域」", "Suwa area meeting: young people and the neighbourhood",
         "若者世代のニーズ調査の結果を共有し、参加のきっかけを話し合います。", "Results of the survey of young people, and how to get involved.", 30, 30),
        ("seiryo", "shobukan", 34, "青陵中エリアミーティング「地域の居場所」", "Seiryo area meeting: places to gather",
         "地域拠点やイベントと連携した居場所づくりを話し合います。", "Talking about places to gather, with local centres and events.", 35, 8),
        ("hijirigaoka", "hijirikan", 48, "聖ヶ丘中エリアミーティング「多世代のつながり」", "Hijirigaoka area meeting: connecting generations",
         "子どもからシニアまで、多世代がつながる地域を考えます。", "How children, young people, parents and seniors can connect.", 30, 0),
        ("higashiterakata", None, 55, "東寺方エリアミーティング「地域カルテ・地域ビジョン」(オンライン)",
         "Higashiterakata area meeting: area profile and vision (online)",
         "オンラインで地域カルテと地域ビジョンを確認します。", "An online session on the area profile and vision.", None, 4),
    ]
    for slug, venue, offset, ja, en, sum_ja, sum_en, capacity, taken in area_meetings:
        day = today + timedelta(days=offset)
        day += timedelta(days=(5 - day.weekday()) % 7)  # the next Saturday
        online = venue is None
        meeting = get_or_create(
            Meeting, dict(kind=MeetingKind.AREA_MEETING, title_ja=ja), title_en=en, summary_ja=sum_ja,
            summary_en=sum_en, area=areas[slug], status=MeetingStatus.PUBLISHED,
            format=MeetingFormat.ONLINE if online else MeetingFormat.IN_PERSON,
            starts_at=tokyo_datetime(day, 10), ends_at=tokyo_datetime(day, 12),
            venue=None if online else venues[venue], capacity=capacity,
            registration_closes_at=tokyo_datetime(day - timedelta(days=2), 17),
            online_url="https://meet.example.jp/higashiterakata" if online else None,
        )
        _book(meeting, taken, acc, RegistrationStatus.ATTENDED if offset < 0 else RegistrationStatus.CONFIRMED,
              requests=[("childcare", "2人(3歳・6歳)")] if taken and not online else ())
        if offset < 0 and meeting.attendance is None:
            meeting.attendance = taken
            meeting.report_ja = "38名が参加し、避難所の運営と日頃の見守りについて話し合いました。"
            meeting.report_en = "38 people took part and discussed running evacuation centres and looking out for neighbours."
        if not meeting.accommodations:
            meeting.accommodations = (
                _kinds(acc, "captioning", "text_data", "language_support") if online else common
            )

    seminar_day = today + timedelta(days=41)
    seminar_day += timedelta(days=(6 - seminar_day.weekday()) % 7)  # a Sunday
    seminar = get_or_create(
        Meeting, dict(kind=MeetingKind.SEMINAR, title_ja="わがまち学習講座「はじめての地域活動」"),
        title_en="Learning about our town: a first step into local activities",
        summary_ja="地域で活動する人の話を聞き、グループで話し合うワークショップです。",
        summary_en="Hear from people active in their area, then talk it over in small groups.",
        status=MeetingStatus.PUBLISHED, starts_at=tokyo_datetime(seminar_day, 13, 30),
        ends_at=tokyo_datetime(seminar_day, 15, 30), venue=venues["library"], capacity=40,
    )
    _book(seminar, 40, acc, waiting=2)
    if not seminar.accommodations:
        seminar.accommodations = common
    briefing_day = today + timedelta(days=12)
    briefing_day += timedelta(days=(5 - briefing_day.weekday()) % 7)
    briefing = get_or_create(
        Meeting, dict(kind=MeetingKind.BRIEFING, title_ja="協働指針(改定案)説明会"),
        title_en="Briefing on the draft revised collaboration guidelines",
        summary_ja="パブリックコメント中の協働指針(改定案)について、担当者が説明し、質問にお答えします。",
        summary_en="Staff explain the draft revised collaboration guidelines, open for public comment, and answer questions.",
        status=MeetingStatus.PUBLISHED, starts_at=tokyo_datetime(briefing_day, 14),
        ends_at=tokyo_datetime(briefing_day, 15, 30), venue=venues["sekido"], capacity=50,
    )
    _book(briefing, 6, acc)
    if not briefing.accommodations:
        briefing.accommodations = common
    cancelled_day = today + timedelta(days=15)
    get_or_create(
        Meeting, dict(kind=MeetingKind.AREA_MEETING, title_ja="落合中エリアミーティング「公園の使い方」"),
        title_en="Ochiai area meeting: how we use our parks", area=areas["ochiai"],
        status=MeetingStatus.CANCELLED, starts_at=tokyo_datetime(cancelled_day, 10),
        ends_at=tokyo_datetime(cancelled_day, 12), venue=venues["library"], capacity=30,
        cancel_reason_ja="会場の設備点検のため中止します。日程を改めてお知らせします。",
        cancel_reason_en="Cancelled because of maintenance work at the venue. A new date will be announced.",
    )
    get_or_create(
        Meeting, dict(kind=MeetingKind.AREA_MEETING, title_ja="鶴牧中エリアミーティング(準備中)"),
        title_en="Tsurumaki area meeting (in preparation)", area=areas["tsurumaki"],
        status=MeetingStatus.DRAFT, starts_at=tokyo_datetime(today + timedelta(days=70), 10),
        venue=venues["shobukan"], capacity=30,
    )


def _book(meeting: Meeting, people: int, acc: dict, status: RegistrationStatus = RegistrationStatus.CONFIRMED,
          waiting: int = 0, requests=()) -> None:
    """Fictional registrants for `people` seats (every fifth brings a companion) and `waiting` more on the
    waiting list. Seats are counted by the portal's own seat counter, never set, so the roster, the seat
    figures and the public page agree. Added once: a meeting that has registrations is left alone."""
    if db.session.scalar(sa.select(Registration.id).where(Registration.meeting_id == meeting.id).limit(1)):
        return
    registrations.recount_seats(meeting.id)  # a counter set directly by an older demo holds nobody's seat
    n = 0
    while people > 0 or waiting > 0:
        companions = 1 if n % 5 == 4 and people > 1 else 0
        family, family_kana = SAMPLE_FAMILY[n % len(SAMPLE_FAMILY)]
        given, given_kana = SAMPLE_GIVEN[(n // len(SAMPLE_FAMILY) + n) % len(SAMPLE_GIVEN)]
        registration = Registration(
            meeting_id=meeting.id, channel=Channel.WEB, name=f"{family} {given}", furigana=f"{family_kana} {given_kana}",
            email=f"sample{n + 1:03d}@example.jp", age_group=SAMPLE_AGES[n % len(SAMPLE_AGES)], companions=companions,
            locale="ja",
        )
        if n < len(requests) and (kind := acc.get(requests[n][0])):
            registration.requests.append(AccommodationRequest(accommodation_id=kind.id, details=requests[n][1]))
        if people > 0 and registrations.seat_or_wait(registration, status):
            people -= 1 + companions
        else:
            registration.status = RegistrationStatus.WAITLISTED
            db.session.add(registration)
            people, waiting = 0, waiting - 1
        counts["registrations"] += 1
        n += 1
    db.session.expire(meeting, ["seats_taken"])


def _load_consultations(today: date, venues: dict) -> None:
    common = dict(
        status=PublishStatus.PUBLISHED,
        department_ja="企画政策部 協創推進室", department_en="Co-creation Promotion Office, Policy Planning Department",
        eligibility_ja="市内在住・在勤・在学の方、市内で事業を営む方、その他このテーマに利害関係のある方",
        eligibility_en="People who live, work or study in the city, businesses in the city, and anyone else with an interest in this plan",
        postal_address_ja="〒206-8666 多摩市関戸6-12-1 多摩市役所 協創推進室",
        postal_address_en="Co-creation Promotion Office, Tama City Hall, 6-12-1 Sekido, Tama City 206-8666",
        fax="042-000-0000",
    )
    opens = today - timedelta(days=10)
    closes = opens + timedelta(days=35)
    open_one = get_or_create(
        Consultation, dict(title_ja="多摩市協働指針(改定案)"),
        title_en="Tama City collaboration guidelines (draft revision)",
        summary_ja=(
            "市民・市民活動団体・事業者・市が協働してまちづくりを進めるための指針を改定します。\n\n"
            "主な改定点:\n\n"
            "- 地域協創(エリアを基盤とした多様な主体のゆるやかなつながり)の位置づけ\n"
            "- オンラインでの参加や、障がいのある方への合理的配慮\n"
            "- 協働の形態(後援・事業協力・共催・補助・委託)の整理"
        ),
        summary_en=(
            "The city is revising its guidelines on how residents, community groups, businesses and the city "
            "work together.\n\nMain changes:\n\n"
            "- the place of regional co-creation (loose networks based on each area)\n"
            "- taking part online, and reasonable accommodation for people with disabilities\n"
            "- the forms of collaboration (endorsement, cooperation, co-hosting, grants, commissioning)"
        ),
        opens_at=tokyo_datetime(opens, 0), closes_at=tokyo_datetime(closes, 23, 59), **common,
    )
    _document(dict(consultation_id=open_one.id), DocumentKind.DRAFT, "多摩市協働指針(改定案)",
              "Collaboration guidelines (draft revision)",
              "協働の基本ルール(補完性・相互理解・目的共有・対等性・公開性)と、協働の形態、推進体制を定めた指針の改定案です。",
              "The draft: basic rules of collaboration (subsidiarity, mutual understanding, shared aims, equality, "
              "openness), its forms, and how the city will support it.", "協働指針_改定案.pdf", pages=6)
    _document(dict(consultation_id=open_one.id), DocumentKind.HANDOUT, "改定案の概要(A4 1枚)",
              "Summary of the draft (one page)", "改定案の主な変更点を1ページにまとめたものです。", None,
              "協働指針_改定案_概要.pdf", position=1)
    closed_opens = today - timedelta(days=95)
    closed = get_or_create(
        Consultation, dict(title_ja="市民参画の手引き(改訂案)"),
        title_en="Guide to residents' participation (draft revision)",
        summary_ja=(
            "市の職員が市民参画を進めるための手引きを改訂します。オンライン対応、パブリックコメント投函場所の変更"
            "(図書館本館から中央図書館へ、聖蹟桜ヶ丘駅出張所から関戸公民館へ)、障がいのある方への合理的配慮を追加します。"
        ),
        summary_en=(
            "The guide that city staff follow to involve residents is being revised: online participation, new "
            "drop-off points for paper comments (the Central Library and Sekido Community Hall), and reasonable "
            "accommodation for people with disabilities."
        ),
        opens_at=tokyo_datetime(closed_opens, 0), closes_at=tokyo_datetime(closed_opens + timedelta(days=30), 23, 59),
        **common,
    )
    _document(dict(consultation_id=closed.id), DocumentKind.DRAFT, "市民参画の手引き(改訂案)",
              "Guide to residents' participation (draft revision)",
              "審議会・懇談会の運営、パブリックコメント、説明会、オンライン参加の進め方をまとめた手引きの改訂案です。",
              None, "市民参画の手引き_改訂案.pdf", pages=5)
    places = [
        ("library", "1階 カウンター横。開館時間中にご覧いただけます。", "Next to the ground-floor counter, during opening hours."),
        ("sekido", "窓口でお声がけください。", "Ask at the reception desk."),
        ("cityhall", "本庁舎 協創推進室(平日8時30分～17時)", "Co-creation Promotion Office, weekdays 8:30 am–5 pm"),
    ]
    results = _load_results(today, common)
    for consultation in (open_one, closed, results):
        for position, (key, note_ja, note_en) in enumerate(places):
            get_or_create(
                ConsultationPlace, dict(consultation_id=consultation.id, venue_id=venues[key].id),
                note_ja=note_ja, note_en=note_en, accepts_paper=True, position=position,
            )


def _load_results(today: date, common: dict) -> Consultation:
    """A consultation whose results are published: comments (fictional submitters), opinions and responses."""
    from portal.comments.models import Comment, ConsultationSection, Opinion, OpinionGroup

    opens = today - timedelta(days=200)
    consultation = get_or_create(
        Consultation, dict(title_ja="多摩市自治基本条例(改正案)"),
        title_en="Basic Ordinance on Self-Government (draft amendment)",
        summary_ja="地域協創の考え方を条例に盛り込み、参画と協働の定義を改めます。",
        summary_en="The amendment writes regional co-creation into the ordinance and updates the definitions of "
                   "participation and collaboration.",
        opens_at=tokyo_datetime(opens, 0), closes_at=tokyo_datetime(opens + timedelta(days=30), 23, 59),
        changes_ja="第2条の「協働」の定義に「市民・議会・行政」を明記しました。",
        changes_en="Article 2 now names residents, the council and the city in the definition of collaboration.",
        results_published_at=now_utc() - timedelta(days=120), **common,
    )
    sections = [get_or_create(ConsultationSection, dict(consultation_id=consultation.id, title_ja=ja),
                              title_en=en, position=n)
                for n, (ja, en) in enumerate([("第2条 定義", "Article 2: definitions"),
                                              ("第5章 地域協創", "Chapter 5: regional co-creation")])]
    group = get_or_create(OpinionGroup, dict(consultation_id=consultation.id, title_ja="若い世代の参画"),
                          response_ja="協創サポーター制度やオンライン参加を通じて、若い世代が参加しやすい機会を広げます。",
                          response_en="Through the co-creation supporters and online participation, the city will widen "
                                      "the chances for young people to take part.", category="partly")
    samples = [
        ("web", "市民 A", "若い世代が参加できるよう、夜や週末の会議を増やしてほしい。", sections[1], group, None, None),
        ("web", "市民 B", "学生がオンラインで意見を出せるしくみがほしい。", sections[1], group, None, None),
        ("paper", "市民 C", "「協働」の定義に議会も含めるべきだと思う。", sections[0], None,
         "ご意見を踏まえ、第2条に「市民・議会・行政」を明記しました。", "reflected"),
        ("mail", "市民 D", "エリアの区分は学区を基本とすることに賛成です。", sections[1], None,
         "エリアは小中学校の学区を基本として設定しています。", "already"),
    ]
    for n, (channel, name, text, section, grp, response, category) in enumerate(samples):
        comment = get_or_create(
            Comment, dict(consultation_id=consultation.id, text=text),
            receipt_number=f"DEMO-{n + 1:04d}", channel=channel, status="accepted", public_text=text,
            section_id=section.id, name=name, address="多摩市内", email=f"demo{n + 1}@example.invalid",
            eligibility="resident",
        )
        get_or_create(Opinion, dict(comment_id=comment.id, position=0), consultation_id=consultation.id, summary=text,
                      section_id=section.id, group_id=grp.id if grp else None, response_ja=response,
                      category=category)
    return consultation
