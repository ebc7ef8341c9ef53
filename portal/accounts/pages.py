"""The pages every account view renders: a form page and a message page (sign-in and account settings)."""

from flask import render_template
from flask_babel import gettext as _


def form_page(form, title, submit, lead=None, links=(), status=200):
    return render_template("accounts/public/form.html", form=form, title=title, submit=submit, lead=lead,
                           links=links), status


def message_page(title, message, links=(), status=200):
    return render_template("accounts/public/message.html", title=title, message=message, links=links), status


def broken_link_page(error, links=()):
    """A link from an email that did not work (services.TokenError): why, and where to go instead."""
    return message_page(_("The link did not work"), error.message, links=links, status=400)
