"""The contracts' own view functions at the audited block, read with batched `eth_call`s."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi.abi import decode, encode
from eth_utils.abi import function_signature_to_4byte_selector
from eth_utils.address import to_checksum_address
from web3 import Web3

from auditor import rpc
from auditor.replay import LedgerState
from carbon_chain.abi import load_abi
from carbon_chain.domain import VERIFIER_ROLE
from carbon_chain.events import checksum_address as checksum
from carbon_chain.manifest import Deployment

BATCH_SIZE = 500


class CallFailed:
    """A view call that reverted or failed; compares unequal to every value."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<call failed: {self.reason}>"


def _type(param: dict[str, Any]) -> str:
    if param["type"].startswith("tuple"):
        inner = ",".join(_type(c) for c in param["components"])
        return f"({inner}){param['type'][5:]}"
    return str(param["type"])


def _named(param: dict[str, Any], value: Any) -> Any:
    kind = param["type"]
    if kind == "tuple":
        return {c["name"]: _named(c, v) for c, v in zip(param["components"], value, strict=True)}
    if kind == "address":
        return to_checksum_address(value)
    if kind == "address[]":
        return [to_checksum_address(v) for v in value]
    if kind.endswith("[]"):
        return list(value)
    return value


_STATIC = ("address", "bool", "bytes32")


def _is_static(param: dict[str, Any]) -> bool:
    kind = str(param["type"])
    if kind == "tuple":
        return all(_is_static(c) for c in param["components"])
    return kind in _STATIC or (kind.startswith("uint") and "[" not in kind)


