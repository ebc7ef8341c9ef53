from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length

from portal.core.forms import ChoiceField, QueryForm

#: every action the code records (grep `record(`), with its label, so staff can filter for each; "view" and "export"
#: are the looks at personal data (rosters, the accommodation board, a comment's submitter, CSV files); the rest
#: from login_failed on are security events (issue 12)
ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
    "cancel": _l("Cancelled"),
    "retire": _l("Retired"),
    "restore": _l("Restored"),
    "upload": _l("Uploaded"),
    "view": _l("Viewed personal data"),
    "export": _l("Exported personal data"),
    "role_change": _l("Roles changed"),
    "invite": _l("Staff invited"),
    "invite_accepted": _l("Invitation accepted"),
    "login_failed": _l("Failed login"),
    "password_check_failed": _l("Wrong current password (signed in)"),
    "second_factor_failed": _l("Wrong security code"),
    "second_factor_ended": _l("Login ended after wrong codes"),
    "sign_in_locked": _l("Sign-in paused (too many attempts)"),
    "sign_in_unlocked": _l("Sign-in unlocked"),
    "access_denied": _l("Staff page refused"),
    "security_key_added": _l("Security key added"),
    "security_key_renamed": _l("Security key renamed"),
    "security_key_removed": _l("Security key removed"),
    "security_key_used": _l("Logged in with a security key"),
    "virus_found": _l("Virus found in an upload"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


class AuditFilterForm(QueryForm):
    who = StringField(_l("Staff member (name or email)"), [Length(max=100)])
    action = ChoiceField(_l("Action"), default="")
    object_type = ChoiceField(_l("What"), default="")

    def __init__(self, formdata, object_types, **kwargs):
        super().__init__(formdata, **kwargs)
        self.action.choices = [("", _l("All actions"))] + list(ACTIONS.items())
        self.object_type.choices = [("", _l("Everything"))] + [(t, t) for t in object_types]
