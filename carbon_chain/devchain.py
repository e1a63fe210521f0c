"""A dev chain with the registry deployed and its roles seeded (anvil's public keys: dev mode only).

Used by the test-suite, `make demo` and partner apps testing against a local chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak
from web3 import Web3
from web3.types import TxReceipt

from carbon_chain.chain import Registry
from carbon_chain.deploy import DeployParams, deploy
from carbon_chain.domain import (
    ISSUER_ROLE,
    ORACLE_ROLE,
    PAUSER_ROLE,
    REGISTRAR_ROLE,
    VERIFIER_ROLE,
    AccountKind,
    MethodologyKind,
)
from carbon_chain.eip712 import (
    Domain,
    ImportPayload,
    ReportPayload,
    import_typed_data,
    market_domain,
    report_typed_data,
)
from carbon_chain.manifest import Deployment
from carbon_chain.signer import LocalSigner, Signer

DEV_ACCOUNTS = 20  # anvil --accounts
DAY = 24 * 3600


@dataclass
class Actors:
    """The registry's participants on a dev chain, each with its own key."""

    agency: LocalSigner  # admin, registrar, issuer, pauser
    oracle: LocalSigner
    verifiers: list[LocalSigner]
    proponent: LocalSigner  # an enterprise that owns projects
    organiser: LocalSigner
    buffer: LocalSigner
    aggregator: LocalSigner  # the platform account that receives personal points
    enterprise: LocalSigner  # a second enterprise that buys and retires credits
    partner: LocalSigner  # another city's carbon-inclusive platform (PARTNER_REGISTRY)
    citizens: list[LocalSigner] = field(default_factory=list)

    @classmethod
    def from_dev_keys(cls, chain_id: int, verifiers: int = 3) -> Actors:
        """Assign anvil's keys 0..n to the roles."""
        key = iter(range(DEV_ACCOUNTS))

        def nxt() -> LocalSigner:
            return LocalSigner.dev(next(key), chain_id)

        return cls(
            agency=nxt(),
            oracle=nxt(),
            verifiers=sorted((nxt() for _ in range(verifiers)), key=lambda s: int(s.address, 16)),
            proponent=nxt(),
            organiser=nxt(),
            buffer=nxt(),
            aggregator=nxt(),
            enterprise=nxt(),
            citizens=[nxt() for _ in range(4)],
            partner=nxt(),
        )


def reusable_deployment(w3: Web3, manifest: Path) -> Deployment | None:
    """Return the manifest's deployment if this chain still holds it, else None.

    Same chain id, the deploy block still there with the same hash, and code at the registry
    address (a chain kept in anvil's `--state` file, restarted).
    """
    if not manifest.exists():
        return None
    deployment = Deployment.load(manifest)
    if deployment.chain_id != w3.eth.chain_id or w3.eth.block_number < deployment.deploy_block:
        return None
    block = w3.eth.get_block(deployment.deploy_block)
    if block["hash"].to_0x_hex() != deployment.deploy_block_hash:
        return None
    if not w3.eth.get_code(Web3.to_checksum_address(deployment.registry)):
        return None
    return deployment


def record_hash(text: str) -> bytes:
    """Hash an off-chain record reference (registration record, metadata) for the chain."""
    return keccak(text=text)


