"""Typed oracle errors, each with the CLI exit code and HTTP status it maps to."""

from __future__ import annotations


class OracleError(RuntimeError):
    """Base of every error the oracle reports to an operator; never carries key material."""

    exit_code = 1
    http_status = 400


class ConfigError(OracleError):
    """The settings are incomplete or inconsistent."""

    exit_code = 2


class NotFoundError(OracleError):
    """A run, project or published dataset does not exist."""

    exit_code = 3
    http_status = 404


class StateError(OracleError):
    """A step was asked for in the wrong state (e.g. ingest into a computed run)."""

    exit_code = 4
    http_status = 409


class InputError(OracleError):
    """An input file or batch cannot be read at all (not a single bad record)."""

    exit_code = 5
    http_status = 422


class VerificationError(OracleError):
    """A verifier's recomputation disagrees with the published dataset or the report."""

    exit_code = 6


class SignatureError(OracleError):
    """A signature file is malformed, for another digest, or from a non-verifier."""

    exit_code = 7


class SubmissionError(OracleError):
    """The report could not be submitted; carries the decoded custom error when reverted."""

    exit_code = 8

    def __init__(self, message: str, error: str | None = None) -> None:
        super().__init__(message)
        self.error = error


class ChainUnavailableError(OracleError):
    """The JSON-RPC endpoint kept failing after bounded retries."""

    exit_code = 9
