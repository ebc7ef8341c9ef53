from flask import render_template
from flask_login import current_user

from portal.comments import services as comments
from portal.core.access import login_required
from portal.core.timefmt import now_utc
from portal.mypage import bp
from portal.registrations import services as registrations


@bp.get("/me")
@login_required
def index():
    mine = registrations.for_user(current_user)
    now = now_utc()
    return render_template("accounts/public/me.html", token_for=registrations.token_for,
                           comments=comments.for_user(current_user),
                           upcoming=[r for r in mine if r.meeting.starts_at >= now],
                           past=[r for r in mine if r.meeting.starts_at < now])
