"""A realistically large database for the benchmarks: ten years of a city's participation.

On top of the demo data (areas, venues, committee, accommodations): about 10,000 meetings across the ten
areas (two a week per area, plus the committee every two months), 200,000 registrations, 500
consultations with 50,000 comments (one of them with 5,000 published opinions), and 5,000 documents.
Rows are written in batches with bulk INSERTs; the people in it are fictional.
"""

import random
from collections import Counter
from datetime import UTC, timedelta

import sqlalchemy as sa

from portal.areas.models import Area, Venue
from portal.comments.models import Comment, Opinion
from portal.committees.models import Committee
from portal.consultations.models import Consultation
from portal.core.timefmt import now_utc
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations.models import Registration

YEARS = 10
MEETINGS_PER_AREA_WEEK = 2
REGISTRATIONS = 200_000
CONSULTATIONS = 500
COMMENTS = 50_000
BIG_CONSULTATION_OPINIONS = 5_000
DOCUMENTS = 5_000
BATCH = 5_000

TOPICS = ["防災", "子育て", "高齢者の見守り", "公園の活用", "買い物支援", "空き家", "地域の居場所", "交通", "多文化共生",
          "健幸まちづくり"]
TOPICS_EN = ["disaster preparedness", "child-rearing", "looking after older residents", "using parks",
             "shopping support", "vacant houses", "places to gather", "transport", "living together across cultures",
             "healthy town"]
FAMILY = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["陽菜", "蓮", "結衣", "大翔", "さくら", "悠真", "美咲", "翔太", "花子", "太郎"]
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _receipt(n: int) -> str:
    chars = []
    for _ in range(8):
        n, r = divmod(n, len(RECEIPT_ALPHABET))
        chars.append(RECEIPT_ALPHABET[r])
    code = "".join(chars)
    return f"{code[:4]}-{code[4:]}"


