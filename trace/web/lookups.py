"""What several staff pages read: places of a kind, the markets to offer, the market check of
a set of pallets, and the fresh departure and arrival forms of a shipment page."""

from __future__ import annotations

from trace.db.session import get_session
from trace.domain import markets as market_profiles
from trace.domain.markets import all_markets
from trace.services import masterdata, shipments

from . import messages
from .clock import local_now
from .forms import ArriveForm, CrossForm, DepartForm, options
from .once import new_token


def places(kind: str):
    return masterdata.locations_of_kinds(get_session(), [kind])


def usual_market() -> str | None:
    """The market most places hold an active code for (the shipment form's first choice)."""
    return masterdata.usual_market(get_session())


def markets() -> list[str]:
    """The markets trace has a profile for (offered even before a place holds a code for one:
    the market check then says what is missing)."""
    return list(market_profiles.codes())


# The refusals the check lists apart from the market's: lots on hold, pallets shipped already.
_HELD, _SHIPPED = "hold.on_hold", "shipment.pallet_shipped"


def market_check(
    ssccs: list[str], market: str | None, consignee_id: int | None = None, own: int | None = None
) -> dict:
    """What the use case would refuse, before it is asked, asking the rules it applies
    (`shipments.check_loading`): what the market's profile refuses (places without an active
    code, the consignee's country, treatments), lots on hold, pallets in another shipment
    (`own`: the shipment the pallets are in, when it is recorded)."""
    refusals = shipments.check_loading(get_session(), ssccs, market, consignee_id, own)
    found = refusals or []
    gaps = [messages.translate(e)[0] for e in found if e.kind not in (_HELD, _SHIPPED)]
    held = sorted(lot for e in found if e.kind == _HELD for lot in e.params["lots"])
    shipped = [e.params["sscc"] for e in found if e.kind == _SHIPPED]
    return {
        "market": market,
        "checked": refusals is not None,
        "gaps": gaps,
        "held": held,
        "shipped": shipped,
        "ok": refusals == [],
    }


def port_choices():
    return options([(0, "—")] + [(p.id, p.name) for p in places("port")])


def new_depart_form() -> DepartForm:
    form = DepartForm(formdata=None)
    form.port_id.choices = port_choices()
    form.once.data, form.departed_at.data = new_token(), local_now()
    return form


def gate_choices() -> list[tuple[str, str]]:
    """Every market's border gates, by their Vietnamese name and the port facing them."""
    return [(g.code, f"{g.name} – {g.facing}") for m in all_markets() for g in m.gates]


def new_cross_form() -> CrossForm:
    form = CrossForm(formdata=None)
    form.once.data, form.crossed_at.data = new_token(), local_now()
    return form


def new_arrive_form() -> ArriveForm:
    form = ArriveForm(formdata=None)
    form.once.data, form.arrived_at.data = new_token(), local_now()
    return form
