"""Keys behind one `Signer` protocol: keystores, a remote Web3Signer; anvil's keys in dev only."""

from __future__ import annotations

import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from eth_account import Account
from eth_account._utils.legacy_transactions import Transaction as LegacyTransaction
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_account.typed_transactions.typed_transaction import TypedTransaction
from eth_typing import ChecksumAddress
from eth_utils.address import to_checksum_address
from hexbytes import HexBytes

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


def write_keystore(
    signer_key: bytes, path: Path, password: str, iterations: int | None = None
) -> ChecksumAddress:
    """Encrypt a key into an eth-account keyfile (scrypt) and return its address.

    `iterations` is scrypt's cost n (eth-account's default 2**18 when None); a lower cost is
    only for keys that are public anyway (anvil's dev keys in the demo).
    """
    account: LocalAccount = Account.from_key(signer_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(Account.encrypt(signer_key, password, iterations=iterations)))
    path.chmod(0o600)
    return account.address


class SignerUnavailable(SignerError):
    """A remote signer did not answer (timeout, refused, 5xx); retrying later may succeed."""


@dataclass(frozen=True)
class DecodedTransaction:
    """The fields of a signed raw transaction that the registry checks before using it."""

    sender: ChecksumAddress
    chain_id: int | None  # None: a pre-EIP-155 legacy transaction (replayable on any chain)
    nonce: int
    to: ChecksumAddress | None
    value: int
    data: bytes
    gas: int
    tx_type: int
    fees: dict[str, int]  # gasPrice, or maxFeePerGas and maxPriorityFeePerGas


def decode_signed_transaction(raw: bytes) -> DecodedTransaction:
    """Decode a signed raw transaction (legacy, EIP-2930 or EIP-1559) and recover its sender.

    Raises:
        SignerError: not a well-formed signed transaction.
    """
    try:
        sender = Account.recover_transaction(raw)
        if raw[:1] and raw[0] < 0x7F:
            fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
            tx_type = int(fields["type"])
            chain_id: int | None = int(fields["chainId"])
        else:
            fields = LegacyTransaction.from_bytes(raw).as_dict()
            tx_type = 0
            v = int(fields["v"])
            chain_id = (v - 35) // 2 if v >= 35 else None
        to = bytes(fields["to"]) if fields.get("to") else b""
        fee_keys = ("gasPrice", "maxFeePerGas", "maxPriorityFeePerGas")
        return DecodedTransaction(
            sender=to_checksum_address(sender),
            chain_id=chain_id,
            nonce=int(fields["nonce"]),
            to=to_checksum_address(to) if to else None,
            value=int(fields["value"]),
            data=bytes(fields["data"]),
            gas=int(fields["gas"]),
            tx_type=tx_type,
            fees={k: int(fields[k]) for k in fee_keys if k in fields},
        )
    except SignerError:
        raise
    except Exception as exc:  # rlp, ecdsa and type errors all mean "not a valid transaction"
        raise SignerError(f"not a valid signed transaction: {type(exc).__name__}") from None