def _insert(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(sa.insert(model), rows[start:start + BATCH])


def seed_large(seed: int = 2026) -> Counter:
    # bandit B311 waived: repeatable fictional data for benchmarks, nothing secret
    rng = random.Random(seed)  # nosec B311
    counts: Counter = Counter()
    now = now_utc()
    start = now - timedelta(days=365 * (YEARS - 1))
    areas = db.session.execute(sa.select(Area.id, Area.name_ja, Area.name_en)).all()
    venues = db.session.scalars(sa.select(Venue.id)).all()
    committee_id = db.session.scalar(sa.select(Committee.id))

    meetings = []
    for week in range(YEARS * 52):
        day = start + timedelta(weeks=week)
        for area_id, area_ja, area_en in areas:
            for n in range(MEETINGS_PER_AREA_WEEK):
                topic = rng.randrange(len(TOPICS))
                begins = (day + timedelta(days=rng.randrange(7))).replace(hour=9 + 2 * n, minute=0, second=0,
                                                                          microsecond=0, tzinfo=UTC)
                meetings.append({
                    "kind": "area_meeting" if n == 0 else "forum", "status": "published",
                    "title_ja": f"{area_ja}エリアミーティング「{TOPICS[topic]}」",
                    "title_en": f"{area_en} area meeting: {TOPICS_EN[topic]}",
                    "summary_ja": f"{TOPICS[topic]}について、地域のみなさんと話し合います。",
                    "area_id": area_id, "venue_id": rng.choice(venues), "format": "in_person",
                    "starts_at": begins, "ends_at": begins + timedelta(hours=2), "capacity": 40, "seats_taken": 0,
                })
        if week % 9 == 0 and committee_id:
            begins = (day + timedelta(days=4)).replace(hour=9, minute=30, second=0, microsecond=0, tzinfo=UTC)
            meetings.append({
                "kind": "committee", "status": "published", "committee_id": committee_id,
                "title_ja": "多摩市自治推進委員会", "title_en": "Tama City Self-Government Promotion Committee",
                "venue_id": rng.choice(venues), "format": "in_person", "starts_at": begins,
                "ends_at": begins + timedelta(hours=2), "capacity": 10, "seats_taken": 0,
            })
    _insert(Meeting, meetings)
    counts["meetings"] = len(meetings)
    meeting_ids = db.session.scalars(sa.select(Meeting.id).where(Meeting.kind != "committee")).all()

    registrations, seats = [], Counter()
    for n in range(REGISTRATIONS):
        meeting_id = meeting_ids[n % len(meeting_ids)]
        if seats[meeting_id] >= 38:
            status = "waitlisted"
        else:
            status = "confirmed"
            seats[meeting_id] += 1
        registrations.append({
            "meeting_id": meeting_id, "status": status, "channel": "web",
            "name": f"{FAMILY[n % 10]} {GIVEN[(n // 10) % 10]}", "furigana": "タマ ハナコ",
            "email": f"resident{n}@example.jp", "companions": 0, "seats": 1 if status == "confirmed" else 0,
            "locale": "ja" if n % 7 else "en", "confirmed_at": now, "created_at": now,
        })
    _insert(Registration, registrations)
    counts["registrations"] = len(registrations)
    # seats_taken matches the registrations; few distinct values, so one UPDATE per value, not per meeting
    by_taken: dict[int, list[int]] = {}
    for meeting_id, taken in seats.items():
        by_taken.setdefault(taken, []).append(meeting_id)
    for taken, ids in by_taken.items():
        for chunk in range(0, len(ids), 900):
            db.session.execute(sa.update(Meeting).where(Meeting.id.in_(ids[chunk:chunk + 900]))
                               .values(seats_taken=taken))

    consultations = []
    for n in range(CONSULTATIONS):
        opens = start + timedelta(days=n * 365 * YEARS // CONSULTATIONS)
        closes = opens + timedelta(days=30)
        consultations.append({
            "status": "published", "title_ja": f"（仮称）多摩市{TOPICS[n % 10]}計画（案） 第{n + 1}号",
            "title_en": f"Draft plan on {TOPICS_EN[n % 10]} no. {n + 1}", "department_ja": "企画政策部",
            "summary_ja": "計画案への意見を募集します。", "opens_at": opens, "closes_at": closes,
            "results_published_at": closes + timedelta(days=60) if closes + timedelta(days=60) < now else None,
        })
    _insert(Consultation, consultations)
    counts["consultations"] = len(consultations)
    consultation_ids = db.session.scalars(sa.select(Consultation.id).order_by(Consultation.id.desc())).all()
    # the newest one with published results gets the 5,000 opinions (its results page is benchmarked)
    published = db.session.scalars(sa.select(Consultation.id).where(Consultation.results_published_at.isnot(None))
                                   .order_by(Consultation.id.desc())).all()
    big = published[0]
    others = [c for c in consultation_ids if c != big]
    comments = []
    for n in range(COMMENTS):
        consultation_id = big if n < BIG_CONSULTATION_OPINIONS else others[n % len(others)]
        comments.append({
            "consultation_id": consultation_id, "receipt_number": _receipt(n + 1_000_003), "channel": "web",
            "status": "accepted", "text": f"意見{n}: {TOPICS[n % 10]}について、夜間や休日の開催を増やしてください。",
            "public_text": f"{TOPICS[n % 10]}について、夜間や休日の開催を増やしてください。",
            "name": f"{FAMILY[n % 10]} {GIVEN[(n // 10) % 10]}", "email": f"commenter{n}@example.jp",
            "eligibility": "resident", "locale": "ja", "created_at": now,
        })
    _insert(Comment, comments)
    counts["comments"] = len(comments)
    rows = db.session.execute(sa.select(Comment.id, Comment.consultation_id, Comment.public_text)
                              .where(Comment.consultation_id.in_(published))).all()
    categories = ["reflected", "partly", "already", "reference", "other"]
    opinions = [{"comment_id": comment_id, "consultation_id": consultation_id, "position": 0, "summary": text,
                 "response_ja": "ご意見を踏まえ、計画に反映します。", "category": categories[comment_id % 5]}
                for comment_id, consultation_id, text in rows]
    _insert(Opinion, opinions)
    counts["opinions"] = len(opinions)

    committee_meetings = db.session.scalars(sa.select(Meeting.id).where(Meeting.kind == "committee")).all()
    # As in the city's records: about four papers per committee meeting, two per consultation, the rest
    # (reports, handouts) on area meetings and forums.
    parents = [{"meeting_id": m} for m in committee_meetings for _ in range(4)]
    parents += [{"consultation_id": c} for c in consultation_ids for _ in range(2)]
    parents += [{"meeting_id": meeting_ids[(n * 7) % len(meeting_ids)]} for n in range(DOCUMENTS - len(parents))]
    documents = []
    for n, parent in enumerate(parents[:DOCUMENTS]):
        documents.append({
            "kind": "handout", "status": "published", "title_ja": f"資料{n + 1}", "title_en": f"Handout {n + 1}",
            "summary_ja": "会議資料です。", "language": "ja", "original_filename": f"資料{n + 1}.pdf",
            "stored_name": f"large-{n:06d}.pdf", "mime_type": "application/pdf", "size_bytes": 120_000,
            "page_count": 4, "position": n % 5, "created_at": now, "scan_status": "clean", **parent,
        })
    _insert(Document, documents)
    counts["documents"] = len(documents)
    return counts

