"""accommodation catalogue data and retired flags (issue 10.1)

Revision ID: a10a00000001
Revises: 974945c2b963
Create Date: 2026-11-29 10:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'a10a00000001'
down_revision = '974945c2b963'
branch_labels = None
depends_on = None

TABLES = ("accommodations", "areas", "venues", "committees")

# The standard 合理的配慮 catalogue: code, 日本語, English, lead days, details prompt (ja, en).
# Codes are those the demo data used before (the meetings filter links by code), so older databases keep
# working. Sign language and captioning: one week, as the city asks in its committee's observation rules.
CATALOGUE = [
    ("sign_language", "手話通訳", "Sign-language interpretation", 7, None, None),
    ("captioning", "要約筆記", "Live captioning (summary writing)", 7, None, None),
    ("wheelchair", "車いすスペース", "Wheelchair space", 3, None, None),
    ("front_seat", "前方席", "Seat near the front", 0, None, None),
    ("hearing_loop", "ヒアリングループ", "Hearing loop", 3, None, None),
    ("braille", "点字資料", "Materials in braille", 14, None, None),
    ("large_print", "拡大文字資料", "Large-print materials", 7,
     "希望する文字の大きさ(例：18ポイント)", "The text size you need (for example 18 point)"),
    ("text_data", "テキストデータでの資料提供", "Materials as a text file", 7,
     "希望するファイルの形式(テキスト、Wordなど)", "The file format you prefer (plain text, Word …)"),
    ("childcare", "託児", "Childcare", 7, "お子さんの人数と年齢", "Number and ages of the children"),
    ("assistance_dog", "補助犬の同伴", "Coming with an assistance dog", 3,
     "補助犬の種類(盲導犬・介助犬・聴導犬)", "Which kind of dog (guide, service or hearing dog)"),
    ("carer", "介助者の同伴", "Coming with a carer", 0, "介助者の人数", "How many carers come with you"),
    ("rest_seating", "休憩・座席への配慮", "Breaks or seating arrangements", 3,
     "必要な配慮の内容(例：途中での休憩、出入口に近い席)", "What you need (for example breaks, a seat near the door)"),
    ("language_support", "やさしい日本語での案内", "Guidance in plain Japanese", 3, None, None),
    ("interpretation", "外国語通訳(English・中文・한국어・Tiếng Việt)",
     "Interpretation (English, Chinese, Korean, Vietnamese)", 14,
     "希望する言語(English・中文・한국어・Tiếng Việt)", "Which language: English, Chinese, Korean or Vietnamese"),
    ("other", "その他", "Other (please describe)", 7, "必要な配慮の内容", "What you need"),
]

accommodations = sa.table(
    "accommodations",
    sa.column("code", sa.String), sa.column("name_ja", sa.String), sa.column("name_en", sa.String),
    sa.column("lead_days", sa.Integer), sa.column("details_prompt_ja", sa.String),
    sa.column("details_prompt_en", sa.String), sa.column("position", sa.Integer),
)


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("retired_at", sa.DateTime(), nullable=True))
    # Only the missing codes: kinds staff already have keep their codes, names and lead times. New kinds follow
    # the existing ones in catalogue order, and その他 stays last (if it exists, only its position moves).
    bind = op.get_bind()
    existing = dict(bind.execute(sa.select(accommodations.c.code, accommodations.c.position)).all())
    start = max(existing.values(), default=-1) + 1
    missing = [row for row in CATALOGUE if row[0] not in existing and row[0] != "other"]
    if "other" not in existing:
        missing.append(CATALOGUE[-1])
    rows = [dict(code=code, name_ja=ja, name_en=en, lead_days=lead, details_prompt_ja=prompt_ja,
                 details_prompt_en=prompt_en, position=position)
            for position, (code, ja, en, lead, prompt_ja, prompt_en) in enumerate(missing, start)]
    if rows:
        op.bulk_insert(accommodations, rows)
    before_other = [row["position"] for row in rows] + [p for code, p in existing.items() if code != "other"]
    if "other" in existing and max(before_other, default=-1) >= existing["other"]:
        bind.execute(accommodations.update().where(accommodations.c.code == "other")
                     .values(position=max(before_other) + 1))


def downgrade():
    # The catalogue rows stay: registrations may already refer to them, and the older schema holds them as they are.
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("retired_at")
