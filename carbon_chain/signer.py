"""Keys behind one `Signer` protocol: encrypted keystores; anvil's public keys in dev only."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress

# anvil's well-known mnemonic: public test keys, refused outside the dev chain id.
DEV_MNEMONIC = "test test test test test test test test test test test junk"
DEV_CHAIN_ID = 31337
Account.enable_unaudited_hdwallet_features()


class SignerError(RuntimeError):
    """A key could not be loaded or used; the message never contains key material."""


class Signer(Protocol):
    """Signs transactions and EIP-712 data for one address."""

    @property
    def address(self) -> ChecksumAddress:
        """The signing address."""
        ...

    def sign_transaction(self, tx: dict[str, Any]) -> bytes:
        """Return the raw signed transaction."""
        ...

    def sign_typed_data(self, full_message: dict[str, Any]) -> bytes:
        """Return the 65-byte EIP-712 signature of `full_message`."""
        ...


class LocalSigner:
    """A key held in memory, loaded from an encrypted keystore or (dev only) anvil's mnemonic."""

    def __init__(self, account: LocalAccount) -> None:
        self._account = account

    def __repr__(self) -> str:
        return f"LocalSigner({self._account.address})"

    @property
    def address(self) -> ChecksumAddress:
        """The signing address."""
        return self._account.address

    def sign_transaction(self, tx: dict[str, Any]) -> bytes:
        """Return the raw signed transaction."""
        return bytes(self._account.sign_transaction(tx).raw_transaction)

    def sign_typed_data(self, full_message: dict[str, Any]) -> bytes:
        """Return the 65-byte EIP-712 signature of `full_message`."""
        signable = encode_typed_data(full_message=full_message)
        return bytes(self._account.sign_message(signable).signature)

    @classmethod
    def from_keystore(cls, path: Path, password: str) -> LocalSigner:
        """Decrypt an eth-account keyfile.

        Raises:
            SignerError: missing file, tampered file or wrong password (no plaintext fallback).
        """
        try:
            keyfile = json.loads(path.read_text())
            key = Account.decrypt(keyfile, password)
        except FileNotFoundError as exc:
            raise SignerError(f"keystore {path} not found") from exc
        except (ValueError, KeyError, json.JSONDecodeError) as exc:
            raise SignerError(f"keystore {path}: wrong password or tampered file") from exc
        return cls(Account.from_key(key))

    @classmethod
    def from_keystore_env(cls, path: Path, password_env: str) -> LocalSigner:
        """Decrypt a keystore whose password sits in environment variable `password_env`."""
        password = os.environ.get(password_env)
        if not password:
            raise SignerError(f"keystore {path}: password variable {password_env} is not set")
        return cls.from_keystore(path, password)

    @classmethod
    def dev(cls, index: int, chain_id: int) -> LocalSigner:
        """Return anvil's public test key `index`; only on the dev chain.

        Raises:
            SignerError: `chain_id` is not anvil's dev chain id.
        """
        if chain_id != DEV_CHAIN_ID:
            raise SignerError(
                f"dev keys are refused on chain {chain_id} (dev mode is {DEV_CHAIN_ID})"
            )
        account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
        return cls(account)


def write_keystore(signer_key: bytes, path: Path, password: str) -> ChecksumAddress:
    """Encrypt a key into an eth-account keyfile (scrypt) and return its address."""
    account: LocalAccount = Account.from_key(signer_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(Account.encrypt(signer_key, password)))
    path.chmod(0o600)
    return account.address
