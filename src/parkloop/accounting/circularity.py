"""The Ellen MacArthur Foundation's Material Circularity Indicator, applied to a firm's
yearly mass balance (materials in tonnes; water and energy are left out).

MCI = 1 − LFI × F(X), with the linear flow index LFI = (V + W) / (2M + (W_F − W_C)/2)
and the utility factor F(X) = 0.9 / X. V is virgin feedstock, W unrecoverable waste,
M the mass of products; recycling-process losses W_F and W_C are taken as zero and the
utility X as 1 (lifetime and intensity of use like the industry average), so F(X) = 0.9.
"""

from __future__ import annotations

from dataclasses import dataclass

METHOD = (
    "MCI = 1 − LFI × 0.9, LFI = (virgin inputs + unrecovered waste) / (2 × products), "
    "in tonnes per year; recycling-process losses taken as zero and utility X = 1 "
    "(Ellen MacArthur Foundation, Circularity Indicators methodology, 2015/2019)"
)


@dataclass(frozen=True, slots=True)
class MassBalance:
    virgin_in_t: float
    secondary_in_t: float
    products_t: float
    recovered_out_t: float
    waste_out_t: float


@dataclass(frozen=True, slots=True)
class Circularity:
    mci: float
    lfi: float
    utility: float
    balance: MassBalance


def material_circularity(balance: MassBalance, utility_x: float = 1.0) -> Circularity | None:
    """MCI of one firm; None when it makes no products by mass (the index is undefined)."""
    if balance.products_t <= 0:
        return None
    if utility_x <= 0:
        raise ValueError("utility X must be positive")
    # A firm (unlike a product) can take in more virgin mass than it ships, e.g. process
    # losses; the index is bounded at the fully linear value.
    lfi = min(1.0, (balance.virgin_in_t + balance.waste_out_t) / (2.0 * balance.products_t))
    f = 0.9 / utility_x
    mci = max(0.0, 1.0 - lfi * f)
    return Circularity(mci=mci, lfi=lfi, utility=f, balance=balance)
