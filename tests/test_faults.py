"""Reliability under faults: a worker killed in the middle of a submission, a full disk on upload.
(The mail server being down is in test_staff_and_mail.py; the database restarting in test_production.py.)"""

import errno
import io
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.comments.models import Comment
from portal.documents.models import Document
from portal.extensions import db
from portal.mail.models import OutboxEmail
from portal.meetings.models import Meeting
from portal.registrations.models import Registration
from tests.helpers import PG_URL, post_form
from tests.servers import Browser, gunicorn, wait_until_up, worker_pids
from tests.test_admin_content import DOC

TEXT = "駅前広場の計画について、夜間の照明を増やしてください。"


def _count(model, **where) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).filter_by(**where))


def _registration(base, factory):
    meeting = factory.meeting(capacity=10, title_ja="地域懇談会(障害試験)")
    db.session.commit()
    url = f"{base}/meetings/{meeting.id}/register"

    def form(person):
        return url, {"csrf_token": person.token(url), "step": "send", "name": "多摩 太郎", "furigana": "タマ タロウ",
                     "email": "taro@example.jp", "companions": "1"}

    def saved():
        seats = db.session.scalar(sa.select(Meeting.seats_taken).where(Meeting.id == meeting.id))
        return _count(Registration, meeting_id=meeting.id), seats

    return form, saved, (1, 2)  # after the retry: one registration holding two seats


def _comment(base, factory):
    consultation = factory.consultation()
    db.session.commit()
    url = f"{base}/consultations/{consultation.id}/comment"

    def form(person):
        status, _, page = person.get(url)
        hidden = dict(re.findall(r'name="(form_token|started|csrf_token)" type="hidden" value="([^"]*)"', page))
        return url, {**hidden, "step": "send", "text": TEXT, "name": "多摩 花子", "address": "多摩市関戸6-12-1",
                     "email": "taro@example.jp", "phone": "", "eligibility": "resident"}

    def saved():
        return _count(Comment, consultation_id=consultation.id), None

    return form, saved, (1, None)


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="holds a table lock to stop the worker mid-transaction: the PostgreSQL pass")
@pytest.mark.parametrize("submission", [_registration, _comment], ids=["registration", "comment"])
def test_a_worker_killed_mid_submission_saves_all_or_nothing_and_a_retry_works(app, factory, tmp_path, submission):
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "fault-" + "f" * 40,
           "SESSION_COOKIE_SECURE": "0", "COMMENT_MIN_SECONDS": "0", "MAIL_FOLDER": str(tmp_path / "mail"),
           "UPLOAD_FOLDER": str(tmp_path / "uploads")}
    log = tmp_path / "server.log"
    with gunicorn(env, workers=1, log=log) as (base, master):
        form, saved, after_retry = submission(base, factory)
        person = Browser("127.0.0.1")
        url, data = form(person)

        # The email is queued last, in the same transaction: hold the outbox so the worker stops right there,
        # with its registration or comment already written but not committed.
        locker = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with locker.connect() as lock:
            lock.exec_driver_sql("LOCK TABLE outbox_emails IN EXCLUSIVE MODE")
            outcome = []
            sender = threading.Thread(target=lambda: outcome.append(_try(person.post, url, data)))
            sender.start()
            _wait_for_a_lock_wait(lock)
            (worker,) = worker_pids(master.pid)
            os.kill(worker, signal.SIGKILL)
            sender.join(timeout=60)
            lock.rollback()
        locker.dispose()

        assert isinstance(outcome[0], Exception)  # the connection dropped: the person sees an error, not a receipt
        assert saved()[0] == 0 and saved()[1] in (0, None)
        assert _count(OutboxEmail, to_address="taro@example.jp") == 0

        wait_until_up(base + "/healthz")  # gunicorn has started a new worker
        status, landed, page = person.post(url, data)  # the same form, sent again
        assert status == 200 and ("/registrations/" in landed or "/receipt" in landed or "受付番号" in page)
        assert saved() == after_retry
        assert _count(OutboxEmail, to_address="taro@example.jp") == 1
    assert "Traceback" not in log.read_text(errors="replace")


def _try(call, *args):
    try:
        return call(*args)
    except Exception as error:  # noqa: BLE001 - the outcome is checked by the test
        return error


def _wait_for_a_lock_wait(connection) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        waiting = connection.exec_driver_sql(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        ).scalar()
        if waiting:
            return
        time.sleep(0.02)
    raise TimeoutError("the submission never reached the locked table")


def _disk_full_after_half(monkeypatch):
    """Writing a file fills the disk half-way through, as a real ENOSPC does."""
    real = Path.write_bytes

    def write_bytes(self, data):
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


def _files(folder) -> list[Path]:
    return [p for p in Path(folder).rglob("*") if p.is_file()]


def test_disk_full_on_a_document_upload_says_so_and_leaves_no_file(app, client, auth, factory, monkeypatch):
    from portal.demo.pdf import make_pdf

    meeting = factory.meeting()
    auth.as_role(client, "editor")
    content = make_pdf("第1回会議資料", ["資料"])
    _disk_full_after_half(monkeypatch)
    response = post_form(client, f"/admin/documents/new?meeting={meeting.id}",
                         {**DOC, "file": (io.BytesIO(content), "資料.pdf")}, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "空き容量" in body and 'value="第1回会議資料"' in body
    assert _count(Document) == 0
    assert _files(app.config["UPLOAD_FOLDER"]) == []


def test_disk_full_on_a_comment_attachment_keeps_the_text(app, client, factory, monkeypatch):
    from portal.demo.pdf import make_pdf
    from tests.test_comments import form_values, send

    consultation = factory.consultation()
    values = form_values(client, consultation)
    _disk_full_after_half(monkeypatch)
    response = send(client, consultation, step="check", values=values, text=TEXT,
                    attachment=(io.BytesIO(make_pdf("意見", ["添付"])), "意見書.pdf"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "空き容量" in body and TEXT in body
    assert _count(Comment) == 0
    assert _files(app.config["UPLOAD_FOLDER"]) == []
