from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.core.enums import PublishStatus
from portal.core.forms import ChoiceField
from portal.documents.models import KIND_TITLES

STATUS_CHOICES = [(PublishStatus.DRAFT.value, _l("Draft (not shown)")), (PublishStatus.PUBLISHED.value, _l("Published"))]


class DocumentForm(FlaskForm):
    kind = ChoiceField(_l("Kind of document"), [InputRequired()], choices=[(k.value, t) for k, t in KIND_TITLES.items()])
    title_ja = StringField(_l("Title (Japanese)"), [InputRequired(_l("Enter the title in Japanese.")), Length(max=255)])
    title_en = StringField(_l("Title (English)"), [Optional(), Length(max=255)])
    summary_ja = TextAreaField(_l("Text summary (Japanese)"), [InputRequired(_l("Write a short summary of the document."))],
                               description=_l("For people who cannot read the PDF: what it contains, in a few sentences."))
    summary_en = TextAreaField(_l("Text summary (English)"), [Optional()])
    language = ChoiceField(_l("Language of the file"), choices=[("ja", _l("Japanese")), ("en", _l("English"))], default="ja")
    status = ChoiceField(_l("Status"), choices=STATUS_CHOICES, default=PublishStatus.DRAFT.value)


class UploadForm(DocumentForm):
    file = FileField(_l("PDF file"), description=_l("A PDF file of at most 20 MB."))
