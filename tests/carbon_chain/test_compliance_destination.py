"""The hand-encoded Hubei compliance destination equals abi.encode("HUBEI-ETS", year)'s hash."""

from __future__ import annotations

from eth_abi.abi import encode
from eth_utils.crypto import keccak

from carbon_chain.domain import compliance_destination, compliance_destinations


def test_hand_encoding_matches_eth_abi() -> None:
    for year in (0, 1, 2025, 2026, 2**16 - 1):
        expected = keccak(encode(["string", "uint16"], ["HUBEI-ETS", year]))
        assert compliance_destination(year) == expected


def test_every_year_maps_back() -> None:
    table = compliance_destinations()
    assert len(table) == 2**16
    assert table[compliance_destination(2026)] == 2026
