from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from portal.core.forms import ChoiceField, QueryForm

#: every action the code records (grep `record(`), so staff can filter for each; "view" and "export" are the
#: looks at personal data (rosters, the accommodation board, a comment's submitter, CSV files)
ACTIONS = ("create", "update", "delete", "publish", "unpublish", "cancel", "retire", "restore", "upload", "view",
           "export", "role_change", "invite", "invite_accepted")


class AuditFilterForm(QueryForm):
    who = StringField(_l("Staff member (name or email)"), [Length(max=100)])
    action = ChoiceField(_l("Action"), default="")
    object_type = ChoiceField(_l("What"), default="")

    def __init__(self, formdata, object_types, **kwargs):
        super().__init__(formdata, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, a) for a in ACTIONS]
        self.object_type.choices = [("", _l("Everything"))] + [(t, t) for t in object_types]
