"""The signing flow: idempotency → simulate → nonce → sign → send → receipt; raw relay; status.

Services take the session factory and own their short write transactions: a signing request
spans several (record, nonce + signed transaction, sent, settled), each committed on its own so
that a crash between any two leaves a state the next request or `reconcile` can finish.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from eth_abi.abi import decode as abi_decode
from eth_abi.abi import encode as abi_encode
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from web3 import Web3
from web3.contract import Contract

from carbon_chain.abi import load_abi
from carbon_chain.chain import ErrorDecoder
from carbon_chain.domain import compliance_destinations
from carbon_chain.events import EventCodec
from carbon_chain.manifest import Deployment
from carbon_chain.signer import SignerError, decode_signed_transaction
from registry_node.config import Settings
from registry_node.errors import Conflict, Forbidden, Invalid, NotFound, Unavailable
from registry_node.tx import repository as repo
from registry_node.tx.auth import Principal
from registry_node.tx.keys import KeyRing, SignerRefused, SigningKey
from registry_node.tx.models import SigningRequest
from registry_node.tx.nonce import NonceManager
from registry_node.tx.ops import (
    CONTRACT_NAMES,
    OPERATIONS,
    ROLE_OPS,
    ConfirmExport,
    Operation,
    OpRequest,
    encode_call,
    function_selectors,
)
from registry_node.tx.ops import Contract as ContractName
from registry_node.tx.rpc import RpcClient, RpcError, RpcUnavailable
from registry_node.tx.send import (
    FeeOracle,
    ReceiptWatcher,
    SendOutcome,
    SendResult,
    broadcast,
    bumped,
)

log = logging.getLogger(__name__)

FINAL_STATES = ("mined", "failed", "rejected", "dropped")
NOOP_GAS = 21_000
_SEND_ATTEMPTS = 3
# Custom errors that say the request's own values are wrong (422); other reverts conflict
# with the chain's current state (409): already exists, wrong status, balance, role.
_INVALID_MARKERS = (
    "Invalid",
    "Zero",
    "TooLarge",
    "Unknown",
    "Mismatch",
    "InFuture",
    "Insufficient Signatures",
    "InsufficientSignatures",
    "SignersNotAscending",
    "SignerNotVerifier",
    "EventRetirementRequired",
    "DistributionRequired",
    "NotADistribution",
)


class IdempotencyMismatch(Conflict):
    """The idempotency key was used before with a different request."""

    code = "idempotency_mismatch"


class InProgress(Conflict):
    """A request with this idempotency key is still being processed."""

    code = "in_progress"


class ComplianceLock(Conflict):
    """A plain export was asked for a lock held for a Hubei compliance destination."""

    code = "compliance_lock"


_GET_LOCK = keccak(text="getLock(uint256)")[:4]
# CarbonLedger's Lock struct (types/RegistryTypes.sol): holder, amount, status, batchId, lockedAt,
# destinationHash.
_LOCK = "(address,uint64,uint8,uint56,uint40,bytes32)"


class Reverted(Exception):
    """A simulation (or a mined transaction) reverted with a decoded custom error."""

    def __init__(self, name: str, args: tuple[Any, ...]) -> None:
        super().__init__(name)
        self.name = name
        self.args_ = args


class NotSent(Exception):
    """The node refused the transaction outright; its nonce was given back."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer of the signing service: status code and JSON body."""

    status_code: int
    body: dict[str, Any]


def revert_status(name: str) -> int:
    """Return 422 for a revert blaming the request's values, 409 for a state conflict."""
    return 422 if any(m in name for m in _INVALID_MARKERS) else 409


