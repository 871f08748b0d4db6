"""Road transport of by-products as the seeds count it: rate × tonnes × km, by the truck."""

from __future__ import annotations

from dataclasses import dataclass

from parkloop.errors import Word, msg


@dataclass(frozen=True, slots=True)
class TransportCost:
    rate_vnd_per_tkm: float
    tonnes_per_trip: float
    trips_per_day: float
    km: float
    operating_days_per_year: float

    @property
    def tonnes_per_day(self) -> float:
        return self.tonnes_per_trip * self.trips_per_day

    @property
    def tkm_per_day(self) -> float:
        return self.tonnes_per_day * self.km

    @property
    def cost_vnd_per_day(self) -> float:
        """rate (VND per t·km) × tonnes per trip × trips per day × km."""
        return self.rate_vnd_per_tkm * self.tkm_per_day

    @property
    def cost_vnd_per_year(self) -> float:
        return self.cost_vnd_per_day * self.operating_days_per_year


METHOD = (
    "cost per day = rate (VND per t·km) × tonnes per trip × trips per day × distance (km); "
    "per year × operating days"
)


def transport_cost(
    rate_vnd_per_tkm: float,
    tonnes_per_trip: float,
    trips_per_day: float,
    km: float,
    operating_days_per_year: float,
) -> TransportCost:
    for name, value in (
        (Word("rate"), rate_vnd_per_tkm),
        (Word("tonnes per trip"), tonnes_per_trip),
        (Word("trips per day"), trips_per_day),
        (Word("distance"), km),
        (Word("operating days"), operating_days_per_year),
    ):
        if value < 0:
            raise ValueError(msg("{name} cannot be negative", name=name))
    return TransportCost(
        rate_vnd_per_tkm, tonnes_per_trip, trips_per_day, km, operating_days_per_year
    )


def vnd(value: float) -> int:
    """Whole dong, half up (3,008,075.2 -> 3,008,075)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)
