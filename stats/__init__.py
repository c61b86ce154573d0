"""Supervisor statistics: suppressed counts for dashboards, the API, exports and digests."""