def _json_value(value: Any) -> Any:
    """Render a decoded ABI value for JSON: uints as decimal strings, bytes as 0x hex."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return str(value)


def _digest(kind: str, body: Any) -> str:
    text = json.dumps({"kind": kind, "body": body}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _tx_hash(raw: bytes) -> str:
    return "0x" + keccak(raw).hex()


class SigningService:
    """Signs the registry's operations with the node's keys and relays users' transactions."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        rpc: RpcClient,
        keyring: KeyRing,
        deployment: Deployment,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.rpc = rpc
        # The nonce critical section sends on its own connection, never queueing behind the
        # pool lock of the simulations and receipt polls of other requests.
        self._send_rpc = rpc.clone(pool_size=2)
        self.keyring = keyring
        self.deployment = deployment
        self.chain_id = deployment.chain_id
        self._clock = clock
        w3 = Web3()
        self._contracts: dict[ContractName, Contract] = {
            "registry": w3.eth.contract(
                address=to_checksum_address(deployment.registry), abi=load_abi("CarbonRegistry")
            ),
            "ledger": w3.eth.contract(
                address=to_checksum_address(deployment.ledger), abi=load_abi("CarbonLedger")
            ),
            "market": w3.eth.contract(
                address=to_checksum_address(deployment.market), abi=load_abi("CarbonMarket")
            ),
        }
        self._by_address = {c.address: name for name, c in self._contracts.items()}
        self._selectors = {
            name: {sel: fn for fn, sel in function_selectors(name).items()}
            for name in self._contracts
        }
        self.decoder = ErrorDecoder([load_abi(name) for name in CONTRACT_NAMES.values()])
        self.events = EventCodec(deployment.registry, deployment.ledger, deployment.market)
        # Per-operation checks and additions before encoding (e.g. the import hint).
        self.preparers: dict[str, Callable[[OpRequest], OpRequest]] = {}
        self.nonces = NonceManager(sessions, rpc, self.chain_id)
        self.fees = FeeOracle(rpc, settings.tx_fee_cache_seconds)
        self.watcher = ReceiptWatcher(rpc)
        self._chain_checked = False
        self._dirty: set[str] = set()
        self._dirty_lock = threading.Lock()
        # `received` requests this process gave up on after a database error (nothing signed):
        # a retry with their key runs them at once instead of waiting tx_stale_seconds.
        self._abandoned: set[str] = set()

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        """Check the chain and reconcile every key's nonces; tolerate an RPC that is down.

        Raises:
            RuntimeError: the endpoint serves another chain than the manifest's.
        """
        try:
            self._check_chain()
        except Unavailable:
            log.warning("signing service: chain RPC unavailable at start; will check on use")
        for key in self.keyring.all():
            try:
                report = self.reconcile(key)
                log.info("nonces of %s (%s) reconciled: %s", key.name, key.address, report)
            except (RpcUnavailable, Unavailable, SignerError) as exc:
                log.warning("reconcile of %s deferred: %s", key.name, exc)
                self._mark_dirty(key.address)

    def close(self) -> None:
        """Stop background work and close connections."""
        self.watcher.close()
        self.rpc.close()
        self._send_rpc.close()

    def _now(self) -> int:
        return int(self._clock())

    def _unavailable(self, detail: str) -> Unavailable:
        return Unavailable(detail, retry_after=self.settings.tx_retry_after_seconds)

    def _check_chain(self) -> None:
        if self._chain_checked:
            return
        try:
            served = self.rpc.chain_id()
        except RpcUnavailable as exc:
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        if served != self.chain_id:
            raise RuntimeError(
                f"RPC serves chain {served} but the manifest is for chain {self.chain_id}"
            )
        self._chain_checked = True

    def _mark_dirty(self, address: str) -> None:
        with self._dirty_lock:
            self._dirty.add(address)

    def _take_dirty(self, address: str) -> bool:
        with self._dirty_lock:
            if address in self._dirty:
                self._dirty.discard(address)
                return True
            return False

    # ------------------------------------------------------------------ signing ops
    def address_of(self, contract: ContractName) -> str:
        """Return the deployed address of `contract`."""
        return str(self._contracts[contract].address)

    def encode(self, op: Operation, request: OpRequest, sender: str) -> bytes:
        """Return the calldata of `op` for `request` (the node encodes; callers never do)."""
        return encode_call(op, request, sender)

    def submit(
        self, principal: Principal, op: Operation, request: OpRequest, idempotency_key: str
    ) -> Answer:
        """Run one signing request to its receipt (or to 202 while it is pending).

        Raises:
            Unavailable: the chain or a remote signer is down (nothing was signed, or the signed
                transaction is kept and re-sent by a retry with the same key).
            IdempotencyMismatch / InProgress: the key was used for another or a running request.
        """
        key = self.keyring.get(principal.key_name or "")
        if key is None:  # checked by the endpoint; kept for safety
            raise Forbidden("this token's signing key is not configured on this node")
        self._check_chain()
        digest = _digest(op.name, request.model_dump(mode="json"))
        prepare = self.preparers.get(op.name)
        if prepare is not None:
            request = prepare(request)
        if isinstance(request, ConfirmExport):
            self._refuse_compliance_export(op, request, key.address)
        calldata = self.encode(op, request, key.address)
        record, fresh = self._open_record(
            principal, idempotency_key, digest, op, key, calldata, self.address_of(op.contract)
        )
        if not fresh:
            return self._resume(record, digest, key)
        return self._execute_or_release(record, key)

    def _refuse_compliance_export(self, op: Operation, request: ConfirmExport, sender: str) -> None:
        """Refuse a plain export of a lock held for a Hubei compliance destination.

        The market's own compliance locks revert anyway (LedgerOnlyMarket: only the market
        settles them), and the normal flow answers with that decoded error. A lock a holder
        opened with lock_for_export under a compliance destination would, confirmed here, export
        credits to Hubei outside the year's cap and the export file: that is refused.

        Raises:
            ComplianceLock: the lock's destination is a compliance year's and the export would
                go through (409, nothing signed).
            Unavailable: the chain RPC is down.
        """
        ledger = self.address_of("ledger")
        data = _GET_LOCK + abi_encode(["uint256"], [request.lock_id])
        try:
            reply = self.rpc.call("eth_call", [{"to": ledger, "data": "0x" + data.hex()}, "latest"])
        except RpcUnavailable as exc:
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        except RpcError as exc:
            raise self._unavailable(f"getLock failed: {exc.message[:200]}") from None
        (lock,) = abi_decode([_LOCK], bytes.fromhex(str(reply)[2:]))
        year = compliance_destinations().get(bytes(lock[5]))
        if year is None:
            return
        try:
            self.simulate(sender, ledger, self.encode(op, request, sender))
        except Reverted:
            return  # e.g. the market's lock: the flow records and answers the decoded revert
        except RpcUnavailable as exc:
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        raise ComplianceLock(
            f"lock {request.lock_id} is held for the Hubei compliance destination of {year}: "
            "compliance locks are settled with confirm_compliance_use (a use the market opened "
            "with use_for_compliance); release this lock with release_lock",
            field="lock_id",
            lock_id=str(request.lock_id),
            year=year,
        )

    def _execute_or_release(self, record: SigningRequest, key: SigningKey) -> Answer:
        """Run `_execute`; a database error before signing frees the request for a retry."""
        try:
            return self._execute(record, key)
        except (OperationalError, PoolTimeout):
            # In memory `received`: this run stored no signed transaction (if the signing
            # commit reached the database after all, the row says `signed` and the conditional
            # delete leaves it, so a retry re-sends those bytes).
            if record.state == "received":
                self._release(record.id)
            raise

    def _abandon(self, request_id: str) -> None:
        with self._dirty_lock:
            self._abandoned.add(request_id)

    def _release(self, request_id: str) -> None:
        """Forget an unsigned request or, with the database still away, mark it abandoned."""
        try:
            with repo.write(self.sessions) as session:
                repo.delete_unsigned_request(session, request_id)
        except (OperationalError, PoolTimeout):
            self._abandon(request_id)

    def _open_record(
        self,
        principal: Principal,
        idempotency_key: str,
        digest: str,
        op: Operation,
        key: SigningKey,
        calldata: bytes,
        to: str,
    ) -> tuple[SigningRequest, bool]:
        now = self._now()
        record = SigningRequest(
            id=str(uuid.uuid4()),
            chain_id=self.chain_id,
            token_id=principal.token_id,
            idempotency_key=idempotency_key,
            request_sha256=digest,
            op=op.name,
            key_name=key.name,
            sender=key.address,
            to=to,
            function=f"{CONTRACT_NAMES[op.contract]}.{op.function}",
            calldata=calldata,
            state="received",
            created_at=now,
            updated_at=now,
        )
        try:
            with repo.write(self.sessions) as session:
                session.add(record)
            return record, True
        except (OperationalError, PoolTimeout):
            self._abandon(record.id)  # the insert may have committed with its answer lost
            raise
        except IntegrityError:
            with self.sessions() as session:
                existing = repo.request_by_idempotency(session, principal.token_id, idempotency_key)
            if existing is None:
                raise self._unavailable("concurrent request with this key; retry") from None
            return existing, False

    def _resume(self, record: SigningRequest, digest: str, key: SigningKey | None) -> Answer:
        if record.request_sha256 != digest:
            raise IdempotencyMismatch(
                "this Idempotency-Key was already used with a different request",
                request_id=record.id,
            )
        if record.state == "received":
            now = self._now()
            with self._dirty_lock:
                abandoned = record.id in self._abandoned
            if not abandoned and now - record.updated_at < self.settings.tx_stale_seconds:
                raise InProgress(
                    "a request with this Idempotency-Key is in progress; retry later",
                    request_id=record.id,
                )
            with repo.write(self.sessions) as session:
                taken = repo.take_over_stale(session, record.id, record.updated_at, now)
            if not taken:
                raise InProgress("a request with this Idempotency-Key is in progress")
            with self._dirty_lock:
                self._abandoned.discard(record.id)
            if record.op == "relay":
                return self._run_relay(record)
            if key is None:
                raise Forbidden("this token's signing key is not configured on this node")
            return self._execute_or_release(record, key)
        if record.state == "signed" and record.raw_tx is not None:
            self._rebroadcast(record)
        if record.state in ("signed", "sent"):
            return self._track(record)
        return self.answer(record)

    def _execute(self, record: SigningRequest, key: SigningKey) -> Answer:
        try:
            gas = self._simulate_and_estimate(key.address, record.to, record.calldata)
        except Reverted as exc:
            return self._settle_revert(record, exc, "rejected")
        except RpcUnavailable as exc:
            self._forget(record)
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        try:
            self._sign_and_send(record, key, gas)
        except SignerRefused as exc:
            self._forget(record)
            raise Forbidden(str(exc)) from None
        except (SignerError, NotSent) as exc:
            # A remote signer down, refusing or answering with another transaction: nothing
            # was sent and the nonce went back, so a retry is safe.
            self._forget(record)
            raise self._unavailable(str(exc)) from None
        except RpcUnavailable as exc:
            if record.state == "received":  # failed before signing (fees, nonce lookup)
                self._forget(record)
                raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
            # Signed and stored, maybe sent: a retry with the same key re-sends the same bytes.
            self._mark_dirty(key.address)
            raise self._unavailable(
                f"chain RPC unavailable while sending ({exc.reason}); retry with the same "
                f"Idempotency-Key (request {record.id})"
            ) from None
        return self._track(record)

    def _forget(self, record: SigningRequest) -> None:
        """Drop a request that got no nonce, so a retry with its key runs it afresh."""
        with repo.write(self.sessions) as session:
            repo.delete_request(session, record.id)

    # ------------------------------------------------------------------ chain calls
    def simulate(self, sender: str, to: str, data: bytes, block: str = "latest") -> None:
        """Run the call with eth_call; a revert raises `Reverted` with the decoded error.

        Raises:
            Reverted: the call reverts.
            RpcUnavailable: the node did not answer.
        """
        call = {"from": sender, "to": to, "data": "0x" + data.hex()}
        try:
            self.rpc.call("eth_call", [call, block])
        except RpcError as exc:
            raise self._reverted(exc) from None

    def _reverted(self, exc: RpcError) -> Exception:
        """Decode a revert; any other node error (e.g. the key lacks funds) is not the caller's
        fault and becomes `RpcUnavailable` (a 503)."""
        raw = exc.revert_data()
        if raw is None:
            return RpcUnavailable(exc.method, f"node error: {exc.message[:200]}")
        return Reverted(*self.decoder.decode(raw))

    def _simulate_and_estimate(self, sender: str, to: str, data: bytes) -> int:
        """Simulate with eth_call and estimate gas in one JSON-RPC batch; return the gas limit.

        Raises:
            Reverted: the call reverts (the eth_call's decoded error wins).
            RpcUnavailable: the node did not answer.
        """
        call = {"from": sender, "to": to, "data": "0x" + data.hex()}
        results = self.rpc.batch([("eth_call", [call, "latest"]), ("eth_estimateGas", [call])])
        for result in results:
            if isinstance(result, RpcError):
                raise self._reverted(result)
        gas = int(results[1], 16)
        return gas + gas * self.settings.tx_gas_margin_percent // 100

    # ------------------------------------------------------------------ nonce, sign, send
    def _sign_and_send(self, record: SigningRequest, key: SigningKey, gas: int) -> None:
        """Allocate the next nonce, sign, store and broadcast (all under the account lock)."""
        address = key.address
        result = SendResult(SendOutcome.REJECTED, "not attempted")
        for _ in range(_SEND_ATTEMPTS):
            fees = self.fees.current()
            with self.nonces.account(address):
                if self._take_dirty(address):
                    try:
                        self._reconcile_locked(key)
                    except RpcUnavailable:
                        self._mark_dirty(address)
                        raise
                self.nonces.ensure_row(address)
                nonce, raw = self._allocate_and_sign(record, key, gas, fees)
                # Broadcast under the lock: nonces reach the node in order, and an unsent
                # nonce can be given back before anyone takes the next one.
                result = broadcast(self._send_rpc, raw)  # RpcUnavailable: keep it signed
                if result.outcome is not SendOutcome.ACCEPTED:
                    self._give_back(record, address, nonce)
                    if result.outcome is SendOutcome.NONCE_STALE:
                        self._resync(address)
            if result.outcome is SendOutcome.ACCEPTED:
                record.state = "sent"  # stored as such by _track unless it settles at once
                return
            if result.outcome is SendOutcome.FEE_TOO_LOW:
                self.fees.invalidate()
            elif result.outcome is SendOutcome.REJECTED:
                break
        raise NotSent(f"the chain refused the transaction: {result.message[:200]}")

    def _allocate_and_sign(
        self, record: SigningRequest, key: SigningKey, gas: int, fees: dict[str, int]
    ) -> tuple[int, bytes]:
        with repo.write(self.sessions, urgent=True) as session:
            row = self.nonces.locked_row(session, key.address)
            nonce = row.next_nonce
            tx = {
                "chainId": self.chain_id,
                "nonce": nonce,
                "to": record.to,
                "value": 0,
                "gas": gas,
                "data": record.calldata,
                **fees,
            }
            raw = key.signer.sign_transaction(tx)  # rolls back on error: nonce untouched
            stored = session.get(SigningRequest, record.id)
            if stored is None:
                raise RuntimeError(f"request {record.id} vanished")
            stored.nonce = nonce
            stored.raw_tx = raw
            stored.tx_hash = _tx_hash(raw)
            stored.state = "signed"
            stored.updated_at = self._now()
            row.next_nonce = nonce + 1
            row.updated_at = stored.updated_at
        record.nonce, record.raw_tx, record.tx_hash = nonce, raw, stored.tx_hash
        record.state = "signed"
        return nonce, raw

    def _give_back(self, record: SigningRequest, address: str, nonce: int) -> None:
        """Return an unsent nonce if nobody used the next one; else leave the gap to repair."""
        with repo.write(self.sessions) as session:
            row = self.nonces.locked_row(session, address)
            stored = session.get(SigningRequest, record.id)
            if row.next_nonce == nonce + 1:
                row.next_nonce = nonce
            else:
                self._mark_dirty(address)
            if stored is not None:
                stored.nonce = None
                stored.raw_tx = None
                stored.tx_hash = None
                stored.state = "received"
                stored.updated_at = self._now()
        record.nonce, record.raw_tx, record.tx_hash, record.state = None, None, None, "received"

    def _resync(self, address: str) -> None:
        """Move the stored next nonce up to the chain's pending count (never down)."""
        pending = self.rpc.nonce(address, "pending")
        with repo.write(self.sessions) as session:
            row = self.nonces.locked_row(session, address)
            if pending > row.next_nonce:
                log.warning(
                    "nonce of %s behind the chain (%d < %d): key used elsewhere?",
                    address,
                    row.next_nonce,
                    pending,
                )
                row.next_nonce = pending
                row.updated_at = self._now()

    def _set_state(self, record: SigningRequest, state: str) -> None:
        with repo.write(self.sessions) as session:
            stored = session.get(SigningRequest, record.id)
            if stored is not None:
                stored.state = state
                stored.updated_at = self._now()
        record.state = state

    def _rebroadcast(self, record: SigningRequest) -> None:
        """Send a stored signed transaction again (after an RPC fault or a crash)."""
        if record.raw_tx is None:
            return
        try:
            result = broadcast(self.rpc, record.raw_tx)
        except RpcUnavailable as exc:
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        if result.outcome is SendOutcome.ACCEPTED:
            self._set_state(record, "sent")
        else:
            # Mined already ("nonce too low") or no longer valid: reconcile decides.
            self._set_state(record, "sent")
            self._mark_dirty(record.sender)

    # ------------------------------------------------------------------ receipts
    def _track(self, record: SigningRequest) -> Answer:
        if record.tx_hash is None:
            return self.answer(record)
        receipt = self.watcher.wait(record.tx_hash, self.settings.tx_receipt_timeout)
        if receipt is None:
            if record.state == "sent":
                self._set_state(record, "sent")
            return self.answer(record)
        return self.answer(self._settle_receipt(record, receipt))

    def _settle_receipt(self, record: SigningRequest, receipt: dict[str, Any]) -> SigningRequest:
        status = int(receipt.get("status", "0x0"), 16)
        block = int(receipt["blockNumber"], 16)
        error: Reverted | None = None
        if status != 1:
            try:
                self.simulate(record.sender, record.to, record.calldata, hex(block))
                error = Reverted("RevertedWithoutReason", ())
            except Reverted as exc:
                error = exc
            except RpcUnavailable:
                error = Reverted("RevertedWithoutReason", ())
        with repo.write(self.sessions) as session:
            stored = session.get(SigningRequest, record.id)
            if stored is None:
                return record
            stored.tx_hash = str(receipt["transactionHash"])
            stored.block_number = block
            stored.block_hash = str(receipt["blockHash"])
            stored.gas_used = int(receipt["gasUsed"], 16)
            stored.events = json.dumps(self._decode_events(receipt))
            stored.state = "mined" if error is None else "failed"
            stored.http_status = 200 if error is None else revert_status(error.name)
            if error is not None:
                stored.error_name = error.name
                stored.error_args = json.dumps(_json_value(error.args_))
            stored.updated_at = self._now()
        return stored

    def _decode_events(self, receipt: dict[str, Any]) -> list[dict[str, Any]]:
        """Decode the registry's events in a raw receipt (ids the caller needs: batch, cert)."""
        out = []
        for log_ in receipt.get("logs", []):
            event = self.events.decode(
                {
                    "address": log_["address"],
                    "topics": [bytes.fromhex(t[2:]) for t in log_["topics"]],
                    "data": bytes.fromhex(log_["data"][2:]),
                    "blockNumber": int(log_["blockNumber"], 16),
                    "blockHash": bytes.fromhex(log_["blockHash"][2:]),
                    "transactionHash": bytes.fromhex(log_["transactionHash"][2:]),
                    "transactionIndex": int(log_["transactionIndex"], 16),
                    "logIndex": int(log_["logIndex"], 16),
                }
            )
            if event is not None:
                out.append(
                    {
                        "contract": event.contract,
                        "name": event.name,
                        "args": _json_value(event.args),
                    }
                )
        return out

    def _settle_revert(self, record: SigningRequest, exc: Reverted, state: str) -> Answer:
        with repo.write(self.sessions) as session:
            stored = session.get(SigningRequest, record.id)
            if stored is None:
                raise RuntimeError(f"request {record.id} vanished")
            stored.state = state
            stored.http_status = revert_status(exc.name)
            stored.error_name = exc.name
            stored.error_args = json.dumps(_json_value(exc.args_))
            stored.updated_at = self._now()
        return self.answer(stored)

    def _receipt_of(self, record: SigningRequest) -> dict[str, Any] | None:
        hashes = [h for h in [record.tx_hash, *(record.replaced_hashes or "").split(",")] if h]
        for result in self.rpc.batch([("eth_getTransactionReceipt", [h]) for h in hashes]):
            if isinstance(result, dict):
                return result
        return None

    # ------------------------------------------------------------------ answers
    @staticmethod
    def public_status(state: str) -> str:
        """Map an internal state to the API's status."""
        if state in ("received", "signed", "sent"):
            return "pending"
        return state

    def tx_body(self, record: SigningRequest) -> dict[str, Any]:
        """Return the JSON view of a request and its transaction."""
        error = None
        if record.error_name:
            error = {"name": record.error_name, "args": json.loads(record.error_args or "[]")}
        return {
            "id": record.id,
            "op": record.op,
            "status": self.public_status(record.state),
            "state": record.state,
            "chain_id": record.chain_id,
            "key": record.key_name,
            "from": record.sender,
            "to": record.to,
            "function": record.function,
            "nonce": record.nonce,
            "tx_hash": record.tx_hash,
            "block_number": record.block_number,
            "block_hash": record.block_hash,
            "gas_used": record.gas_used,
            "events": json.loads(record.events) if record.events else [],
            "error": error,
            "idempotency_key": record.idempotency_key,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
        }

    def answer(self, record: SigningRequest) -> Answer:
        """Return the HTTP answer for a request in its current state."""
        body = self.tx_body(record)
        if record.state in ("failed", "rejected") and record.error_name:
            args = ", ".join(str(a) for a in json.loads(record.error_args or "[]"))
            verb = "would revert" if record.state == "rejected" else "reverted"
            return Answer(
                record.http_status or revert_status(record.error_name),
                {
                    "error": "reverted",
                    "detail": f"{record.function} {verb}: {record.error_name}({args})",
                    "revert": body["error"],
                    "tx": body,
                },
            )
        if record.state == "dropped":
            detail = "the transaction was dropped: its nonce was used by another transaction"
            return Answer(409, {"error": "dropped", "detail": detail, "tx": body})
        if record.state == "mined":
            return Answer(200, body)
        return Answer(202, body)

    # ------------------------------------------------------------------ status
    def status(self, ref: str) -> dict[str, Any]:
        """Return the current view of a request by id or transaction hash (refreshed).

        Raises:
            NotFound: neither a request of this node nor a transaction on the chain.
            Unavailable: the chain RPC is down and the request is unknown here.
        """
        ref = ref.strip()
        with self.sessions() as session:
            if ref.startswith("0x"):
                record = repo.request_by_hash(session, ref.lower())
            else:
                record = repo.get_request(session, ref)
        if record is None:
            if ref.startswith("0x") and len(ref) == 66:
                return self._chain_status(ref.lower())
            raise NotFound(f"no transaction or request {ref!r}")
        try:
            record = self._refresh(record)
        except RpcUnavailable:
            log.warning("status of %s not refreshed: RPC unavailable", record.id)
        return self.tx_body(record)

    def _refresh(self, record: SigningRequest) -> SigningRequest:
        if record.state in ("signed", "sent"):
            receipt = self._receipt_of(record)
            if receipt is not None:
                return self._settle_receipt(record, receipt)
        elif record.state in ("mined", "failed") and record.tx_hash:
            if self._receipt_of(record) is None:  # reorged out: pending again, re-queued
                log.warning("transaction %s lost its receipt (reorg); re-sending", record.tx_hash)
                with repo.write(self.sessions) as session:
                    stored = session.get(SigningRequest, record.id)
                    if stored is not None:
                        stored.state = "sent"
                        stored.block_number = stored.block_hash = None
                        stored.http_status = None
                        stored.error_name = stored.error_args = None
                        stored.updated_at = self._now()
                        record = stored
                if record.raw_tx is not None:
                    broadcast(self.rpc, record.raw_tx)
        return record

    def _chain_status(self, tx_hash: str) -> dict[str, Any]:
        try:
            tx = self.rpc.call("eth_getTransactionByHash", [tx_hash])
            receipt = self.rpc.receipt(tx_hash) if tx else None
        except RpcUnavailable as exc:
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        if not tx:
            raise NotFound(f"no transaction {tx_hash} on the chain or in this node")
        body: dict[str, Any] = {
            "id": None,
            "op": None,
            "status": "pending",
            "chain_id": self.chain_id,
            "from": to_checksum_address(tx["from"]),
            "to": to_checksum_address(tx["to"]) if tx.get("to") else None,
            "nonce": int(tx["nonce"], 16),
            "tx_hash": tx_hash,
            "block_number": None,
            "error": None,
        }
        if receipt is not None:
            body["block_number"] = int(receipt["blockNumber"], 16)
            body["gas_used"] = int(receipt["gasUsed"], 16)
            body["status"] = "mined" if int(receipt["status"], 16) == 1 else "failed"
            if body["status"] == "failed" and body["to"] in self._by_address:
                try:
                    data = bytes.fromhex(str(tx.get("input", "0x"))[2:])
                    self.simulate(body["from"], body["to"], data, receipt["blockNumber"])
                except Reverted as exc:
                    body["error"] = {"name": exc.name, "args": _json_value(exc.args_)}
                except RpcUnavailable:
                    pass
        return body

    # ------------------------------------------------------------------ raw relay
    def relay(self, principal: Principal, raw: bytes, idempotency_key: str | None) -> Answer:
        """Check and relay a transaction a user signed elsewhere; track it like our own.

        Raises:
            Invalid: not a signed transaction, wrong chain, target, selector or value.
            Forbidden: the sender is one of this node's own keys.
            Unavailable: the chain RPC is down.
        """
        self._check_chain()
        try:
            tx = decode_signed_transaction(raw)
        except SignerError as exc:
            raise Invalid(str(exc), field="raw") from None
        if tx.chain_id != self.chain_id:
            raise Invalid(
                f"transaction is for chain {tx.chain_id}, this registry is on {self.chain_id}",
                field="raw",
            )
        contract = self._by_address.get(tx.to) if tx.to else None
        if contract is None:
            raise Invalid(
                "the target must be the registry or the ledger contract, or the market",
                field="raw",
                registry=self.address_of("registry"),
                ledger=self.address_of("ledger"),
                market=self.address_of("market"),
            )
        function = self._selectors[contract].get(tx.data[:4])
        if function is None:
            raise Invalid(
                f"selector 0x{tx.data[:4].hex()} is not a function of {CONTRACT_NAMES[contract]}",
                field="raw",
            )
        if tx.value != 0:
            raise Invalid("the registry's functions take no value", field="raw")
        if any(k.address == tx.sender for k in self.keyring.all()):
            raise Forbidden("transactions of this node's own keys go through the signing API")
        tx_hash = _tx_hash(raw)
        digest = _digest("relay", "0x" + raw.hex())
        record, fresh = self._open_relay(
            principal, idempotency_key, digest, tx, raw, tx_hash, contract, function
        )
        if not fresh:
            return self._resume(record, digest, None)
        return self._run_relay(record)

    def _run_relay(self, record: SigningRequest) -> Answer:
        """Simulate, then broadcast a relayed transaction (its record holds the raw bytes)."""
        assert record.raw_tx is not None
        try:
            self.simulate(record.sender, record.to, record.calldata)
            result = broadcast(self.rpc, record.raw_tx)
        except Reverted as exc:
            return self._settle_revert(record, exc, "rejected")
        except RpcUnavailable as exc:
            self._forget(record)
            raise self._unavailable(f"chain RPC unavailable: {exc.reason}") from None
        if result.outcome is not SendOutcome.ACCEPTED:
            refused = Reverted("TransactionRefused", (result.message[:200],))
            return self._settle_revert(record, refused, "rejected")
        self._set_state(record, "sent")
        return self._track(record)

    def _open_relay(
        self,
        principal: Principal,
        idempotency_key: str | None,
        digest: str,
        tx: Any,
        raw: bytes,
        tx_hash: str,
        contract: ContractName,
        function: str,
    ) -> tuple[SigningRequest, bool]:
        now = self._now()
        record = SigningRequest(
            id=str(uuid.uuid4()),
            chain_id=self.chain_id,
            token_id=principal.token_id,
            idempotency_key=idempotency_key,
            request_sha256=digest,
            op="relay",
            key_name=None,
            sender=tx.sender,
            to=tx.to,
            function=f"{CONTRACT_NAMES[contract]}.{function}",
            calldata=tx.data,
            nonce=tx.nonce,
            tx_hash=tx_hash,
            raw_tx=raw,
            state="received",
            created_at=now,
            updated_at=now,
        )
        try:
            with repo.write(self.sessions) as session:
                session.add(record)
            return record, True
        except (OperationalError, PoolTimeout):
            self._abandon(record.id)  # the insert may have committed with its answer lost
            raise
        except IntegrityError:
            with self.sessions() as session:
                existing = repo.request_by_hash(session, tx_hash)
                if existing is None and idempotency_key is not None:
                    existing = repo.request_by_idempotency(
                        session, principal.token_id, idempotency_key
                    )
            if existing is None:
                raise Conflict(
                    f"another relayed transaction of {tx.sender} already uses nonce {tx.nonce}"
                ) from None
            return existing, False

    # ------------------------------------------------------------------ reconcile
    def reconcile(self, key: SigningKey) -> dict[str, int]:
        """Repair `key`'s nonces against the chain: adopt external use, re-send, fill gaps.

        Raises:
            RpcUnavailable: the chain RPC is down.
        """
        with self.nonces.account(key.address):
            return self._reconcile_locked(key)

    def _reconcile_locked(self, key: SigningKey) -> dict[str, int]:
        address = key.address
        self.nonces.ensure_row(address)
        latest = self.rpc.nonce(address, "latest")
        pending = self.rpc.nonce(address, "pending")
        report = {"latest": latest, "pending": pending, "adopted": 0}
        report |= {"resent": 0, "filled": 0, "dropped": 0, "settled": 0}
        with repo.write(self.sessions) as session:
            row = self.nonces.locked_row(session, address)
            expected = row.next_nonce
            if pending > expected:
                log.warning("%s: chain pending nonce %d > ours %d", address, pending, expected)
                row.next_nonce = pending
                report["adopted"] = pending - expected
                expected = pending
        with self.sessions() as session:
            open_records = list(repo.open_requests(session, self.chain_id, address))
        for record in open_records:
            nonce = record.nonce if record.nonce is not None else -1
            if nonce < latest:
                receipt = self._receipt_of(record)
                if receipt is not None:
                    self._settle_receipt(record, receipt)
                    report["settled"] += 1
                else:
                    self._drop(record)
                    report["dropped"] += 1
        for nonce in range(pending, expected):  # the gap: re-send ours, fill the unknown
            with self.sessions() as session:
                holder = repo.request_by_nonce(session, self.chain_id, address, nonce)
            if holder is not None and holder.state in ("signed", "sent") and holder.raw_tx:
                self._resend(holder, key)
                report["resent"] += 1
            elif holder is None or holder.state not in ("mined", "failed"):
                self._fill(key, nonce)
                report["filled"] += 1
        return report

    def _drop(self, record: SigningRequest) -> None:
        with repo.write(self.sessions) as session:
            stored = session.get(SigningRequest, record.id)
            if stored is not None:
                stored.error_detail = f"nonce {stored.nonce} was used by another transaction"
                stored.nonce = None
                stored.state = "dropped"
                stored.http_status = 409
                stored.updated_at = self._now()

    def _resend(self, record: SigningRequest, key: SigningKey) -> None:
        """Re-broadcast a stored transaction; re-sign it with higher fees if now underpriced."""
        assert record.raw_tx is not None
        result = broadcast(self.rpc, record.raw_tx)
        if result.outcome is SendOutcome.FEE_TOO_LOW:
            self.replace(record, key)
            return
        if result.outcome is SendOutcome.ACCEPTED:
            self._set_state(record, "sent")
        else:
            log.warning("re-send of %s refused: %s", record.tx_hash, result.message)

    def replace(self, record: SigningRequest, key: SigningKey) -> str:
        """Re-sign `record` at the same nonce with fees bumped past the pool's threshold.

        Returns:
            The new transaction hash (the old one stays in `replaced_hashes`).
        """
        if record.raw_tx is None or record.nonce is None:
            raise Conflict(f"request {record.id} has no transaction to replace")
        old = decode_signed_transaction(record.raw_tx)
        current = self.fees.current()
        fees = bumped(old.fees, self.settings.tx_price_bump_percent)
        fees = {k: max(v, current.get(k, 0)) for k, v in fees.items()}
        tx = {
            "chainId": self.chain_id,
            "nonce": record.nonce,
            "to": record.to,
            "value": 0,
            "gas": old.gas,
            "data": record.calldata,
            **fees,
        }
        raw = key.signer.sign_transaction(tx)
        new_hash = _tx_hash(raw)
        with repo.write(self.sessions) as session:
            stored = session.get(SigningRequest, record.id)
            if stored is None:
                raise NotFound(f"no request {record.id}")
            previous = [h for h in (stored.replaced_hashes or "").split(",") if h]
            stored.replaced_hashes = ",".join([*previous, stored.tx_hash or ""])
            stored.raw_tx, stored.tx_hash = raw, new_hash
            stored.state = "signed"
            stored.updated_at = self._now()
        record.raw_tx, record.tx_hash, record.state = raw, new_hash, "signed"
        result = broadcast(self.rpc, raw)
        if result.outcome is SendOutcome.ACCEPTED:
            self._set_state(record, "sent")
        else:
            log.warning("replacement of nonce %s refused: %s", record.nonce, result.message)
        return new_hash

    def _fill(self, key: SigningKey, nonce: int) -> None:
        """Fill a nonce nobody here knows with a zero-value transfer to self (a no-op)."""
        fees = self.fees.current()
        tx = {
            "chainId": self.chain_id,
            "nonce": nonce,
            "to": key.address,
            "value": 0,
            "gas": NOOP_GAS,
            "data": b"",
            **fees,
        }
        raw = key.signer.sign_transaction(tx)
        now = self._now()
        record = SigningRequest(
            id=str(uuid.uuid4()),
            chain_id=self.chain_id,
            token_id=None,
            idempotency_key=None,
            request_sha256="",
            op="nonce_fill",
            key_name=key.name,
            sender=key.address,
            to=key.address,
            function="",
            calldata=b"",
            nonce=nonce,
            tx_hash=_tx_hash(raw),
            raw_tx=raw,
            state="signed",
            created_at=now,
            updated_at=now,
        )
        with repo.write(self.sessions) as session:
            session.add(record)
        log.warning("filled nonce gap %d of %s with a no-op", nonce, key.address)
        result = broadcast(self.rpc, raw)
        if result.outcome is SendOutcome.ACCEPTED:
            self._set_state(record, "sent")

    # ------------------------------------------------------------------ ops listing
    def operations(self) -> list[dict[str, Any]]:
        """Describe every operation: name, target contract and function, roles allowed."""
        return [
            {
                "op": op.name,
                "contract": CONTRACT_NAMES[op.contract],
                "address": self.address_of(op.contract),
                "function": op.function,
                "summary": op.summary,
                "roles": sorted(r for r, ops in ROLE_OPS.items() if op.name in ops),
            }
            for op in OPERATIONS.values()
        ]
