"""Submit a signed report once, whatever crashes or RPC failures happen on the way.

Before anything is sent the registry's ``reportIdOf(digest)`` is asked whether the report is
already on chain; a transaction hash is recorded before it is broadcast so a resumed run looks
its receipt up instead of sending blindly; "already known", "nonce too low" and the contract's
``ReportReplayed`` are answered by looking the report up, never by failing or resending.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

import requests
from eth_utils.crypto import keccak
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, TransactionNotFound
from web3.types import TxParams

from carbon_chain.chain import ChainRevert, Registry
from carbon_chain.eip712 import ReportPayload
from carbon_chain.signer import Signer
from oracle.crash import crash_point
from oracle.errors import ChainUnavailableError, SubmissionError

log = logging.getLogger(__name__)
_T = TypeVar("_T")
_MAX_BACKOFF: Final = 8.0
_TRANSIENT: Final = (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
_LOOKUP_MESSAGES: Final = ("already known", "nonce too low", "known transaction")


@dataclass
class ChainGateway:
    """The registry on one chain, with bounded retries around every RPC call."""

    registry: Registry
    retries: int = 5
    backoff: float = 0.5

    @property
    def w3(self) -> Web3:
        """Return the web3 connection."""
        return self.registry.w3

    def retry(self, what: str, call: Callable[[], _T]) -> _T:
        """Run ``call``, retrying transient RPC errors with doubling, capped backoff.

        Raises:
            ChainUnavailableError: still failing after the configured retries.
        """
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return call()
            except _TRANSIENT as error:
                if attempt == self.retries:
                    raise ChainUnavailableError(
                        f"{what}: RPC still failing after {self.retries} retries ({error})"
                    ) from None
                log.warning(
                    "%s: RPC error (%s); retry %d in %.1fs", what, error, attempt + 1, delay
                )
                time.sleep(delay)
                delay = min(delay * 2, _MAX_BACKOFF)
        raise AssertionError("unreachable")  # pragma: no cover

    def now(self) -> int:
        """Return the latest block's timestamp (on-chain checks use it, not the host clock)."""
        return int(self.retry("latest block", lambda: self.w3.eth.get_block("latest"))["timestamp"])

    def report_id_of(self, digest: bytes) -> int:
        """Return the report id a digest was submitted as, 0 if never."""
        fn = self.registry.registry.functions.reportIdOf(digest)
        return int(self.retry("reportIdOf", lambda: self.registry.call(fn)))

    def threshold(self) -> int:
        """Return k, the number of verifier signatures a report needs."""
        fn = self.registry.registry.functions.verifierThreshold()
        return int(self.retry("verifierThreshold", lambda: self.registry.call(fn)))

    def is_active_verifier(self, address: str) -> bool:
        """Return whether an address may sign reports now."""
        fn = self.registry.registry.functions.isActiveVerifier(address)
        return bool(self.retry("isActiveVerifier", lambda: self.registry.call(fn)))

    def project(self, project_id: int) -> tuple[str, int, int]:
        """Return (methodology code, version, project status) of a project on chain."""
        project = self.retry(
            "getProject",
            lambda: self.registry.call(self.registry.registry.functions.getProject(project_id)),
        )
        methodology = self.retry(
            "getMethodology",
            lambda: self.registry.call(self.registry.registry.functions.getMethodology(project[0])),
        )
        return str(methodology[0]), int(methodology[1]), int(project[1])


def submit_report(
    gateway: ChainGateway,
    signer: Signer,
    payload: ReportPayload,
    digest: bytes,
    signatures: list[bytes],
    known_tx: str | None,
    record_tx: Callable[[str], None],
    timeout: float = 60.0,
) -> int:
    """Put a report on chain exactly once and return its id.

    Args:
        gateway: The registry.
        signer: The oracle's key (ORACLE_ROLE).
        payload: The report.
        digest: Its EIP-712 digest.
        signatures: ≥ k verifier signatures, ascending by signer.
        known_tx: Hash of a transaction sent for this report by an earlier attempt, if any.
        record_tx: Persists a transaction hash before it is broadcast (commits).
        timeout: Seconds to wait for the receipt.

    Raises:
        SubmissionError: the contract refused it (decoded custom error) or it never mined.
        ChainUnavailableError: the RPC endpoint kept failing.
    """
    report_id = gateway.report_id_of(digest)
    if report_id:
        return report_id
    if known_tx is not None:
        report_id = _await_known(gateway, digest, known_tx, timeout)
        if report_id:
            return report_id
    fn = gateway.registry.registry.functions.submitReport(payload.as_tuple(), signatures)
    w3 = gateway.w3
    try:
        tx = gateway.retry("build submitReport", lambda: _build(gateway, signer, fn))
    except ChainRevert as revert:
        return _on_revert(gateway, digest, revert)
    raw = signer.sign_transaction(dict(tx))
    tx_hash = "0x" + keccak(raw).hex()
    record_tx(tx_hash)
    try:
        gateway.retry("send submitReport", lambda: w3.eth.send_raw_transaction(raw))
    except ValueError as error:
        if not any(text in str(error).lower() for text in _LOOKUP_MESSAGES):
            raise SubmissionError(f"node refused the transaction: {error}") from None
        log.info("send answered %r; looking the report up", str(error)[:60])
    crash_point("broadcast")
    report_id = _await_known(gateway, digest, tx_hash, timeout)
    if not report_id:
        raise SubmissionError(f"transaction {tx_hash} did not put the report on chain")
    return report_id


def _build(gateway: ChainGateway, signer: Signer, fn: Any) -> dict[str, Any]:
    """Build (and so simulate) the transaction; a revert raises the decoded ChainRevert."""
    w3 = gateway.w3
    params = {
        "from": signer.address,
        "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
        "chainId": w3.eth.chain_id,
    }
    try:
        return dict(fn.build_transaction(cast(TxParams, params)))
    except ContractLogicError as error:
        data = error.data
        raw = b""
        if isinstance(data, str) and data.startswith("0x"):
            raw = bytes.fromhex(data[2:])
        elif isinstance(data, bytes):
            raw = data
        raise ChainRevert(*gateway.registry.decoder.decode(raw), raw) from error


def _on_revert(gateway: ChainGateway, digest: bytes, revert: ChainRevert) -> int:
    if revert.error == "ReportReplayed":
        report_id = int(revert.args_[1]) if len(revert.args_) > 1 else 0
        return report_id or gateway.report_id_of(digest)
    raise SubmissionError(f"submitReport reverted: {revert}", revert.error)


def _await_known(gateway: ChainGateway, digest: bytes, tx_hash: str, timeout: float) -> int:
    """Wait for a sent transaction; return the report id if the report is on chain, else 0."""
    w3 = gateway.w3
    try:
        w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
    except TransactionNotFound:
        return gateway.report_id_of(digest)  # never broadcast (crash before send) or dropped
    try:
        receipt = gateway.retry(
            "receipt",
            lambda: w3.eth.wait_for_transaction_receipt(
                tx_hash,  # type: ignore[arg-type]
                timeout=timeout,
                poll_latency=0.05,
            ),
        )
    except TimeExhausted:
        raise SubmissionError(f"transaction {tx_hash} not mined within {timeout:.0f}s") from None
    report_id = gateway.report_id_of(digest)
    if receipt["status"] != 1 and not report_id:
        raise SubmissionError(f"transaction {tx_hash} reverted", "RevertedWithoutReason")
    return report_id
