"""China as an export market: the one place that says what trace knows of it.

PURE (standard library only). Vietnamese lychee goes to China mostly by truck through the
border gates of Lạng Sơn, Lào Cai and Quảng Ninh into Guangxi and Yunnan. GACC (the General
Administration of Customs of China) registers the orchards (growing areas) and packing houses
allowed to export to China; their registration numbers are the codes a chain needs for CN,
kept as location codes of scheme ``GACC`` for market ``CN`` (trace/services/masterdata.py).
"""

from __future__ import annotations

from dataclasses import dataclass

MARKET = "CN"
# The consumer page's and the label's language for China (BCP 47: Simplified Chinese).
LANGUAGE = "zh-Hans"
# Where the consignee of a shipment to China is (ISO 3166).
CONSIGNEE_COUNTRY = "CN"

# The code each kind of place in the chain holds for China: GACC's registration number.
REQUIRED_CODES = {"orchard": "GACC", "packing_house": "GACC", "treatment_facility": "TFC"}

# A carton for China says in Chinese where it is bound ("exported to the People's Republic of
# China"), as GACC requires of each package, and gives the orchard's and the packing house's
# registration in Vietnamese and Simplified Chinese: the label's titles, by the English one.
LABEL_STAMP = "输往中华人民共和国"
LABEL_ORIGIN = "Xuất xứ Việt Nam · 原产国：越南"
LABEL_TITLES = {
    "Growing area": "Mã vùng trồng · 果园注册号",
    "Growing areas": "Mã vùng trồng · 果园注册号",
    "Packing house": "Cơ sở đóng gói · 包装厂",
    "PHC": "Mã cơ sở đóng gói · 包装厂注册号",
}


@dataclass(frozen=True)
class BorderGate:
    """A road border gate: its Vietnamese side, the Chinese port facing it, its province."""

    vi: str
    zh: str
    province: str


BORDER_GATES: dict[str, BorderGate] = {
    "huu_nghi": BorderGate("Hữu Nghị", "友谊关", "Lạng Sơn"),
    "tan_thanh": BorderGate("Tân Thanh", "浦寨", "Lạng Sơn"),
    "chi_ma": BorderGate("Chi Ma", "爱店", "Lạng Sơn"),
    "kim_thanh": BorderGate("Kim Thành", "河口", "Lào Cai"),
    "bac_luan": BorderGate("Bắc Luân II (Móng Cái)", "东兴", "Quảng Ninh"),
}


def gate_name(code: str | None, language: str = "vi") -> str:
    """`huu_nghi` → "Hữu Nghị – 友谊关" (both sides), or one side in `language` ("vi", "zh")."""
    gate = BORDER_GATES.get(code or "")
    if gate is None:
        return code or ""
    if language.startswith("zh"):
        return gate.zh
    if language == "both":
        return f"{gate.vi} – {gate.zh}"
    return gate.vi
