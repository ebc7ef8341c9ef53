from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.comments.forms import CommentForm
from portal.comments.models import CommentChannel, CommentStatus, ResponseCategory
from portal.core.forms import ChoiceField, OptionalSelectField, QueryForm

CATEGORY_CHOICES = [("", _l("Not decided yet"))] + ResponseCategory.choices()


class QueueFilterForm(QueryForm):
    status = ChoiceField(_l("Status"), default="received")
    q = StringField(_l("Text or receipt number contains"), [Optional(), Length(max=100)])

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.status.choices = [("", _l("Any status"))] + CommentStatus.choices()


class ModerationForm(FlaskForm):
    public_text = TextAreaField(_l("Public version of the text"), [InputRequired(_l("The public version cannot be empty."))],
                                description=_l("Remove names, phone numbers or addresses of people typed in the text. "
                                               "The original is kept and stays visible to moderators only."))
    section = OptionalSelectField(_l("Part of the plan"), empty_label=_l("The whole plan"))
    exclusion_reason = TextAreaField(_l("Reason for not counting it (told to the submitter)"), [Optional(), Length(max=2000)],
                                     description=_l("For example: unrelated to the plan, defamatory, or it contains other "
                                                    "people's personal data."))


class OpinionForm(FlaskForm):
    summary = TextAreaField(_l("Opinion (summary, public)"), [InputRequired(_l("Write the opinion.")), Length(max=5000)])
    section = OptionalSelectField(_l("Part of the plan"), empty_label=_l("The whole plan"))
    group = OptionalSelectField(_l("Answered together with"), empty_label=_l("Answered on its own"))
    response_ja = TextAreaField(_l("The city's response (Japanese)"), [Optional(), Length(max=10000)])
    response_en = TextAreaField(_l("The city's response (English)"), [Optional(), Length(max=10000)])
    category = ChoiceField(_l("Handling"), choices=CATEGORY_CHOICES, default="")


class GroupForm(FlaskForm):
    title_ja = StringField(_l("Point (for staff)"), [InputRequired(_l("Name the point the opinions share.")), Length(max=255)])
    response_ja = TextAreaField(_l("The city's response (Japanese)"), [Optional(), Length(max=10000)])
    response_en = TextAreaField(_l("The city's response (English)"), [Optional(), Length(max=10000)])
    category = ChoiceField(_l("Handling"), choices=CATEGORY_CHOICES, default="")


class SectionForm(FlaskForm):
    title_ja = StringField(_l("Part of the plan (Japanese)"), [InputRequired(_l("Enter the name of the part.")), Length(max=255)])
    title_en = StringField(_l("Part of the plan (English)"), [Optional(), Length(max=255)])


class ResultsForm(FlaskForm):
    changes_ja = TextAreaField(_l("What changed from the draft (Japanese)"), [Optional(), Length(max=50000)])
    changes_en = TextAreaField(_l("What changed from the draft (English)"), [Optional(), Length(max=50000)])


class PaperCommentForm(CommentForm):
    """A comment that came on paper, by post, fax or at the counter, typed in by a moderator."""

    channel = ChoiceField(_l("How it arrived"), choices=CommentChannel.choices(
        [c for c in CommentChannel if c != CommentChannel.WEB]))
    received_on = DateField(_l("Date received"), [InputRequired(_l("Enter the date it arrived."))])
    scan = FileField(_l("Scan of the original (private)"), description=_l("A PDF, PNG or JPEG file of at most 5 MB."))
