"""Oracle settings from the environment (prefix ``ORACLE_``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from oracle.errors import ConfigError


class OracleSettings(BaseSettings):
    """Everything the oracle needs; secrets are SecretStr so they never print."""

    model_config = SettingsConfigDict(env_prefix="ORACLE_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///oracle.db", description="SQLAlchemy URL of the oracle's state"
    )
    publish_dir: Path = Field(
        default=Path("published"), description="Root of the content-addressed dataset folders"
    )
    inputs_dir: Path = Field(
        default=Path("inputs"),
        description="Where pseudonymized copies of HTTP push batches are kept for verifiers",
    )
    signatures_dir: Path = Field(
        default=Path("signatures"), description="Where verifiers' signature files are collected"
    )
    pseudonym_salt: SecretStr | None = Field(
        default=None, description="Secret salt of participant pseudonyms (HMAC-SHA256 key)"
    )
    ingest_workers: int = Field(
        default=1,
        ge=0,
        description=(
            "Worker processes that parse and validate a large input while the oracle stores "
            "the chunks already checked (0: all in one process); results do not depend on it"
        ),
    )
    rpc_url: str = Field(default="http://127.0.0.1:8545", description="JSON-RPC endpoint")
    manifest: Path = Field(
        default=Path("deployments/local.json"), description="Deployment manifest (registry)"
    )
    keystore: Path | None = Field(default=None, description="Oracle's encrypted keystore")
    keystore_password_env: str = Field(
        default="ORACLE_KEYSTORE_PASSWORD", description="Variable holding the keystore password"
    )
    report_validity_seconds: int = Field(
        default=30 * 86_400,
        gt=0,
        description="How long signatures stay valid: deadline = max(period end, now) + this",
    )
    rpc_retries: int = Field(default=5, ge=0, description="Retries of a failing RPC call")
    rpc_backoff_seconds: float = Field(
        default=0.5, ge=0, description="First retry delay; doubles per retry, capped at 8 s"
    )
    partner_keys: dict[str, SecretStr] = Field(
        default_factory=dict, description="HTTP push: partner name → HMAC-SHA256 key"
    )
    partner_feeds: dict[str, str] = Field(
        default_factory=dict, description="HTTP push: partner name → feed it pushes"
    )
    push_max_skew_seconds: int = Field(
        default=300, gt=0, description="HTTP push: largest accepted clock difference"
    )

    def salt(self) -> bytes:
        """Return the pseudonym salt.

        Raises:
            ConfigError: no salt is configured (pseudonyms would be guessable).
        """
        if self.pseudonym_salt is None or len(self.pseudonym_salt.get_secret_value()) < 16:
            raise ConfigError(
                "ORACLE_PSEUDONYM_SALT must be set to a secret of at least 16 characters"
            )
        return self.pseudonym_salt.get_secret_value().encode()
