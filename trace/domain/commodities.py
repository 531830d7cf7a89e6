"""Commodities as one vocabulary: what is grown, the units it is counted in, and its own steps.

PURE. The API validates against it, the services check a lot's steps with it, the pages take
their words from it (each `word` is an English msgid their catalogues translate).

Every lot may be received, inspected, packed and shipped. Beyond that each commodity has its
own steps: lychee is cooled and treated against pests; carrots are washed, graded by size class
and kept in cold storage.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import Invalid, RuleViolation


def N_(word: str) -> str:
    """Marks a word for the pages' catalogues (`make translations` extracts N_ too)."""
    return word


# Steps every lot may go through whatever it is (event kinds of trace.domain.events.KINDS).
SHARED_STEPS = frozenset({"receive", "inspect"})


@dataclass(frozen=True)
class Commodity:
    """One commodity.

    Attributes:
        name: The word the API takes (`carrot`), also the English msgid of its page word.
        group: `fruit` or `vegetable`.
        units: The units its lots are counted in (UN/ECE Rec. 20 keys of events.UOM).
        steps: Event kinds of its own, beyond SHARED_STEPS.
        size_classes: The size classes a grading sorts it into, smallest first.
    """

    name: str
    group: str
    units: tuple[str, ...] = ("kg",)
    steps: frozenset[str] = frozenset({"cool", "treat"})
    size_classes: tuple[str, ...] = ()


_FRUIT = (N_("longan"), N_("mango"), N_("dragon fruit"), N_("durian"), N_("rambutan"),
          N_("mangosteen"), N_("pomelo"), N_("passion fruit"), N_("banana"), N_("coconut"),
          N_("jackfruit"), N_("star apple"))  # fmt: skip

COMMODITIES: dict[str, Commodity] = {
    c.name: c
    for c in (
        Commodity(N_("lychee"), "fruit"),
        # Korea's and the EU's size codes for carrots (UNECE FFV-10 sizing by diameter/weight).
        Commodity(
            N_("carrot"),
            "vegetable",
            steps=frozenset({"wash", "grade", "store", "cool"}),
            size_classes=("S", "M", "L", "2L"),
        ),
        *(Commodity(name, "fruit") for name in _FRUIT),
    )
}

# The steps only some commodities have: what the staff pages offer per lot.
OWN_STEPS = ("cool", "treat", "wash", "grade", "store")


def commodity(name: str) -> Commodity:
    """The commodity called `name` (underscores read as spaces: `dragon_fruit`)."""
    found = COMMODITIES.get(name.replace("_", " "))
    if found is None:
        known = ", ".join(sorted(COMMODITIES))
        raise Invalid(
            "commodity",
            f"trace knows no commodity {name!r} (it knows: {known})",
            kind="commodity.unknown",
            commodity=name,
        )
    return found


def group_of(name: str) -> str:
    """`fruit` or `vegetable` (a commodity outside the vocabulary is read as fruit)."""
    known = COMMODITIES.get(name.replace("_", " "))
    return known.group if known else "fruit"


def steps_of(name: str) -> frozenset[str]:
    """Every step a lot of this commodity may go through before packing (a lot recorded before
    its commodity joined the vocabulary goes through the steps of fruit)."""
    known = COMMODITIES.get(name.replace("_", " "))
    return SHARED_STEPS | (known or Commodity(name, "fruit")).steps


def check_step(name: str, step: str, lot: str) -> None:
    """Refuse a step the lot's commodity does not go through (carrots are not fumigated)."""
    if step not in steps_of(name):
        raise RuleViolation(
            f"lot {lot} is {name}: {name} is not {_PAST[step]}",
            kind="commodity.step_not_for",
            lot=lot,
            commodity=name,
            step=step,
        )


def check_size_class(name: str, size_class: str) -> None:
    classes = commodity(name).size_classes
    message = "{value!r} is not a size class of {name} (they are: {allowed})"
    _one_of(name, "size_class", size_class, classes, "grades", message, classes=list(classes))


def check_unit(name: str, unit: str) -> None:
    message = "{name} is counted in {allowed}, not {value}"
    _one_of(name, "unit", unit, commodity(name).units, "unit", message)


def _one_of(
    name: str,
    what: str,
    value: str,
    allowed: tuple[str, ...],
    field: str,
    message: str,
    **params: object,
) -> None:
    """Refuse `value`, a size class or a unit (`what`) that commodity `name` does not have: an
    `Invalid` of the form's `field`, its params naming the commodity and the value."""
    if value not in allowed:
        raise Invalid(
            field,
            message.format(name=name, value=value, allowed=", ".join(allowed)),
            kind="commodity.unit" if what == "unit" else "commodity.size_class_unknown",
            commodity=name,
            **{what: value},
            **params,
        )


_PAST = {
    "receive": "received",
    "inspect": "inspected",
    "cool": "cooled",
    "treat": "treated against pests",
    "wash": "washed",
    "grade": "graded by size",
    "store": "kept in cold storage",
}
