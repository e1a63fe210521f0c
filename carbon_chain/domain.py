"""Enums and role ids mirroring contracts/src/types/RegistryTypes.sol and libraries/Roles.sol."""

from __future__ import annotations

import functools
from enum import IntEnum

from eth_utils.crypto import keccak


class AccountKind(IntEnum):
    NONE = 0
    AGENCY = 1
    VERIFIER = 2
    ORACLE = 3
    ENTERPRISE = 4
    INDIVIDUAL = 5
    ORGANISER = 6
    AUDITOR = 7
    PARTNER_REGISTRY = 8
    BUFFER = 9


class AccountStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    FROZEN = 2
    REVOKED = 3


class MethodologyKind(IntEnum):
    PROJECT = 0
    PERSONAL_SCENARIO = 1


class MethodologyStatus(IntEnum):
    NONE = 0
    ACTIVE = 1
    DEPRECATED = 2


class ProjectStatus(IntEnum):
    NONE = 0
    PROPOSED = 1
    REGISTERED = 2
    REJECTED = 3
    SUSPENDED = 4
    CLOSED = 5


class ReportStatus(IntEnum):
    NONE = 0
    VERIFIED = 1
    REJECTED = 2


class RetirementPurpose(IntEnum):
    EVENT_NEUTRALITY = 0
    VOLUNTARY = 1
    COMPLIANCE_OFFSET = 2
    ECOLOGICAL_COMPENSATION = 3
    INCENTIVE_REDEMPTION = 4


class CancellationKind(IntEnum):
    INVALIDATION = 0
    EXPORT = 1
    EXPIRY = 2
    UNCLAIMED = 3


class LockStatus(IntEnum):
    NONE = 0
    LOCKED = 1
    EXPORTED = 2
    RELEASED = 3


DEFAULT_ADMIN_ROLE = b"\x00" * 32
REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
ISSUER_ROLE = keccak(text="ISSUER_ROLE")
VERIFIER_ROLE = keccak(text="VERIFIER_ROLE")
ORACLE_ROLE = keccak(text="ORACLE_ROLE")
PAUSER_ROLE = keccak(text="PAUSER_ROLE")

WUHAN = 420100


# abi.encode(string "HUBEI-ETS", uint16 year): the string's offset (0x40), the year, then the
# string's length (9) and its bytes padded to a word. Encoded by hand: the node builds all 2^16.
_HUBEI_HEAD = (0x40).to_bytes(32, "big")
_HUBEI_TAIL = (9).to_bytes(32, "big") + b"HUBEI-ETS".ljust(32, b"\0")


def compliance_destination(year: int) -> bytes:
    """Return a compliance year's lock destination, as CarbonMarket.complianceDestination:
    keccak256(abi.encode("HUBEI-ETS", year))."""
    return keccak(_HUBEI_HEAD + year.to_bytes(32, "big") + _HUBEI_TAIL)


@functools.cache
def compliance_destinations() -> dict[bytes, int]:
    """Return destination hash → year for every uint16 year (≈0.3 s, once per process)."""
    return {compliance_destination(year): year for year in range(2**16)}
