"""What several staff pages read: places of a kind, the markets to offer, the market check of
a set of pallets, and the fresh departure and arrival forms of a shipment page."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from trace.db.models import Location, LocationCode, Lot, Pallet, PalletContent
from trace.db.session import get_session
from trace.domain import markets as market_profiles
from trace.domain.errors import DomainError
from trace.domain.markets import all_markets
from trace.services import packing, shipments

from . import messages
from .clock import local_now
from .forms import ArriveForm, CrossForm, DepartForm, options
from .once import new_token


def places(kind: str) -> list[Location]:
    return list(
        get_session().exec(select(Location).where(Location.kind == kind).order_by(Location.name))
    )


def usual_market() -> str | None:
    """The market most places hold an active code for (the shipment form's first choice)."""
    row = (
        get_session()
        .exec(
            select(LocationCode.market, func.count())
            .where(LocationCode.status == "active")
            .where(LocationCode.market.in_(market_profiles.codes()))
            .group_by(LocationCode.market)
            .order_by(func.count().desc(), LocationCode.market)
        )
        .first()
    )
    return row[0] if row else None


def markets() -> list[str]:
    """The markets trace has a profile for (offered even before a place holds a code for one:
    the market check then says what is missing)."""
    return list(market_profiles.codes())


def market_check(
    ssccs: list[str], market: str | None, consignee_id: int | None = None, own: int | None = None
) -> dict:
    """What the use case would refuse, before it is asked, asking the service's own checks:
    what the market's profile refuses (places without an active code, the consignee's country,
    treatments), lots on hold, pallets in another shipment (`own`: the shipment the pallets
    are in, when it is recorded)."""
    db = get_session()
    pallets = list(db.exec(select(Pallet).where(Pallet.sscc.in_(ssccs or [""]))))
    lots = list(
        db.exec(
            select(Lot)
            .join(PalletContent, PalletContent.lot_id == Lot.id)
            .where(PalletContent.pallet_id.in_([p.id for p in pallets] or [0]))
            .distinct()
        )
    )
    consignee = db.get(Location, consignee_id) if consignee_id else None
    try:
        refusals = shipments.market_refusals(db, lots, market, consignee) if market and lots else []
    except DomainError as error:  # a market without a profile
        refusals = [error]
    gaps = [messages.translate(error)[0] for error in refusals]
    held = packing.held_upstream(db, lots) if lots else []
    shipped = [p.sscc for p in pallets if p.shipment_id not in (None, own)]
    checked = bool(market and lots)
    return {
        "market": market,
        "checked": checked,
        "gaps": gaps,
        "held": sorted(lot.code for lot in held),
        "shipped": shipped,
        "ok": checked and not gaps and not held and not shipped,
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
