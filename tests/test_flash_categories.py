"""A message after an action says in words and in style whether it worked: never a green banner for a refusal."""

from bs4 import BeautifulSoup

from tests.helpers import post_form


def notices(html: str) -> list[tuple[str, str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [(" ".join(n["class"]), n.get_text(" ", strip=True)) for n in soup.select("main .notice")]


def test_a_refusal_is_shown_as_a_warning_not_as_success(client):
    response = client.get("/account/login/verify", follow_redirects=True)
    ((classes, text),) = notices(response.get_data(as_text=True))
    assert "notice-warning" in classes and "notice-success" not in classes
    assert text.startswith("ご注意：") and "もう一度ログインしてください" in text


def test_a_refusal_in_english_says_so(client):
    response = client.get("/en/account/login/verify", follow_redirects=True)
    ((classes, text),) = notices(response.get_data(as_text=True))
    assert "notice-warning" in classes and text.startswith("Please note:")


def test_success_is_labelled_done(client, auth):
    user = auth.create()
    auth.login(client, user)
    response = post_form(client, "/account/logout", {}, page="/", follow_redirects=True)
    ((classes, text),) = notices(response.get_data(as_text=True))
    assert "notice-success" in classes and text.startswith("完了：")


def test_an_error_is_an_alert_with_its_label(client, app):
    from flask import flash, render_template_string

    with app.test_request_context("/"):
        flash("拒否しました。", "error")
        flash("保存しました。")
        html = render_template_string('{% extends "base.html" %}')
    found = notices(html)
    assert found == [("notice notice-error", "エラー： 拒否しました。"), ("notice notice-success", "完了： 保存しました。")]
    assert 'role="alert"' in html
