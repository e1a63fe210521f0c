"""Node health: chain head, indexed block, lag."""
