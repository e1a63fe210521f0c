"""Configuration types of the signing service (no key material: keys live in keystores)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["agency", "registrar", "issuer", "oracle", "organiser", "holder"]


class SigningKeySpec(BaseModel):
    """One signing key the node may use: where it lives and which role's allowlist applies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role = Field(description="Role whose (contract, selector) allowlist this key signs for")
    remote: bool = Field(
        default=False,
        description="Sign through `remote_signer_url` (Web3Signer) instead of a local keystore",
    )
    address: str | None = Field(
        default=None,
        pattern=r"^0x[0-9a-fA-F]{40}$",
        description="Expected address: required for a remote key, a pin for a keystore",
    )
    keystore: Path | None = Field(
        default=None, description="Keystore file; default `<keystore_dir>/<name>.json`"
    )
    password_file: Path | None = Field(
        default=None, description="Per-key password file (overrides `keystore_password_file`)"
    )
    password_env: str | None = Field(
        default=None, description="Per-key password env var (overrides `keystore_password_env`)"
    )
