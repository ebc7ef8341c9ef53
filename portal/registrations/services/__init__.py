"""Registrations: seats that never exceed capacity, the waiting list and its offers, accommodation requests.

The logic lives in one module per concern: ``links`` (signed links), ``rules`` (what may still be done, the
waiting-list order), ``seats`` (the seat counter and offers), ``registering`` (register, confirm, change,
cancel), ``staff`` (roster, check-in, accommodation board), ``retention`` (reminders, purging), ``lottery``
(the observer lottery) and ``emails``. This file only re-exports their public names, so callers keep
writing ``from portal.registrations import services`` and ``services.register(...)``.
"""

from portal.registrations.services.links import (
    code_matches,
    confirm_code_for,
    registration_for_token,
    token_for,
)
from portal.registrations.services.lottery import (
    draw_due_lotteries,
    draw_lottery,
    lottery_order,
    lottery_result,
    open_lottery,
)
from portal.registrations.services.registering import (
    RegistrationData,
    RegistrationError,
    accept_offer,
    cancel,
    change_companions,
    confirm_email,
    for_user,
    register,
    save_profile,
)
from portal.registrations.services.retention import purge_personal_data, send_reminders
from portal.registrations.services.rules import (
    change_refusal,
    is_late,
    joins_waiting_list,
    may_change,
    waitlist_position,
)
from portal.registrations.services.seats import (
    offer_freed_seats,
    recount_seats,
    release_expired,
    seat_or_wait,
)
from portal.registrations.services.staff import (
    board,
    check_in,
    counts,
    over_capacity,
    roster_csv,
    roster_query,
    set_request_status,
)

__all__ = [
    "RegistrationData", "RegistrationError", "accept_offer", "board", "cancel", "change_companions",
    "change_refusal", "check_in", "code_matches", "confirm_code_for", "confirm_email", "counts",
    "draw_due_lotteries", "draw_lottery", "for_user", "is_late", "joins_waiting_list", "lottery_order",
    "lottery_result", "may_change", "offer_freed_seats", "open_lottery", "over_capacity", "purge_personal_data",
    "recount_seats", "register", "registration_for_token", "release_expired", "roster_csv", "roster_query",
    "save_profile", "seat_or_wait", "send_reminders", "set_request_status", "token_for", "waitlist_position",
]