def _rpc_value(value: Any) -> Any:
    """Make an EIP-712 message JSON-ready: bytes as 0x hex, containers recursively."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {k: _rpc_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rpc_value(v) for v in value]
    return value


class RemoteSigner:
    """Signs through a Web3Signer-compatible JSON-RPC endpoint; the key never leaves it.

    Every answer is checked: a transaction must recover to `address` and carry exactly the
    requested fields, a typed-data signature must recover to `address`.
    """

    def __init__(
        self,
        url: str,
        address: str,
        timeout: float = 10.0,
        typed_data_method: str = "eth_signTypedData",
        client: httpx.Client | None = None,
    ) -> None:
        self._url = url
        self._address = to_checksum_address(address)
        self._typed_data_method = typed_data_method
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout))
        self._ids = itertools.count(1)

    def __repr__(self) -> str:
        return f"RemoteSigner({self._address} via {self._url})"

    @property
    def address(self) -> ChecksumAddress:
        """The signing address."""
        return self._address

    def _call(self, method: str, params: list[Any]) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._ids), "method": method, "params": params}
        try:
            response = self._client.post(self._url, json=body)
        except httpx.HTTPError as exc:  # timeouts, refused connections, protocol errors
            raise SignerUnavailable(
                f"remote signer {self._url}: {method} failed ({type(exc).__name__})"
            ) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise SignerUnavailable(
                f"remote signer {self._url}: {method} answered HTTP {response.status_code}"
            )
        try:
            reply = response.json()
        except ValueError:
            raise SignerError(f"remote signer {self._url}: {method} answered non-JSON") from None
        if not isinstance(reply, dict) or "result" not in reply:
            error = reply.get("error", {}) if isinstance(reply, dict) else {}
            message = str(error.get("message", "no result"))[:200]
            raise SignerError(f"remote signer {self._url}: {method} refused: {message}")
        return reply["result"]

    def accounts(self) -> list[ChecksumAddress]:
        """Return the addresses the remote signer holds keys for (`eth_accounts`)."""
        result = self._call("eth_accounts", [])
        return [to_checksum_address(a) for a in result]

    def sign_transaction(self, tx: dict[str, Any]) -> bytes:
        """Return the raw signed transaction, checked against the request.

        Raises:
            SignerUnavailable: the remote signer did not answer.
            SignerError: it refused, or returned a transaction other than the one asked for.
        """
        params: dict[str, Any] = {"from": self._address}
        for key in ("to", "gas", "gasPrice", "maxFeePerGas", "maxPriorityFeePerGas", "nonce"):
            if key in tx:
                params[key] = tx[key] if key == "to" else hex(int(tx[key]))
        params["value"] = hex(int(tx.get("value", 0)))
        data = tx.get("data", b"")
        params["data"] = data if isinstance(data, str) else "0x" + bytes(data).hex()
        if "chainId" in tx:
            params["chainId"] = hex(int(tx["chainId"]))
        result = self._call("eth_signTransaction", [params])
        try:
            raw = bytes.fromhex(str(result).removeprefix("0x"))
        except ValueError:
            raise SignerError(f"remote signer {self._url}: answer is not hex") from None
        self._check(raw, tx, params["data"])
        return raw

    def _check(self, raw: bytes, tx: dict[str, Any], data_hex: str) -> None:
        got = decode_signed_transaction(raw)
        expected_to = to_checksum_address(tx["to"]) if tx.get("to") else None
        mismatch = [
            name
            for name, ok in (
                ("sender", got.sender == self._address),
                ("to", got.to == expected_to),
                ("nonce", got.nonce == int(tx["nonce"])),
                ("value", got.value == int(tx.get("value", 0))),
                ("data", "0x" + got.data.hex() == data_hex.lower()),
                ("gas", "gas" not in tx or got.gas == int(tx["gas"])),
                ("chainId", "chainId" not in tx or got.chain_id == int(tx["chainId"])),
            )
            if not ok
        ]
        if mismatch:
            raise SignerError(
                f"remote signer {self._url} returned a transaction that differs in "
                f"{', '.join(mismatch)}; refused"
            )

    def sign_typed_data(self, full_message: dict[str, Any]) -> bytes:
        """Return the 65-byte EIP-712 signature of `full_message`, checked by recovery.

        Raises:
            SignerUnavailable: the remote signer did not answer.
            SignerError: it refused, or the signature does not recover to `address`.
        """
        result = self._call(self._typed_data_method, [self._address, _rpc_value(full_message)])
        try:
            signature = bytes.fromhex(str(result).removeprefix("0x"))
            signable = encode_typed_data(full_message=full_message)
            recovered = Account.recover_message(signable, signature=signature)
        except Exception:  # malformed hex or signature
            raise SignerError(
                f"remote signer {self._url}: malformed typed-data signature"
            ) from None
        if recovered != self._address:
            raise SignerError(f"remote signer {self._url}: typed-data signature by another key")
        return signature
