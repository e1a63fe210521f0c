"""Merkle allocation trees compatible with OpenZeppelin's ``StandardMerkleTree``.

A personal-scenario batch is distributed by the Merkle root of its ``(account, grams)``
allocations; holders claim with a proof that OpenZeppelin ``MerkleProof.verify`` checks on
chain. This module builds the same tree as the JS library ``@openzeppelin/merkle-tree``
(``StandardMerkleTree.of(values, ["address", "uint256"])``), so roots, proofs and dumps are
identical and a dataset published by the oracle reads the same in the JS library, the auditor
and the contracts:

- leaf: ``keccak256(bytes.concat(keccak256(abi.encode(account, amount))))``;
- node: ``keccak256`` of its two children sorted ascending (``Hashes.commutativeKeccak256``);
- layout: leaves sorted by hash and stored in reverse at the end of an array of ``2n - 1``
  nodes; node ``i`` has children ``2i + 1`` and ``2i + 2``; the root is node 0.
"""

from __future__ import annotations

import ctypes
import importlib.util
import warnings
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Final, TypedDict

from Crypto.Hash import keccak as _pycryptodome_keccak

__all__ = [
    "FORMAT",
    "LEAF_ENCODING",
    "AllocationTree",
    "StandardTreeDump",
    "StandardTreeValue",
    "leaf_hash",
]

FORMAT: Final = "standard-v1"
LEAF_ENCODING: Final = ("address", "uint256")

_UINT256_LIMIT: Final = 2**256
_NODE_BYTES: Final = 32
# abi.encode(address, uint256) left-pads the 20-byte address to a 32-byte word.
_ADDRESS_PAD: Final = bytes(12)
# keccak256 absorbs 136-byte blocks into a 200-byte state; a message shorter than a block
# is padded with 0x01 (original Keccak, as Ethereum uses it, not SHA3's 0x06), zeros and a
# final 0x80.
_KECCAK_STATE_BYTES: Final = 200
_KECCAK256_RATE: Final = 136
_ZERO_STATE: Final = bytes(_KECCAK_STATE_BYTES)
_PADDING: Final = {
    length: b"\x01" + bytes(_KECCAK256_RATE - length - 2) + b"\x80" for length in (32, 64)
}


class StandardTreeValue(TypedDict):
    """One entry of ``values`` in a ``standard-v1`` dump."""

    value: list[str]
    treeIndex: int


class StandardTreeDump(TypedDict):
    """The JSON document of the JS library's ``StandardMerkleTree.dump()``."""

    format: str
    leafEncoding: list[str]
    tree: list[str]
    values: list[StandardTreeValue]


def _keccak256(data: bytes) -> bytes:
    """Hash one message with pycryptodome's public API (thread-safe, ~5 µs a call)."""
    return _pycryptodome_keccak.new(data=data, digest_bits=256).digest()


def _hash_pair(a: bytes, b: bytes) -> bytes:
    """Return ``Hashes.commutativeKeccak256(a, b)``: keccak256 of the pair sorted ascending."""
    return _keccak256(a + b) if a <= b else _keccak256(b + a)


