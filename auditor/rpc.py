"""Batched JSON-RPC: many requests per HTTP round trip, answers in request order."""

from __future__ import annotations

from typing import Any, cast

from web3 import Web3


def batch(w3: Web3, requests: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """Send `requests` as one JSON-RPC batch and return the raw responses in the same order.

    Raises:
        RuntimeError: the endpoint refused the batch as a whole.
    """
    if not requests:
        return []
    provider = cast(Any, w3.provider)
    responses = provider.make_batch_request(requests)
    if not isinstance(responses, list):
        raise RuntimeError(f"the RPC endpoint refused a batch request: {responses!r}")
    ordered = sorted(responses, key=lambda r: int(r.get("id", 0)))
    return [dict(r) for r in ordered]
