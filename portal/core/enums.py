"""Shared words: the enums every feature may use, each member with its translated title."""

import enum

from flask_babel import lazy_gettext as _l


class TitledEnum(enum.StrEnum):
    """A kind or status stored by its value and shown by its title: ``DRAFT = "draft", _l("Draft")``.

    One definition instead of an enum plus a parallel dict of titles; ``label`` is the lazily translated
    title (``title`` would hide ``str.title``), ``choices()`` feeds a form's select or radio buttons.
    """

    def __new__(cls, value: str, label=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def choices(cls, members=None) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in (members or cls)]


class Role(TitledEnum):
    """A staff role; a resident has none."""

    EDITOR = "editor", _l("Editor")  # content, schedules, materials, rosters
    MODERATOR = "moderator", _l("Moderator")  # comments, responses, results
    ADMIN = "admin", _l("Administrator")  # staff accounts, everything


class PublishStatus(TitledEnum):
    """Whether residents see a committee, consultation or document."""

    DRAFT = "draft", _l("Draft (not shown)")
    PUBLISHED = "published", _l("Published")
