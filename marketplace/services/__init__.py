"""Every write of the marketplace app."""
