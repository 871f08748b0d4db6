"""Distances on the WGS84 ellipsoid (pyproj) and 3-D points for spatial indexes."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pyproj import Geod

from parkloop.domain.models import Location

EARTH_RADIUS_KM = 6371.0088
_GEOD = Geod(ellps="WGS84")


def distance_km(a: Location, b: Location) -> float:
    """Geodesic distance between two points, in km."""
    _, _, metres = _GEOD.inv(a.lon, a.lat, b.lon, b.lat)
    return float(metres) / 1000.0


def distances_km(
    lat1: ArrayLike, lon1: ArrayLike, lat2: ArrayLike, lon2: ArrayLike
) -> NDArray[np.float64]:
    """Element-wise geodesic distances for whole columns, in km."""
    _, _, metres = _GEOD.inv(
        np.asarray(lon1, dtype=float),
        np.asarray(lat1, dtype=float),
        np.asarray(lon2, dtype=float),
        np.asarray(lat2, dtype=float),
    )
    return np.asarray(metres, dtype=float) / 1000.0


def unit_sphere_xyz(lat: ArrayLike, lon: ArrayLike) -> NDArray[np.float64]:
    """Points on a sphere of radius EARTH_RADIUS_KM, for a cKDTree over chord distance."""
    phi = np.radians(np.asarray(lat, dtype=float))
    lam = np.radians(np.asarray(lon, dtype=float))
    cos_phi = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack(
        (cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi))
    )


def chord_for_km(km: float) -> float:
    """Chord length on the sphere that matches a great-circle distance of ``km``.

    Slightly enlarged so that the ellipsoid's local radius never makes a query miss a
    point that is within ``km`` by the geodesic measure (exact distances are checked after).
    """
    arc = min(km * 1.01, np.pi * EARTH_RADIUS_KM)
    return float(2.0 * EARTH_RADIUS_KM * np.sin(arc / (2.0 * EARTH_RADIUS_KM)))


def great_circle_km(xyz_a: NDArray[np.float64], xyz_b: NDArray[np.float64]) -> NDArray[np.float64]:
    """Great-circle distance between rows of two point arrays from :func:`unit_sphere_xyz`
    (mean-radius sphere: within about 0.5 % of the WGS84 geodesic)."""
    chord = np.sqrt(np.einsum("ij,ij->i", xyz_a - xyz_b, xyz_a - xyz_b))
    arc: NDArray[np.float64] = np.arcsin(np.minimum(1.0, chord / (2.0 * EARTH_RADIUS_KM)))
    return 2.0 * EARTH_RADIUS_KM * arc
