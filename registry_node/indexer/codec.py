"""The node's event codec: carbon_chain's `EventCodec` plus the CarbonMarket's events.

The fast path is unchanged: logs are decoded from raw `eth_getLogs` results by topic0, and
events whose parameters are all one word are sliced without eth_abi.
"""

from __future__ import annotations

from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from carbon_chain.abi import load_abi
from carbon_chain.events import CONTRACTS, EventCodec, _EventSpec, _static, _type

MARKET = "CarbonMarket"


class NodeEventCodec(EventCodec):
    """Decodes the logs of the registry, the ledger and the market by topic0."""

    def __init__(self, registry: str, ledger: str, market: str) -> None:
        super().__init__(registry, ledger)
        self.addresses[to_checksum_address(market)] = MARKET
        if MARKET in CONTRACTS:  # the shared codec learnt the market itself
            return
        for item in load_abi(MARKET):
            if item.get("type") != "event":
                continue
            signature = f"{item['name']}({','.join(_type(i) for i in item['inputs'])})"
            key = (MARKET, keccak(text=signature))
            self._specs[key] = _EventSpec(
                contract=MARKET,
                name=item["name"],
                indexed=[i for i in item["inputs"] if i["indexed"]],
                data=[i for i in item["inputs"] if not i["indexed"]],
                order=[i["name"] for i in item["inputs"]],
            )
            if all(_static(i) for i in item["inputs"]):
                self._static[key] = [
                    (i["name"], str(i["type"]), bool(i["indexed"])) for i in item["inputs"]
                ]
