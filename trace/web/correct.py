"""Correcting a recorded event: the event stays as it was; a correction event says why and what
it should have said. The page shows each field the event's kind may change (as the use case
allows, `trace.domain.events.CORRECTABLE`) with its value now and a box for what it should be;
only the fields changed are sent, and the correction's before → after shows on the timeline."""

from __future__ import annotations

from flask import abort, flash, request, url_for
from flask_babel import gettext as _

from trace.db.session import get_session
from trace.domain.events import CORRECTABLE
from trace.services import corrections

from . import words
from .forms import TREATMENTS, CorrectForm
from .once import new_token, submit_once
from .render import bp, render
from .staff import READERS, me, roles
from .worker import number

# How each correctable field is typed on the page: a number, a choice, or text.
NUMBERS = {"quantity", "temperature_c", "duration_h"}
CHOICES = {"result": ("pass", "fail"), "method": tuple(TREATMENTS)}


def _fields(event, now: dict) -> list[dict]:
    out = []
    for name in sorted(CORRECTABLE.get(event.type, ())):
        if name == "parameters":  # a treatment's parameters change through the API
            continue
        value = now.get(name)
        if name == "quantity" and value is None:
            value = (now.get("quantities") or [{}])[0].get("quantity")
        typed = request.form.get(f"new_{name}", "") if request.method == "POST" else ""
        out.append(
            {
                "name": name,
                "label": words.word(words.FIELDS, name),
                "now": "" if value is None else value,
                "typed": typed,
                "choices": CHOICES.get(name),
                "number": name in NUMBERS,
            }
        )
    return out


def _changes(fields: list[dict]) -> tuple[dict, dict]:
    """What the person changed (typed and different from now), and per-field errors."""
    changes, errors = {}, {}
    for field in fields:
        typed = field["typed"].strip()
        if not typed or typed == str(field["now"]):
            continue
        if field["number"]:
            value = number(typed)
            if value is None or not value > 0:
                errors[field["name"]] = _("A number greater than 0.")
                continue
            if value == field["now"]:
                continue
            changes[field["name"]] = value
        elif field["choices"] and typed not in field["choices"]:
            errors[field["name"]] = _("Choose one of the list.")
        else:
            changes[field["name"]] = typed
    return changes, errors


@bp.route("/app/events/<int:ident>/correct", methods=["GET", "POST"])
@roles(*READERS)
def correct_event(ident: int):
    db = get_session()
    event = corrections.correctable(db, ident)
    if event is None:
        abort(404)
    lot = corrections.lot_of(db, event)
    back = url_for("web.lot", code=lot.code) if lot else url_for("web.home")
    form = CorrectForm()
    if request.method == "GET":
        form.once.data = new_token()
    fields = _fields(event, corrections.effective_data(db, event))
    changes, errors = _changes(fields) if request.method == "POST" else ({}, {})
    if request.method == "POST" and form.validate() and not errors:

        def record() -> str:
            corrections.correct(
                db, me(), event.id, {"reason": form.reason.data.strip(), "changes": changes}
            )
            flash(_("Event %(id)s corrected.", id=event.id), "ok")
            return back

        response = submit_once(form, record, {"reason": "reason"})
        if response is not None:
            return response
    for field in fields:
        field["error"] = errors.get(field["name"])
    return render(
        "web/correct.html",
        form=form,
        event=event,
        kind=words.word(words.EVENTS, event.type),
        fields=fields,
        back=back,
    )
