"""Enums and role ids mirroring contracts/src/types/RegistryTypes.sol and libraries/Roles.sol."""

from __future__ import annotations

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
