"""Monitoring: stations, parameters, limits and the checks of readings against them."""
