"""Personal points (碳积分): holdings with expiry, history, redemptions and the expiry sweep."""