class DevRegistry:
    """A deployed registry plus its actors, with the agency's routine operations as methods."""

    def __init__(self, w3: Web3, deployment: Deployment, actors: Actors) -> None:
        self.w3 = w3
        self.deployment = deployment
        self.actors = actors
        self.reg = Registry.of(w3, deployment)
        self.domain = Domain(deployment.chain_id, deployment.registry)
        self.market_domain = market_domain(deployment.chain_id, deployment.market)

    @classmethod
    def create(cls, w3: Web3, params: DeployParams | None = None) -> DevRegistry:
        """Deploy, grant roles, register the actors' accounts and set aggregator and buffer."""
        actors = Actors.from_dev_keys(w3.eth.chain_id)
        deployment = deploy(w3, actors.agency, params)
        dev = cls(w3, deployment, actors)
        dev.seed_roles_and_accounts()
        return dev

    def send(self, signer: Signer, fn: Any) -> TxReceipt:
        """Send a contract call as `signer` and wait for it."""
        return self.reg.transact(signer, fn)

    def seed_roles_and_accounts(self) -> None:
        """Grant the agency's and participants' roles and register their carbon accounts."""
        a, r, led = self.actors, self.reg.registry.functions, self.reg.ledger.functions
        for role in (REGISTRAR_ROLE, ISSUER_ROLE, PAUSER_ROLE):
            self.send(a.agency, r.grantRole(role, a.agency.address))
        self.send(a.agency, r.grantRole(ORACLE_ROLE, a.oracle.address))
        accounts: list[tuple[Signer, AccountKind]] = [
            (a.agency, AccountKind.AGENCY),
            (a.oracle, AccountKind.ORACLE),
            (a.proponent, AccountKind.ENTERPRISE),
            (a.organiser, AccountKind.ORGANISER),
            (a.buffer, AccountKind.BUFFER),
            (a.aggregator, AccountKind.ENTERPRISE),
            (a.enterprise, AccountKind.ENTERPRISE),
            (a.partner, AccountKind.PARTNER_REGISTRY),
        ]
        accounts += [(v, AccountKind.VERIFIER) for v in a.verifiers]
        accounts += [(c, AccountKind.INDIVIDUAL) for c in a.citizens]
        for signer, kind in accounts:
            self.register_account(signer.address, kind)
        for v in a.verifiers:
            self.send(a.agency, r.grantRole(VERIFIER_ROLE, v.address))
        self.send(a.agency, led.setAggregator(a.aggregator.address))
        self.send(a.agency, led.setBufferAccount(a.buffer.address))

    def register_account(self, address: str, kind: AccountKind, region: int = 420100) -> TxReceipt:
        """Register a carbon account as the agency's registrar."""
        fn = self.reg.ledger.functions.registerAccount(
            address, int(kind), region, record_hash(f"account:{address}")
        )
        return self.send(self.actors.agency, fn)

    def register_methodology(
        self,
        code: str,
        version: int = 1,
        sector: str = "transport",
        kind: MethodologyKind = MethodologyKind.PROJECT,
        point_validity: int = 0,
    ) -> int:
        """Register a methodology and return its id."""
        fn = self.reg.registry.functions.registerMethodology(
            code, version, sector, int(kind), keccak(text=f"{code}@{version}"), point_validity
        )
        receipt = self.send(self.actors.agency, fn)
        (ev,) = self.reg.events(receipt, self.reg.registry, "MethodologyRegistered")
        return int(ev["args"]["methodologyId"])

    def propose_project(self, methodology_id: int, proponent: str, region: int = 420100) -> int:
        """Propose a project (it enters its public-notice period) and return its id."""
        fn = self.reg.registry.functions.proposeProject(
            methodology_id, proponent, region, keccak(text=f"project:{proponent}"), "ipfs://project"
        )
        receipt = self.send(self.actors.agency, fn)
        (ev,) = self.reg.events(receipt, self.reg.registry, "ProjectProposed")
        return int(ev["args"]["projectId"])

    def advance_time(self, seconds: int) -> None:
        """Move the dev chain's clock forward and mine a block (anvil-only RPC)."""
        self.w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

    def register_project(self, methodology_id: int, proponent: str, region: int = 420100) -> int:
        """Propose a project, wait out its notice period and register it."""
        project_id = self.propose_project(methodology_id, proponent, region)
        self.advance_time(int(self.reg.registry.functions.noticePeriod().call()) + 1)
        self.send(self.actors.agency, self.reg.registry.functions.registerProject(project_id))
        return project_id

    def sign_report(self, payload: ReportPayload, verifiers: list[LocalSigner]) -> list[bytes]:
        """Return the verifiers' EIP-712 signatures in ascending signer order."""
        ordered = sorted(verifiers, key=lambda s: int(s.address, 16))
        typed = report_typed_data(self.domain, payload)
        return [v.sign_typed_data(typed) for v in ordered]

    def submit_report(
        self, payload: ReportPayload, verifiers: list[LocalSigner] | None = None
    ) -> int:
        """Have k verifiers sign `payload`, submit it as the oracle and return the report id."""
        signers = verifiers if verifiers is not None else self.actors.verifiers[:2]
        signatures = self.sign_report(payload, signers)
        fn = self.reg.registry.functions.submitReport(payload.as_tuple(), signatures)
        receipt = self.send(self.actors.oracle, fn)
        (ev,) = self.reg.events(receipt, self.reg.registry, "ReportVerified")
        return int(ev["args"]["reportId"])

    def report_last_month(
        self, project_id: int, code: str, quantity: int, data_root: bytes, version: int = 1
    ) -> int:
        """Submit a report for the 30 days ending yesterday, signed by two verifiers."""
        now = self.now()
        payload = ReportPayload(
            project_id=project_id,
            period_start=now - 31 * DAY,
            period_end=now - DAY,
            quantity=quantity,
            data_root=data_root,
            evidence_hash=keccak(text=f"dataset:{code}:{project_id}:{now}"),
            methodology_code=code,
            methodology_version=version,
            deadline=now + DAY,
        )
        return self.submit_report(payload)

    def previous_import_start(self, partner: str, start: int) -> int:
        """Walk the partner's imported origin ranges on-chain to the one just below `start`.

        A dev convenience (one call per range); the node answers it from its index.
        """
        market = self.reg.market.functions
        previous, (_, nxt) = 0, market.importedRange(partner, 0).call()
        while nxt != 0 and nxt < start:
            previous = nxt
            _, nxt = market.importedRange(partner, nxt).call()
        return previous

    def import_credits(self, payload: ImportPayload, partner: Signer | None = None) -> int:
        """Have the partner attest `payload`, import it as the agency and return the batch id."""
        attester = partner or self.actors.partner
        attestation = attester.sign_typed_data(import_typed_data(self.market_domain, payload))
        hint = self.previous_import_start(payload.partner, payload.origin_serial_start)
        fn = self.reg.market.functions.importCredits(payload.as_tuple(), attestation, hint)
        receipt = self.send(self.actors.agency, fn)
        (ev,) = self.reg.events(receipt, self.reg.market, "CreditsImported")
        return int(ev["args"]["batchId"])

    def now(self) -> int:
        """The latest block's timestamp."""
        return int(self.w3.eth.get_block("latest")["timestamp"])
