"""The node's signing keys: loaded from encrypted keystores or a remote signer, and guarded.

A key is only ever used through `GuardedSigner`, which signs nothing but a zero-value call to an
allowlisted (contract, selector) of its role on the configured chain, or the zero-value no-op
self-transfer the nonce manager uses to fill a gap. It never signs typed data or a hash for a
caller. Any problem while loading (missing file, wrong password, tampered file, address other
than the pinned one, remote signer without the key) refuses start-up with a message that names
the key and never contains key material or the password.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address

from carbon_chain.signer import LocalSigner, RemoteSigner, Signer, SignerError
from registry_node.config import Settings
from registry_node.tx.ops import ROLE_OPS, role_allowlist
from registry_node.tx.settings import Role, SigningKeySpec

log = logging.getLogger(__name__)


class SignerRefused(SignerError):
    """The guard refused to sign: the transaction is outside the key's allowlist."""


class GuardedSigner:
    """A `Signer` restricted to its role's (contract, selector) allowlist on one chain."""

    def __init__(
        self, inner: Signer, chain_id: int, allowlist: frozenset[tuple[str, bytes]]
    ) -> None:
        self._inner = inner
        self._chain_id = chain_id
        self._allowlist = allowlist

    def __repr__(self) -> str:
        return f"GuardedSigner({self._inner.address}, chain {self._chain_id})"

    @property
    def address(self) -> ChecksumAddress:
        """The signing address."""
        return self._inner.address

    def permits(self, to: str, data: bytes) -> bool:
        """Whether a call of `data` to `to` is in this key's allowlist."""
        return (to_checksum_address(to), bytes(data[:4])) in self._allowlist

    def sign_transaction(self, tx: dict[str, Any]) -> bytes:
        """Sign `tx` if it is an allowlisted call (or the gap-filling no-op) on our chain.

        Raises:
            SignerRefused: wrong chain, value, target or selector.
        """
        if int(tx.get("chainId", -1)) != self._chain_id:
            raise SignerRefused(f"refused: chain id {tx.get('chainId')} is not {self._chain_id}")
        if int(tx.get("value", 0)) != 0:
            raise SignerRefused("refused: the registry never sends value")
        to = tx.get("to")
        data = tx.get("data", b"")
        data = bytes.fromhex(data[2:]) if isinstance(data, str) else bytes(data)
        if not to:
            raise SignerRefused("refused: contract creation")
        noop = to_checksum_address(to) == self.address and not data
        if not noop and not self.permits(to, data):
            raise SignerRefused(f"refused: selector 0x{data[:4].hex()} on {to} is not allowed")
        return self._inner.sign_transaction(tx)

    def sign_typed_data(self, full_message: dict[str, Any]) -> bytes:
        """Refuse: the node never signs typed data or hashes on a caller's behalf.

        Raises:
            SignerRefused: always.
        """
        raise SignerRefused("refused: the signing service does not sign typed data")


@dataclass(frozen=True)
class SigningKey:
    """A configured key: its name, role and guarded signer."""

    name: str
    role: Role
    signer: GuardedSigner

    @property
    def address(self) -> ChecksumAddress:
        """The key's address."""
        return self.signer.address

    def allows(self, op: str) -> bool:
        """Whether this key's role may sign operation `op`."""
        return op in ROLE_OPS[self.role]


def password_for(name: str, spec: SigningKeySpec, settings: Settings) -> str:
    """Read the key's password from its file or environment variable; never from settings."""
    path = spec.password_file or settings.keystore_password_file
    env = spec.password_env or settings.keystore_password_env
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise SignerError(
                f"signing key {name!r}: password file {path} unreadable ({type(exc).__name__})"
            ) from None
        password = text.removesuffix("\n").removesuffix("\r")
    elif env is not None:
        password = os.environ.get(env, "")
        if not password:
            raise SignerError(f"signing key {name!r}: password variable {env} is not set")
    else:
        raise SignerError(
            f"signing key {name!r}: no password source (set keystore_password_file or "
            "keystore_password_env)"
        )
    if not password:
        raise SignerError(f"signing key {name!r}: empty password")
    return password


def load_signer(name: str, spec: SigningKeySpec, settings: Settings) -> Signer:
    """Load one key as configured (keystore or remote signer), unguarded.

    Raises:
        SignerError: the key cannot be loaded, or its address is not the pinned one.
    """
    if spec.remote:
        if not settings.remote_signer_url or not spec.address:
            raise SignerError(
                f"signing key {name!r}: a remote key needs remote_signer_url and an address"
            )
        remote = RemoteSigner(
            settings.remote_signer_url, spec.address, timeout=settings.remote_signer_timeout
        )
        if remote.address not in remote.accounts():
            raise SignerError(f"signing key {name!r}: remote signer does not hold {remote.address}")
        return remote
    path = spec.keystore or settings.keystore_dir / f"{name}.json"
    try:
        local = LocalSigner.from_keystore(path, password_for(name, spec, settings))
    except SignerError as exc:
        raise SignerError(f"signing key {name!r}: {exc}") from None
    if spec.address and local.address != to_checksum_address(spec.address):
        raise SignerError(f"signing key {name!r}: keystore holds another address")
    return local


class KeyRing:
    """Every signing key of the node, by name."""

    def __init__(self, keys: dict[str, SigningKey]) -> None:
        self._keys = keys

    def __repr__(self) -> str:
        return f"KeyRing({sorted(self._keys)})"

    @classmethod
    def load(
        cls,
        settings: Settings,
        chain_id: int,
        registry: str,
        ledger: str,
        market: str | None = None,
    ) -> KeyRing:
        """Load and guard every key in `settings.signing_keys`.

        Args:
            market: the CarbonMarket's address; without it, no key may sign market operations.

        Raises:
            SignerError: any key fails to load; the node must not start.
        """
        keys: dict[str, SigningKey] = {}
        for name, spec in sorted(settings.signing_keys.items()):
            inner = load_signer(name, spec, settings)
            allowlist = role_allowlist(spec.role, registry, ledger, market)
            guard = GuardedSigner(inner, chain_id, allowlist)
            keys[name] = SigningKey(name, spec.role, guard)
            log.info("signing key %s (%s) loaded: %s", name, spec.role, guard.address)
        return cls(keys)

    def get(self, name: str) -> SigningKey | None:
        """Return the key called `name`, if configured."""
        return self._keys.get(name)

    def names(self) -> list[str]:
        """Return the configured key names."""
        return sorted(self._keys)

    def all(self) -> list[SigningKey]:
        """Return every key."""
        return [self._keys[n] for n in self.names()]
