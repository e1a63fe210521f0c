"""pytest fixtures for apps that integrate with the registry: a pinned anvil, the registry deployed
from source with its roles seeded, a chain snapshot around each test, and fresh funded accounts.

Loaded through the ``wuhan_registry`` entry point (group ``pytest11``). Every fixture name starts
with ``registry_`` (or is ``registry``) so it does not clash with an app's own fixtures. Dev mode
only: the actors sign with anvil's public keys, which `LocalSigner.dev` refuses on other chains.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from web3 import Web3
from web3.types import TxReceipt

from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DEV_ACCOUNTS, DevRegistry
from carbon_chain.domain import WUHAN, AccountKind
from carbon_chain.signer import LocalSigner

ETHER = 10**18
DEFAULT_FUNDING = 100 * ETHER
FAUCET_INDEX = DEV_ACCOUNTS - 1  # anvil's last key: no actor of `Actors.from_dev_keys` uses it
TRANSFER_GAS = 21_000


@dataclass(frozen=True)
class FundedAccount:
    """A fresh key, registered as a carbon account and funded with ETH for gas."""

    signer: LocalSigner
    kind: AccountKind
    # A throwaway key made for one test, for apps that sign with their own stack.
    private_key: str = field(repr=False)

    @property
    def address(self) -> ChecksumAddress:
        """The account's address."""
        return self.signer.address


def fund(registry: DevRegistry, address: str, wei: int = DEFAULT_FUNDING) -> TxReceipt:
    """Send `wei` to `address` from anvil's faucet key and wait for it."""
    w3 = registry.w3
    faucet = LocalSigner.dev(FAUCET_INDEX, registry.deployment.chain_id)
    tx = {
        "to": Web3.to_checksum_address(address),
        "value": wei,
        "gas": TRANSFER_GAS,
        "gasPrice": w3.eth.gas_price,
        "nonce": w3.eth.get_transaction_count(faucet.address, "pending"),
        "chainId": registry.deployment.chain_id,
    }
    tx_hash = w3.eth.send_raw_transaction(faucet.sign_transaction(tx))
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60, poll_latency=0.005)
    if receipt["status"] != 1:
        raise RuntimeError(f"funding transfer {tx_hash.to_0x_hex()} failed")
    return receipt


def new_account(
    registry: DevRegistry,
    kind: AccountKind,
    wei: int = DEFAULT_FUNDING,
    region: int = WUHAN,
) -> FundedAccount:
    """Make a fresh key, register it as a `kind` carbon account in `region` and fund it."""
    account: LocalAccount = Account.create()
    registry.register_account(account.address, kind, region)
    if wei:
        fund(registry, account.address, wei)
    return FundedAccount(LocalSigner(account), kind, "0x" + bytes(account.key).hex())


@dataclass
class RegistryAccounts:
    """Fresh funded accounts of one test: citizens (INDIVIDUAL) and enterprises (ENTERPRISE)."""

    registry: DevRegistry
    individuals: list[FundedAccount]
    enterprises: list[FundedAccount]

    def new(
        self, kind: AccountKind, wei: int = DEFAULT_FUNDING, region: int = WUHAN
    ) -> FundedAccount:
        """Make one more registered, funded account (reverted with the test's snapshot)."""
        return new_account(self.registry, kind, wei, region)


@pytest.fixture(scope="session")
def registry_anvil() -> Iterator[Anvil]:
    """Start the project's pinned anvil on a free port for the session; stop it afterwards."""
    with Anvil(extra_args=["--accounts", str(DEV_ACCOUNTS)]) as node:
        yield node


@pytest.fixture(scope="session")
def registry_w3(registry_anvil: Anvil) -> Web3:
    """Return a web3 connection to the session's anvil."""
    return Web3(Web3.HTTPProvider(registry_anvil.url, request_kwargs={"timeout": 30}))


@pytest.fixture(scope="session")
def registry_deployment(registry_w3: Web3) -> DevRegistry:
    """Deploy the registry from source once per session, with roles and accounts seeded."""
    return DevRegistry.create(registry_w3)


@pytest.fixture
def registry(registry_deployment: DevRegistry, registry_w3: Web3) -> Iterator[DevRegistry]:
    """Return the deployed registry; whatever the test does on chain is reverted after it."""
    snapshot = registry_w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    yield registry_deployment
    reply = registry_w3.provider.make_request("evm_revert", [snapshot])  # type: ignore[arg-type]
    if reply.get("result") is not True:
        # Later tests would see this test's state: fail loudly rather than flakily.
        raise RuntimeError(f"evm_revert to snapshot {snapshot} failed: {reply!r}")


@pytest.fixture
def registry_accounts(registry: DevRegistry) -> RegistryAccounts:
    """Return three citizens and two enterprises: fresh keys, registered, 100 ETH each."""
    return RegistryAccounts(
        registry=registry,
        individuals=[new_account(registry, AccountKind.INDIVIDUAL) for _ in range(3)],
        enterprises=[new_account(registry, AccountKind.ENTERPRISE) for _ in range(2)],
    )
