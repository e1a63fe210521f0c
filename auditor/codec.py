"""A fast path over `carbon_chain.events.EventCodec` for events made only of static words.

Transfers, retirements and claims are most of a long ledger's logs; their parameters are all
one 32-byte word each (address, uintN, bool, bytes32), so they are sliced directly instead of
going through eth_abi, and addresses are checksummed once per distinct value. Every other event
(strings, arrays, tuples) is decoded by the shared codec.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from eth_utils.address import to_checksum_address

from carbon_chain.events import DecodedEvent, EventCodec


@lru_cache(maxsize=65_536)
def checksum(raw: bytes) -> str:
    return to_checksum_address(raw)


def _word(kind: str, word: bytes) -> Any:
    if kind == "address":
        return checksum(word[12:])
    if kind == "bool":
        return word[-1] == 1
    if kind == "bytes32":
        return word
    return int.from_bytes(word, "big")


def _static(param: dict[str, Any]) -> bool:
    kind = str(param["type"])
    return kind in ("address", "bool", "bytes32") or (kind.startswith("uint") and "[" not in kind)


class FastEventCodec(EventCodec):
    """`EventCodec` with a slicing fast path for all-static events; same `DecodedEvent`s."""

    def __init__(self, registry: str, ledger: str) -> None:
        super().__init__(registry, ledger)
        self._fast: dict[tuple[str, bytes], tuple[str, str, list[tuple[str, str, bool]]]] = {}
        for key, spec in self._specs.items():
            params = spec.indexed + spec.data
            if all(_static(p) for p in params):
                by_name = {p["name"]: p for p in params}
                indexed = {p["name"] for p in spec.indexed}
                layout = [(n, str(by_name[n]["type"]), n in indexed) for n in spec.order]
                self._fast[key] = (spec.contract, spec.name, layout)
        self._by_address = {a.lower(): c for a, c in self.addresses.items()}

    def decode(self, log: Any) -> DecodedEvent | None:
        """Decode one raw log; None for logs of other contracts."""
        address = str(log["address"]).lower()
        contract = self._by_address.get(address)
        topics = log["topics"]
        if contract is None or not topics:
            return None
        fast = self._fast.get((contract, bytes(topics[0])))
        if fast is None:
            return super().decode(log)
        _, name, layout = fast
        data: bytes = log["data"]
        args: dict[str, Any] = {}
        t, d = 1, 0
        for arg, kind, indexed in layout:
            if indexed:
                args[arg] = _word(kind, bytes(topics[t]))
                t += 1
            else:
                args[arg] = _word(kind, data[d : d + 32])
                d += 32
        return DecodedEvent(
            contract=contract,
            name=name,
            args=args,
            block_number=int(log["blockNumber"]),
            block_hash=bytes(log["blockHash"]),
            tx_hash=bytes(log["transactionHash"]),
            tx_index=int(log["transactionIndex"]),
            log_index=int(log["logIndex"]),
            address=checksum(bytes.fromhex(address[2:])),
        )
