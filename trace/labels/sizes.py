"""Label sizes, and which kind and format fit which size: the one home of those rules.

PURE (the standard library only). The JSON API's request check, the staff pages' label
form, the layout and the ZPL writer all ask `misfits`, so a pallet label on a sticker or
ZPL for an A4 sheet is refused the same way everywhere; each edge words the refusal for
its readers (the `kind` of each `Misfit` is stable, its `message` is English).
"""

from __future__ import annotations

from dataclasses import dataclass

SIZES_MM: dict[str, tuple[float, float]] = {
    "100x150mm": (100.0, 150.0),
    "4x6in": (101.6, 152.4),
    "50x30mm": (50.0, 30.0),
    "a4-24": (70.0, 297.0 / 8),  # one cell of an A4 sheet of 3 x 8
}
SHEETS = {"a4-24": ((210.0, 297.0), 3, 8)}  # size -> (sheet mm, columns, rows)
DEFAULT_DPI = {"100x150mm": 203, "4x6in": 203, "50x30mm": 203, "a4-24": 300}
LARGE_WIDTH_MM = 90.0  # labels at least this wide carry GS1-128 symbols

DPIS = (203, 300, 600)  # what the PDF and PNG renderers draw whole dots at
ZPL_DPIS = (203, 300)  # Zebra print heads


@dataclass(frozen=True)
class Misfit:
    """Why a label request does not fit.

    Attributes:
        field: The request's field to change: ``"size"``, ``"format"`` or ``"dpi"``.
        kind: A stable name, e.g. ``"label.pallet_size"``, for an edge's own wording.
        message: The refusal in English.
    """

    field: str
    kind: str
    message: str


def large(size: str) -> bool:
    """Is a label of ``size`` wide enough for GS1-128 symbols (and a pallet's logistic label)?"""
    return SIZES_MM[size][0] >= LARGE_WIDTH_MM


def misfits(kind: str, size: str, fmt: str | None = None, dpi: int | None = None) -> list[Misfit]:
    """Every reason a ``kind`` label (carton, pallet, sticker) cannot be ``size`` in ``fmt``.

    Args:
        kind: ``"carton"``, ``"pallet"`` or ``"sticker"``.
        size: One of `SIZES_MM`.
        fmt: ``"pdf"``, ``"png"`` or ``"zpl"``; None when any format will do.
        dpi: The printer's resolution; None for the size's default.

    Returns:
        The misfits, the size's first; empty when the label can be printed.
    """
    if size not in SIZES_MM:
        return [Misfit("size", "label.size_unknown", f"should be one of {', '.join(SIZES_MM)}")]
    found = []
    if kind == "pallet" and not large(size):
        found.append(Misfit("size", "label.pallet_size", "a pallet label needs 100x150mm or 4x6in"))
    if fmt == "zpl" and size in SHEETS:
        found.append(
            Misfit(
                "format",
                "label.zpl_sheet",
                "ZPL is for thermal printers: choose a thermal size, or use PDF",
            )
        )
    heads = ZPL_DPIS if fmt == "zpl" else DPIS
    if dpi is not None and dpi not in heads:
        who = "Zebra printers print" if fmt == "zpl" else "labels are drawn"
        at = ", ".join(map(str, heads[:-1])) + f" or {heads[-1]}"
        found.append(Misfit("dpi", "label.dpi", f"{who} at {at} dpi"))
    return found


def require_fit(kind: str, size: str, fmt: str | None = None, dpi: int | None = None) -> None:
    """Raise ValueError naming the size (or format, dpi) when `misfits` finds a reason."""
    for misfit in misfits(kind, size, fmt, dpi):
        given = {"size": size, "format": fmt, "dpi": dpi}[misfit.field]
        raise ValueError(f"label {misfit.field} {given!r}: {misfit.message}")


__all__ = ["DEFAULT_DPI", "SHEETS", "SIZES_MM", "Misfit", "large", "misfits", "require_fit"]
