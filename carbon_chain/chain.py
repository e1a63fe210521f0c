"""Contract bindings, custom-error decoding and a small confirmed-transaction sender."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast

from eth_abi.abi import decode
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError
from web3.types import TxParams, TxReceipt

from carbon_chain.abi import load_abi
from carbon_chain.manifest import Deployment
from carbon_chain.signer import Signer

RECEIPT_POLL_SECONDS = 0.005  # web3's 0.1 s default caps a sequential sender at ~22 tx/s


class ChainRevert(RuntimeError):
    """A transaction or call reverted; `error` and `args` are the decoded custom error."""

    def __init__(self, error: str, args: tuple[Any, ...], raw: bytes) -> None:
        self.error = error
        self.args_ = args
        self.raw = raw
        super().__init__(f"{error}{args!r}")


def _abi_type(param: dict[str, Any]) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return str(param["type"])


class ErrorDecoder:
    """Maps 4-byte selectors of every custom error in the registry's ABIs to name and types."""

    def __init__(self, abis: list[list[dict[str, Any]]]) -> None:
        self._errors: dict[bytes, tuple[str, list[str]]] = {
            # Solidity's built-ins: require(string) and panics.
            bytes.fromhex("08c379a0"): ("Error", ["string"]),
            bytes.fromhex("4e487b71"): ("Panic", ["uint256"]),
        }
        for abi in abis:
            for item in abi:
                if item.get("type") == "error":
                    types = [_abi_type(i) for i in item["inputs"]]
                    signature = f"{item['name']}({','.join(types)})"
                    self._errors[function_signature_to_4byte_selector(signature)] = (
                        item["name"],
                        types,
                    )

    def decode(self, data: bytes) -> tuple[str, tuple[Any, ...]]:
        """Return (error name, arguments) for revert data; unknown data keeps its hex."""
        if len(data) < 4:
            return ("EmptyRevert", ())
        found = self._errors.get(data[:4])
        if found is None:
            return ("UnknownError", (data.hex(),))
        name, types = found
        values = decode(types, data[4:])
        return name, tuple(
            to_checksum_address(v) if t == "address" else v
            for t, v in zip(types, values, strict=True)
        )


def _revert_data(exc: ContractLogicError) -> bytes:
    data = exc.data
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if isinstance(data, bytes):
        return data
    return b""


@dataclass
class Registry:
    """The deployed registry: its three contracts bound to one web3 connection."""

    w3: Web3
    registry: Contract
    ledger: Contract
    market: Contract
    decoder: ErrorDecoder

    @classmethod
    def at(cls, w3: Web3, registry: str, ledger: str, market: str) -> Registry:
        """Bind the contracts at the given addresses with the committed ABIs."""
        reg_abi, led_abi = load_abi("CarbonRegistry"), load_abi("CarbonLedger")
        mkt_abi = load_abi("CarbonMarket")
        return cls(
            w3=w3,
            registry=w3.eth.contract(address=to_checksum_address(registry), abi=reg_abi),
            ledger=w3.eth.contract(address=to_checksum_address(ledger), abi=led_abi),
            market=w3.eth.contract(address=to_checksum_address(market), abi=mkt_abi),
            decoder=ErrorDecoder([reg_abi, led_abi, mkt_abi]),
        )

    @classmethod
    def of(cls, w3: Web3, deployment: Deployment) -> Registry:
        """Bind the contracts a deployment manifest names."""
        return cls.at(w3, deployment.registry, deployment.ledger, deployment.market)

    @cached_property
    def chain_id(self) -> int:
        """The chain id, read once: it never changes under a deployment (saves an RPC per tx)."""
        return int(self.w3.eth.chain_id)

    def call(self, fn: ContractFunction, sender: str | None = None) -> Any:
        """Call a view (or simulate a write) and decode a revert into `ChainRevert`."""
        try:
            return fn.call({"from": sender} if sender else {})
        except ContractLogicError as exc:
            raw = _revert_data(exc)
            raise ChainRevert(*self.decoder.decode(raw), raw) from exc

    def transact(self, signer: Signer, fn: ContractFunction, gas: int | None = None) -> TxReceipt:
        """Simulate, sign, send and wait for `fn`; a revert raises `ChainRevert`.

        Raises:
            ChainRevert: the simulation or the mined transaction reverted.
        """
        params: dict[str, Any] = {
            "from": signer.address,
            "nonce": self.w3.eth.get_transaction_count(signer.address, "pending"),
            "chainId": self.chain_id,
        }
        if gas is not None:
            params["gas"] = gas
        try:
            tx = fn.build_transaction(cast(TxParams, params))  # estimates gas: reverts surface here
        except ContractLogicError as exc:
            raw = _revert_data(exc)
            raise ChainRevert(*self.decoder.decode(raw), raw) from exc
        tx_hash = self.w3.eth.send_raw_transaction(signer.sign_transaction(dict(tx)))
        receipt = self.w3.eth.wait_for_transaction_receipt(
            tx_hash, timeout=60, poll_latency=RECEIPT_POLL_SECONDS
        )
        if receipt["status"] != 1:
            # Re-run at the mined block to recover the revert reason.
            try:
                self.w3.eth.call(
                    cast(
                        TxParams,
                        {k: v for k, v in tx.items() if k in ("from", "to", "data", "value")},
                    ),
                    receipt["blockNumber"],
                )
            except ContractLogicError as exc:
                raw = _revert_data(exc)
                raise ChainRevert(*self.decoder.decode(raw), raw) from exc
            raise ChainRevert("RevertedWithoutReason", (tx_hash.hex(),), b"")
        return receipt

    def events(self, receipt: TxReceipt, contract: Contract, name: str) -> list[Any]:
        """Decode the `name` events `contract` emitted in `receipt`."""
        event = getattr(contract.events, name)()
        topic = bytes.fromhex(str(event.topic).removeprefix("0x"))
        return [
            event.process_log(log)
            for log in receipt["logs"]
            if log["address"] == contract.address and bytes(log["topics"][0]) == topic
        ]
