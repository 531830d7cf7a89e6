"""The Produce Traceability Initiative's voice pick code on US-bound cartons.

PURE (the standard library only).
"""

from __future__ import annotations

from datetime import date


def voice_pick_code(gtin: str, lot: str, pack_date: date | None = None) -> str:
    """The PTI voice pick code: 4 digits a picker reads aloud, printed ``12`` + ``34``.

    CRC-16 (polynomial 0xA001, reflected, initial value 0) of the ASCII text
    GTIN + lot + pack date (YYMMDD, when there is one), modulo 10,000, zero-padded.
    Case matters: ``32abcd`` and ``32ABCD`` give different codes.

    References:
        Produce Traceability Initiative, Voice Pick Code calculator
        (producetraceability.org/voice-pick-code-calculator, the HarvestMark
        reference implementation); PTI label guidance (two small digits, then two
        large ones, in a box).
    """
    text = gtin + lot + (pack_date.strftime("%y%m%d") if pack_date else "")
    crc = 0
    for byte in text.encode("ascii"):
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return f"{crc % 10000:04d}"