class _Keccak:
    """Bulk keccak256 for building trees; this portable version uses pycryptodome's API."""

    def leaf_hashes(self, preimages: Iterable[bytes]) -> list[bytes]:
        """Return ``keccak256(keccak256(preimage))`` for each ABI-encoded leaf."""
        return [_keccak256(_keccak256(preimage)) for preimage in preimages]

    def fill_internal_nodes(self, tree: list[bytes]) -> None:
        """Compute nodes ``0 .. n-2`` of a ``2n - 1`` node tree whose leaves are placed."""
        for i in range(len(tree) // 2 - 1, -1, -1):
            tree[i] = _hash_pair(tree[2 * i + 1], tree[2 * i + 2])


class _RawKeccak(_Keccak):
    """Bulk keccak256 with one call into pycryptodome's compiled keccak per hash.

    ``Crypto.Hash.keccak.new(...).digest()`` costs ~5 µs a hash: Python objects and five
    ctypes calls. Here each message (32 or 64 bytes, below keccak256's 136-byte rate) is
    padded in Python to one full block, the state's lanes are zeroed, ``keccak_absorb`` XORs
    the block in and permutes, and the digest is read straight from the first 32 bytes of
    the lanes. That is ~0.9 µs a hash and what lets a million-leaf tree (three million
    hashes) build in seconds. It relies on pycryptodome's ``keccak_state`` starting with its
    25 lanes as little-endian words; ``_load_keccak_lib`` checks that against the public
    API before this class is ever used, and falls back to the portable path if not.

    One instance owns one C state: ctypes releases the GIL during calls, so a state must
    never be shared between threads.
    """

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._absorb = lib.keccak_absorb
        self._destroy = lib.keccak_destroy
        self._state = ctypes.c_void_p()
        # Capacity 64 bytes (twice the digest) and 24 rounds are keccak256's parameters.
        if lib.keccak_init(ctypes.byref(self._state), ctypes.c_size_t(64), ctypes.c_uint8(24)):
            raise MemoryError("keccak_init failed")
        address = self._state.value
        if not address:
            raise MemoryError("keccak_init returned no state")
        self._lanes = (ctypes.c_char * _KECCAK_STATE_BYTES).from_address(address)
        self._digest = (ctypes.c_char * _NODE_BYTES).from_address(address)
        self._rate = ctypes.c_size_t(_KECCAK256_RATE)

    def close(self) -> None:
        """Free the C state."""
        if self._state:
            self._destroy(self._state)
            self._state = ctypes.c_void_p()
            del self._lanes, self._digest

    def leaf_hashes(self, preimages: Iterable[bytes]) -> list[bytes]:
        """Return ``keccak256(keccak256(preimage))`` for each 64-byte ABI-encoded leaf."""
        absorb, state, rate, lanes, digest = (
            self._absorb,
            self._state,
            self._rate,
            self._lanes,
            self._digest,
        )
        zero, pad32, pad64 = _ZERO_STATE, _PADDING[32], _PADDING[64]
        hashes: list[bytes] = []
        append = hashes.append
        # Return codes are OR-ed and checked once: non-zero means a NULL pointer or a state
        # left mid-block, which would fail every call alike.
        failed = 0
        for preimage in preimages:
            lanes.raw = zero
            failed |= absorb(state, preimage + pad64, rate)
            inner = digest.raw
            lanes.raw = zero
            failed |= absorb(state, inner + pad32, rate)
            append(digest.raw)
        if failed:
            raise RuntimeError("pycryptodome keccak_absorb failed")
        return hashes

    def fill_internal_nodes(self, tree: list[bytes]) -> None:
        """Compute nodes ``0 .. n-2`` of a ``2n - 1`` node tree whose leaves are placed."""
        absorb, state, rate, lanes, digest = (
            self._absorb,
            self._state,
            self._rate,
            self._lanes,
            self._digest,
        )
        zero, pad64 = _ZERO_STATE, _PADDING[64]
        failed = 0
        for i in range(len(tree) // 2 - 1, -1, -1):
            left = tree[2 * i + 1]
            right = tree[2 * i + 2]
            lanes.raw = zero
            failed |= absorb(state, (left + right if left <= right else right + left) + pad64, rate)
            tree[i] = digest.raw
        if failed:
            raise RuntimeError("pycryptodome keccak_absorb failed")


def _load_keccak_lib() -> ctypes.CDLL | None:
    """Return pycryptodome's compiled keccak if ``_RawKeccak`` hashes right with it, else None."""
    try:
        spec = importlib.util.find_spec("Crypto.Hash._keccak")
        if spec is None or spec.origin is None:
            return None
        lib = ctypes.CDLL(spec.origin)
        for name in ("init", "destroy", "absorb"):
            getattr(lib, f"keccak_{name}").restype = ctypes.c_int
        keccak = _RawKeccak(lib)
        try:
            # A different state layout, endianness or C ABI must mean the slow path, never a
            # wrong root: check both bulk loops against pycryptodome's public API.
            preimages = [bytes(64), bytes(range(64)), b"\xff" * 64]
            leaves = [_keccak256(_keccak256(preimage)) for preimage in preimages]
            tree = [b"", b"", *leaves]
            keccak.fill_internal_nodes(tree)
            expected_root = _hash_pair(_hash_pair(leaves[1], leaves[2]), leaves[0])
            if keccak.leaf_hashes(preimages) != leaves or tree[0] != expected_root:
                return None
        finally:
            keccak.close()
    except (OSError, AttributeError, RuntimeError, MemoryError, ctypes.ArgumentError):
        return None
    return lib


# Module state, so tests can force the portable path by setting it to None.
_KECCAK_LIB: ctypes.CDLL | None = _load_keccak_lib()
if _KECCAK_LIB is None:
    warnings.warn(
        "pycryptodome's compiled keccak cannot be used directly here; Merkle trees are built "
        "with its Python API instead, about 5x slower",
        RuntimeWarning,
        stacklevel=2,
    )


@contextmanager
def _bulk_keccak() -> Iterator[_Keccak]:
    """Yield the fastest bulk keccak available, private to the calling thread."""
    lib = _KECCAK_LIB
    if lib is None:
        yield _Keccak()
        return
    keccak = _RawKeccak(lib)
    try:
        yield keccak
    finally:
        keccak.close()


def _parse_address(account: object) -> bytes:
    """Return the 20 bytes of a ``0x``-prefixed hex address of any letter case.

    Raises:
        TypeError: account is not a str.
        ValueError: account is not ``0x`` followed by exactly 40 hex digits.
    """
    if not isinstance(account, str):
        raise TypeError(f"account must be a 0x hex address string, got {account!r}")
    if len(account) == 42 and account.startswith("0x"):
        try:
            raw = bytes.fromhex(account[2:])
        except ValueError:
            raw = b""
        # fromhex skips whitespace, so 40 characters with a space in them give < 20 bytes.
        if len(raw) == 20:
            return raw
    raise ValueError(f"account {account!r} is not a 0x-prefixed 20-byte hex address")


def _check_amount(amount: object) -> int:
    """Return amount as a plain int if it is a uint256 int.

    Raises:
        TypeError: amount is not an int, or is a bool.
        ValueError: amount is outside 0 ≤ amount < 2**256.
    """
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int number of grams, got {amount!r}")
    if not 0 <= amount < _UINT256_LIMIT:
        raise ValueError(f"amount {amount} is outside uint256 (0 ≤ amount < 2**256)")
    # An int subclass (an IntEnum, say) could print differently in a dump.
    return int(amount)


def _check_node(node: object, what: str) -> bytes:
    """Return node as bytes if it is 32 bytes long, else raise ValueError naming ``what``."""
    if not isinstance(node, bytes | bytearray) or len(node) != _NODE_BYTES:
        raise ValueError(f"{what} must be 32 bytes, got {node!r}")
    return bytes(node)


def leaf_hash(account: str, amount: int) -> bytes:
    """Return the standard leaf hash of one allocation, as OpenZeppelin computes it.

    Args:
        account: 0x hex address, any letter case (the EIP-55 checksum is not enforced).
        amount: grams of CO2e, a uint256.

    Returns:
        ``keccak256(bytes.concat(keccak256(abi.encode(account, amount))))``, 32 bytes.

    Raises:
        TypeError: account is not a str, or amount is not an int (bool included).
        ValueError: account is malformed or amount is outside uint256.
    """
    address = _parse_address(account)
    preimage = _ADDRESS_PAD + address + _check_amount(amount).to_bytes(32, "big")
    return _keccak256(_keccak256(preimage))


class AllocationTree:
    """A Merkle tree of per-account allocations, identical to OpenZeppelin's StandardMerkleTree.

    Nodes are kept packed in one ``bytes`` object, 32 bytes each, so a million-leaf tree holds
    64 MB of nodes instead of ~150 MB as a list of ``bytes``; proofs are sliced out on demand.
    """

    __slots__ = ("_index", "_nodes", "_tree_index", "_values")

    _values: tuple[tuple[str, int], ...]
    _index: dict[bytes, int]
    _tree_index: array[int]
    _nodes: bytes

    def __init__(self, allocations: Sequence[tuple[str, int]]) -> None:
        """Build the tree of ``(account, grams)`` allocations the way the JS library does.

        Args:
            allocations: one ``(account, grams)`` pair per account. Their order does not change
                the root or the proofs (leaves are sorted by hash); it is kept for ``leaves``,
                ``proof_for_index`` and ``dump``.

        Raises:
            ValueError: no allocations, a malformed pair or account, a duplicate account, or an
                amount outside uint256.
            TypeError: an account that is not a str or an amount that is not an int.
        """
        values: list[tuple[str, int]] = []
        addresses: list[bytes] = []
        with _bulk_keccak() as keccak:
            hashes = keccak.leaf_hashes(_leaf_preimages(allocations, values, addresses))
            index = _index_accounts(values, addresses)
            del addresses
            count = len(hashes)
            last = 2 * count - 2
            # Leaf hashes are distinct (accounts are), so sort stability cannot matter.
            order = sorted(range(count), key=hashes.__getitem__)
            tree: list[bytes] = [b""] * (count - 1)
            # The JS library stores sorted leaf k at index last - k, so leaves end up reversed.
            tree.extend([hashes[position] for position in reversed(order)])
            del hashes
            tree_index = array("q", bytes(8 * count))
            for rank, position in enumerate(order):
                tree_index[position] = last - rank
            del order
            keccak.fill_internal_nodes(tree)
        self._values = tuple(values)
        self._index = index
        self._tree_index = tree_index
        self._nodes = b"".join(tree)

    @property
    def root(self) -> bytes:
        """Return the 32-byte Merkle root, the ``dataRoot`` published on chain."""
        return self._nodes[:_NODE_BYTES]

    @property
    def leaves(self) -> tuple[tuple[str, int], ...]:
        """Return the ``(account, grams)`` allocations in input order, accounts as given."""
        return self._values

    def __len__(self) -> int:
        """Return the number of allocations."""
        return len(self._values)

    def __repr__(self) -> str:
        return f"AllocationTree(leaves={len(self)}, root=0x{self.root.hex()})"

    def proof_for_index(self, index: int) -> list[bytes]:
        """Return the proof of the allocation at ``index`` in input order.

        Args:
            index: 0-based position in the allocations the tree was built from.

        Returns:
            Sibling hashes from the leaf up, as ``MerkleProof.verify`` takes them; empty for
            a one-leaf tree.

        Raises:
            TypeError: index is not an int.
            IndexError: index is not in ``0 .. len(self) - 1``.
        """
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError(f"index must be an int, got {index!r}")
        if not 0 <= index < len(self._values):
            raise IndexError(f"index {index} is out of range for {len(self._values)} leaves")
        node = self._tree_index[index]
        nodes = self._nodes
        proof: list[bytes] = []
        while node > 0:
            # Left children have odd indices and their sibling follows; right children even.
            sibling = node + 1 if node % 2 else node - 1
            proof.append(nodes[sibling * _NODE_BYTES : (sibling + 1) * _NODE_BYTES])
            node = (node - 1) // 2
        return proof

    def proof(self, account: str) -> list[bytes]:
        """Return the proof of an account's allocation.

        Args:
            account: 0x hex address, any letter case.

        Raises:
            KeyError: the account has no allocation in this tree.
            TypeError, ValueError: account is not a valid address.
        """
        position = self._index.get(_parse_address(account))
        if position is None:
            raise KeyError(f"account {account} has no allocation in this tree")
        return self.proof_for_index(position)

    @staticmethod
    def verify(root: bytes, account: str, amount: int, proof: Sequence[bytes]) -> bool:
        """Return whether ``proof`` proves the allocation ``(account, amount)`` under ``root``.

        Does what OpenZeppelin ``MerkleProof.verify`` does on chain: fold the leaf hash with
        each proof element by commutative keccak256 and compare the result with the root.

        Raises:
            ValueError: root or a proof element is not 32 bytes, or account/amount is invalid.
            TypeError: account or amount has the wrong type.
        """
        expected = _check_node(root, "root")
        computed = leaf_hash(account, amount)
        for position, sibling in enumerate(proof):
            computed = _hash_pair(computed, _check_node(sibling, f"proof[{position}]"))
        return computed == expected

    def dump(self) -> StandardTreeDump:
        """Return the tree as the JS library's ``StandardMerkleTree.dump()`` writes it.

        Amounts are decimal strings (JSON numbers cannot carry uint256 exactly) and accounts
        are kept as given, which is what the JS library writes when built from the same pairs.
        """
        hexed = self._nodes.hex()
        width = 2 * _NODE_BYTES
        return {
            "format": FORMAT,
            "leafEncoding": list(LEAF_ENCODING),
            "tree": ["0x" + hexed[start : start + width] for start in range(0, len(hexed), width)],
            "values": [
                {"value": [account, str(amount)], "treeIndex": tree_index}
                for (account, amount), tree_index in zip(
                    self._values, self._tree_index, strict=True
                )
            ],
        }

    @classmethod
    def load(cls, data: Mapping[str, object]) -> AllocationTree:
        """Read a ``standard-v1`` dump, checking every node against its values and children.

        Like ``StandardMerkleTree.load`` this accepts any valid layout (also one built with
        ``sortLeaves: false``) and keeps it. Unlike it, every leaf must belong to exactly one
        value, so the root commits to nothing the dataset does not show.

        Args:
            data: the parsed JSON document; amounts as decimal strings or JSON integers.

        Raises:
            ValueError: wrong format or leaf encoding; a malformed value, node or tree index;
                a duplicate account; or a node that does not match its value or children.
        """
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown Merkle tree format {data.get('format')!r}, want {FORMAT!r}")
        if data.get("leafEncoding") != list(LEAF_ENCODING):
            raise ValueError(
                f"leafEncoding {data.get('leafEncoding')!r} is not {list(LEAF_ENCODING)!r}"
            )
        raw_tree = data.get("tree")
        raw_values = data.get("values")
        if not isinstance(raw_tree, list) or not isinstance(raw_values, list):
            raise ValueError("a standard-v1 dump needs 'tree' and 'values' lists")
        allocations, tree_index = _parse_dump_values(raw_values)
        count = len(allocations)
        if count == 0:
            raise ValueError("an allocation tree needs at least one allocation")
        if len(raw_tree) != 2 * count - 1:
            raise ValueError(f"tree has {len(raw_tree)} nodes; {count} values need {2 * count - 1}")
        given = _parse_dump_nodes(raw_tree)
        _check_leaf_indices(tree_index, count)
        values: list[tuple[str, int]] = []
        addresses: list[bytes] = []
        with _bulk_keccak() as keccak:
            hashes = keccak.leaf_hashes(_leaf_preimages(allocations, values, addresses))
            index = _index_accounts(values, addresses)
            for position, node in enumerate(tree_index):
                if given[node] != hashes[position]:
                    raise ValueError(f"tree[{node}] is not the leaf hash of values[{position}]")
            tree = list(given)
            keccak.fill_internal_nodes(tree)
        for node in range(count - 1):
            if tree[node] != given[node]:
                raise ValueError(f"tree[{node}] is not the hash of its children")
        loaded = cls.__new__(cls)
        loaded._values = tuple(values)
        loaded._index = index
        loaded._tree_index = array("q", tree_index)
        loaded._nodes = b"".join(tree)
        return loaded


def _leaf_preimages(
    allocations: Iterable[tuple[str, int]],
    values: list[tuple[str, int]],
    addresses: list[bytes],
) -> Iterator[bytes]:
    """Validate allocations and yield ``abi.encode(account, amount)`` for each.

    Appends each pair to ``values`` and its address bytes to ``addresses`` on the way, so a
    million allocations are walked once and no list of preimages is ever held.

    Raises:
        ValueError: a malformed pair or account, or an amount outside uint256.
        TypeError: an account that is not a str or an amount that is not an int.
    """
    for position, item in enumerate(allocations):
        try:
            account, amount = item
        except (TypeError, ValueError):
            raise ValueError(
                f"allocation #{position} {item!r} is not an (account, grams) pair"
            ) from None
        try:
            address = _parse_address(account)
            amount = _check_amount(amount)
        except (TypeError, ValueError) as error:
            raise type(error)(f"allocation #{position}: {error}") from None
        values.append((account, amount))
        addresses.append(address)
        yield _ADDRESS_PAD + address + amount.to_bytes(32, "big")
    if not values:
        raise ValueError("an allocation tree needs at least one allocation")


def _index_accounts(values: Sequence[tuple[str, int]], addresses: list[bytes]) -> dict[bytes, int]:
    """Return address → position, raising ValueError naming the first duplicate account."""
    # dict(zip(...)) runs in C and is several times faster than a checked insert per account;
    # a duplicate shows as a short dict and is then located on the slow path.
    index = dict(zip(addresses, range(len(addresses)), strict=True))
    if len(index) != len(addresses):
        first: dict[bytes, int] = {}
        for position, address in enumerate(addresses):
            if address in first:
                raise ValueError(
                    f"allocation #{position}: duplicate account {values[position][0]} "
                    f"(already at #{first[address]}); one allocation per account"
                )
            first[address] = position
    return index


def _parse_dump_values(raw_values: list[object]) -> tuple[list[tuple[str, int]], list[int]]:
    """Return the allocations and tree indices of a dump's ``values`` list.

    Raises:
        ValueError: an entry is not ``{"value": [account, amount], "treeIndex": int}``.
    """
    allocations: list[tuple[str, int]] = []
    tree_index: list[int] = []
    for position, entry in enumerate(raw_values):
        if not isinstance(entry, Mapping):
            raise ValueError(f"values[{position}] is not an object")
        value = entry.get("value")
        node = entry.get("treeIndex")
        if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str):
            raise ValueError(f"values[{position}].value {value!r} is not [account, amount]")
        if isinstance(node, bool) or not isinstance(node, int):
            raise ValueError(f"values[{position}].treeIndex {node!r} is not an integer")
        allocations.append((value[0], _parse_dump_amount(value[1], position)))
        tree_index.append(node)
    return allocations, tree_index


def _parse_dump_amount(amount: object, position: int) -> int:
    """Return a dump amount given as a decimal string or a JSON integer."""
    if isinstance(amount, int) and not isinstance(amount, bool):
        return amount
    # isdecimal() alone accepts non-ASCII digits such as "١٢"; int() alone accepts "1_0", " 1".
    if isinstance(amount, str) and amount.isascii() and amount.isdecimal() and len(amount) <= 78:
        return int(amount)
    raise ValueError(f"values[{position}] amount {amount!r} is not a decimal uint256 string")


def _parse_dump_nodes(raw_tree: list[object]) -> list[bytes]:
    """Return the 32-byte nodes of a dump's ``tree`` list of ``0x`` hex strings."""
    nodes: list[bytes] = []
    for position, node in enumerate(raw_tree):
        raw = b""
        if isinstance(node, str) and len(node) == 66 and node.startswith("0x"):
            try:
                raw = bytes.fromhex(node[2:])
            except ValueError:
                pass
        # fromhex skips whitespace, so 64 characters with a space in them give < 32 bytes.
        if len(raw) != _NODE_BYTES:
            raise ValueError(f"tree[{position}] {node!r} is not a 0x-prefixed 32-byte hex hash")
        nodes.append(raw)
    return nodes


def _check_leaf_indices(tree_index: Sequence[int], count: int) -> None:
    """Raise ValueError unless the tree indices are distinct leaf positions of the tree."""
    first_leaf, last_leaf = count - 1, 2 * count - 2
    seen: set[int] = set()
    for position, node in enumerate(tree_index):
        if not first_leaf <= node <= last_leaf or node in seen:
            raise ValueError(
                f"values[{position}].treeIndex {node} is not a free leaf index "
                f"({first_leaf}..{last_leaf})"
            )
        seen.add(node)
