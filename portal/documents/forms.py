from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.core.enums import PublishStatus
from portal.core.forms import ChoiceField
from portal.documents import uploads
from portal.documents.models import DocumentKind
from portal.extensions import db


class DocumentForm(FlaskForm):
    kind = ChoiceField(_l("Kind of document"), [InputRequired()], choices=DocumentKind.choices())
    title_ja = StringField(_l("Title (Japanese)"), [InputRequired(_l("Enter the title in Japanese.")), Length(max=255)])
    title_en = StringField(_l("Title (English)"), [Optional(), Length(max=255)])
    summary_ja = TextAreaField(_l("Text summary (Japanese)"), [InputRequired(_l("Write a short summary of the document."))],
                               description=_l("For people who cannot read the PDF: what it contains, in a few sentences."))
    summary_en = TextAreaField(_l("Text summary (English)"), [Optional()])
    language = ChoiceField(_l("Language of the file"), choices=[("ja", _l("Japanese")), ("en", _l("English"))], default="ja")
    status = ChoiceField(_l("Status"), choices=PublishStatus.choices(), default=PublishStatus.DRAFT.value)


class UploadForm(DocumentForm):
    file = FileField(_l("PDF file"), description=_l("A PDF file of at most 20 MB."))


def intake_field(field, kinds: tuple[str, ...] = uploads.PDF_ONLY, limit: int | None = None):
    """For a view: uploads.intake() of a form's file field, or None with the refusal as the field's error. An
    infected file's audit entry is committed here, since the view shows the form again and commits nothing."""
    try:
        return uploads.intake(field.data, kinds, limit)
    except uploads.InfectedUpload as error:
        db.session.commit()
        field.errors.append(str(error))
    except uploads.UploadError as error:
        field.errors.append(str(error))
    return None
