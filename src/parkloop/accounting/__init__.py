"""Money, CO2, water, energy and circularity: every figure carries its method and sources."""