def _flat(params: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(name, type) of each word of an all-static output, tuples flattened."""
    out: list[tuple[str, str]] = []
    for p in params:
        if p["type"] == "tuple":
            out += [(c["name"], str(c["type"])) for c in p["components"]]
        else:
            out.append((p["name"], str(p["type"])))
    return out


def _word(kind: str, word: bytes) -> Any:
    if kind == "address":
        return checksum(word[12:])
    if kind == "bool":
        return word[-1] == 1
    if kind == "bytes32":
        return word
    return int.from_bytes(word, "big")


def _encode(types: list[str], args: tuple[Any, ...]) -> bytes:
    """ABI-encode call arguments; uint and address words directly, the rest with eth_abi."""
    if all(t == "address" or t.startswith("uint") for t in types) and "[" not in "".join(types):
        return b"".join(
            (int(a, 16) if t == "address" else int(a)).to_bytes(32, "big")
            for t, a in zip(types, args, strict=True)
        )
    return encode(types, list(args))


@dataclass(frozen=True)
class _Fn:
    selector: bytes
    inputs: list[str]
    outputs: list[dict[str, Any]]
    # Set when every output is one static word: results are sliced, not ABI-decoded.
    words: list[tuple[str, str]] | None = None
    as_tuple: bool = False


class ViewCaller:
    """Calls view functions of the three contracts at one block, many per JSON-RPC request."""

    def __init__(self, w3: Web3, deployment: Deployment, block: int) -> None:
        self.w3 = w3
        self.block = hex(block)
        self.addresses = {
            "registry": deployment.registry,
            "ledger": deployment.ledger,
            "market": deployment.market,
        }
        self._fns: dict[tuple[str, str], _Fn] = {}
        contracts = (
            ("registry", "CarbonRegistry"),
            ("ledger", "CarbonLedger"),
            ("market", "CarbonMarket"),
        )
        for contract, name in contracts:
            for item in load_abi(name):
                if item.get("type") != "function":
                    continue
                types = [_type(i) for i in item["inputs"]]
                signature = f"{item['name']}({','.join(types)})"
                outputs = item["outputs"]
                static = all(_is_static(o) for o in outputs)
                self._fns[(contract, item["name"])] = _Fn(
                    function_signature_to_4byte_selector(signature),
                    types,
                    outputs,
                    _flat(outputs) if static else None,
                    len(outputs) == 1 and outputs[0]["type"] == "tuple",
                )
        self.calls = 0

    def call_many(self, calls: Sequence[tuple[str, str, tuple[Any, ...]]]) -> list[Any]:
        """Return the decoded result (or `CallFailed`) of each (contract, function, args)."""
        results: list[Any] = []
        for i in range(0, len(calls), BATCH_SIZE):
            chunk = calls[i : i + BATCH_SIZE]
            requests: list[tuple[str, list[Any]]] = []
            for contract, name, args in chunk:
                fn = self._fns[(contract, name)]
                data = fn.selector + _encode(fn.inputs, args)
                tx = {"to": self.addresses[contract], "data": "0x" + data.hex()}
                requests.append(("eth_call", [tx, self.block]))
            by_id = rpc.batch(self.w3, requests)
            self.calls += len(chunk)
            for (contract, name, _), resp in zip(chunk, by_id, strict=True):
                results.append(self._decode(self._fns[(contract, name)], resp))
        return results

    @staticmethod
    def _decode(fn: _Fn, resp: Any) -> Any:
        if "error" in resp or resp.get("result") in (None, "0x"):
            return CallFailed(str(resp.get("error", "empty result")))
        raw = bytes.fromhex(str(resp["result"])[2:])
        if fn.words is not None and len(raw) == 32 * len(fn.words):
            values_ = [_word(k, raw[32 * i : 32 * i + 32]) for i, (_, k) in enumerate(fn.words)]
            if fn.as_tuple:
                return {n: v for (n, _), v in zip(fn.words, values_, strict=True)}
            return values_[0] if len(values_) == 1 else tuple(values_)
        values = decode([_type(o) for o in fn.outputs], raw)
        named = [_named(o, v) for o, v in zip(fn.outputs, values, strict=True)]
        return named[0] if len(named) == 1 else tuple(named)


@dataclass
class ChainSnapshot:
    """What the contracts' view functions say at the audited block."""

    block: int
    config: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    roles: dict[tuple[bytes, str], Any] = field(default_factory=dict)
    methodologies: dict[int, Any] = field(default_factory=dict)
    projects: dict[int, Any] = field(default_factory=dict)
    reports: dict[int, Any] = field(default_factory=dict)
    issued_for_report: dict[int, Any] = field(default_factory=dict)
    batches: dict[int, Any] = field(default_factory=dict)
    supplies: dict[int, Any] = field(default_factory=dict)
    unclaimed: dict[int, Any] = field(default_factory=dict)
    balances: dict[tuple[int, str], Any] = field(default_factory=dict)
    claimed: dict[tuple[int, str], Any] = field(default_factory=dict)
    retirements: dict[int, Any] = field(default_factory=dict)
    cancellations: dict[int, Any] = field(default_factory=dict)
    locks: dict[int, Any] = field(default_factory=dict)
    events: dict[int, Any] = field(default_factory=dict)
    event_retirements: dict[int, Any] = field(default_factory=dict)
    compliance_years: dict[int, Any] = field(default_factory=dict)
    eligibility: dict[tuple[int, int], Any] = field(default_factory=dict)
    covered: dict[tuple[int, str], Any] = field(default_factory=dict)
    available_cap: dict[tuple[int, str], Any] = field(default_factory=dict)
    compliance_uses: dict[int, Any] = field(default_factory=dict)
    imports: dict[int, Any] = field(default_factory=dict)
    import_ids: dict[bytes, Any] = field(default_factory=dict)
    imported_ranges: dict[tuple[str, int], Any] = field(default_factory=dict)
    redemptions: dict[int, Any] = field(default_factory=dict)
    calls: int = 0


CONFIG_VIEWS: list[tuple[str, str]] = [
    ("registry", "verifierThreshold"),
    ("registry", "noticePeriod"),
    ("registry", "ledger"),
    ("registry", "methodologyCount"),
    ("registry", "projectCount"),
    ("registry", "reportCount"),
    ("registry", "eventCount"),
    ("ledger", "registry"),
    ("ledger", "paused"),
    ("ledger", "aggregator"),
    ("ledger", "bufferAccount"),
    ("ledger", "nextSerial"),
    ("ledger", "batchCount"),
    ("ledger", "market"),
    ("market", "registry"),
    ("market", "ledger"),
    ("market", "complianceUseCount"),
    ("market", "importCount"),
    ("market", "redemptionCount"),
]

MAX_ACCOUNT_BALANCE_PAIRS = 200_000


def _ids(rebuilt: Iterable[int], count: Any) -> list[int]:
    """Rebuilt ids plus 1..count from the contract, so an entity without an event shows too."""
    top = count if isinstance(count, int) else 0
    return sorted(set(rebuilt) | set(range(1, top + 1)))


def read_snapshot(caller: ViewCaller, state: LedgerState, block: int) -> ChainSnapshot:
    """Read every entity the events mention (and every id the counters cover) at `block`."""
    snap = ChainSnapshot(block=block)
    cfg = caller.call_many([(c, n, ()) for c, n in CONFIG_VIEWS])
    snap.config = {
        (n if c != "market" else f"market.{n}"): v
        for (c, n), v in zip(CONFIG_VIEWS, cfg, strict=True)
    }

    def fill(target: dict[Any, Any], keys: list[Any], contract: str, fn: str) -> None:
        args = [k if isinstance(k, tuple) else (k,) for k in keys]
        values = caller.call_many([(contract, fn, a) for a in args])
        target.update(zip(keys, values, strict=True))

    signers = {s for r in state.reports.values() for s in r.signers}
    # Everyone a record names, so an account forged into storage (no event) shows too.
    named = signers | {i.partner for i in state.imports.values()}
    named |= {i.recipient for i in state.imports.values()}
    named |= {u.entity for u in state.compliance_uses.values()}
    named |= {r.citizen for r in state.redemptions.values()}
    accounts = sorted(set(state.accounts) | named)
    fill(snap.accounts, accounts, "ledger", "getAccount")
    role_keys = sorted(set(state.roles) | {(VERIFIER_ROLE, s) for s in signers})
    fill(snap.roles, role_keys, "registry", "hasRole")
    fill(
        snap.methodologies,
        _ids(state.methodologies, snap.config["methodologyCount"]),
        "registry",
        "getMethodology",
    )
    fill(snap.projects, _ids(state.projects, snap.config["projectCount"]), "registry", "getProject")
    report_ids = _ids(state.reports, snap.config["reportCount"])
    fill(snap.reports, report_ids, "registry", "getReport")
    fill(snap.issued_for_report, report_ids, "ledger", "issuedForReport")
    batch_ids = _ids(state.batches, snap.config["batchCount"])
    fill(snap.batches, batch_ids, "ledger", "getBatch")
    fill(snap.supplies, batch_ids, "ledger", "getBatchSupply")
    fill(snap.unclaimed, batch_ids, "ledger", "unclaimedOf")
    pairs = {(b, h) for b, h, _ in state.holders()}
    pairs |= {(b, caller.addresses["ledger"]) for b in batch_ids}
    if len(batch_ids) * len(state.accounts) <= MAX_ACCOUNT_BALANCE_PAIRS:
        pairs |= {(b, a) for b in batch_ids for a in state.accounts}
    balance_keys = sorted(pairs)
    values = caller.call_many([("ledger", "balanceOf", (h, b)) for b, h in balance_keys])
    snap.balances.update(zip(balance_keys, values, strict=True))
    claim_keys = sorted({(c.batch_id, c.account) for c in state.claims})
    fill(snap.claimed, claim_keys, "ledger", "hasClaimed")
    fill(snap.retirements, sorted(state.retirements), "ledger", "getRetirement")
    fill(snap.cancellations, sorted(state.cancellations), "ledger", "getCancellation")
    lock_ids = sorted(set(state.locks) | set(range(1, max(state.locks, default=0) + 2)))
    fill(snap.locks, lock_ids, "ledger", "getLock")
    event_ids = _ids(state.events, snap.config["eventCount"])
    fill(snap.events, event_ids, "registry", "getEvent")
    fill(snap.event_retirements, event_ids, "registry", "eventRetirements")
    _read_market(snap, state, fill)
    snap.calls = caller.calls
    return snap


def _read_market(
    snap: ChainSnapshot,
    state: LedgerState,
    fill: Callable[[dict[Any, Any], list[Any], str, str], None],
) -> None:
    """Read the market's records: years, eligibility, entities, uses, imports, redemptions."""
    fill(snap.compliance_years, sorted(state.compliance_years), "market", "complianceYear")
    eligibility = set(state.eligibility)
    for u in state.compliance_uses.values():
        batch = state.batches.get(u.batch_id)
        project = state.projects.get(batch.project_id) if batch else None
        if project is not None:
            eligibility.add((u.year, project.methodology_id))
    fill(snap.eligibility, sorted(eligibility), "market", "isEligible")
    entities = sorted(
        set(state.covered) | {(u.year, u.entity) for u in state.compliance_uses.values()}
    )
    fill(snap.covered, entities, "market", "coveredEntity")
    fill(snap.available_cap, entities, "market", "availableCap")
    use_ids = _ids(state.compliance_uses, snap.config["market.complianceUseCount"])
    fill(snap.compliance_uses, use_ids, "market", "getComplianceUse")
    import_ids = _ids(state.imports, snap.config["market.importCount"])
    fill(snap.imports, import_ids, "market", "getImport")
    fill(
        snap.import_ids, sorted({i.digest for i in state.imports.values()}), "market", "importIdOf"
    )
    starts = {(i.partner, 0) for i in state.imports.values()}
    starts |= {(i.partner, i.origin_serial_start) for i in state.imports.values()}
    fill(snap.imported_ranges, sorted(starts), "market", "importedRange")
    redemption_ids = _ids(state.redemptions, snap.config["market.redemptionCount"])
    fill(snap.redemptions, redemption_ids, "market", "getRedemption")
