"""Node settings from the environment (prefix ``REGISTRY_NODE_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from registry_node.tx.settings import SigningKeySpec


class Settings(BaseSettings):
    """Everything the node reads at start-up; one instance is passed down, never a global."""

    model_config = SettingsConfigDict(
        env_prefix="REGISTRY_NODE_", env_file=".env", extra="ignore", frozen=True
    )

    # ------------------------------------------------------------------ storage
    database_url: str = Field(
        default="sqlite:///./data/node/index.db",
        description="SQLAlchemy URL: sqlite:///path.db (default) or postgresql+psycopg://...",
    )
    database_schema: str | None = Field(
        default=None,
        pattern=r"^[a-z_][a-z0-9_]{0,62}$",
        description="PostgreSQL only: schema to use (created if missing, set as search_path)",
    )
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, description="SQLite busy_timeout")
    migrate_on_startup: bool = Field(
        default=True, description="Run `alembic upgrade head` when the app or indexer starts"
    )

    # ------------------------------------------------------------------ chain
    rpc_url: str = Field(default="http://127.0.0.1:8545", description="EVM JSON-RPC endpoint")
    rpc_timeout: float = Field(default=30.0, gt=0, description="JSON-RPC timeout, seconds")
    manifest_path: Path = Field(
        default=Path("data/demo/deployment.json"),
        description="Deployment manifest (carbon_chain.manifest.Deployment) of the registry",
    )
    datasets_dir: Path = Field(
        default=Path("data/datasets"),
        description="Published datasets root: <dir>/<evidenceHash hex>/dataset.json",
    )

    # ------------------------------------------------------------------ indexer
    run_indexer: bool = Field(
        default=True, description="Run the indexer in a background thread of the API process"
    )
    confirmations: int = Field(default=0, ge=0, description="Index up to head - confirmations")
    chunk_size: int = Field(default=2000, ge=1, description="Initial eth_getLogs block range")
    max_chunk_size: int = Field(default=100_000, ge=1, description="Largest eth_getLogs range")
    reorg_window: int = Field(
        default=256, ge=1, description="Blocks the indexer can roll back; a deeper reorg halts it"
    )
    poll_interval: float = Field(default=1.0, gt=0, description="Seconds between head polls")
    retry_max_delay: float = Field(default=30.0, gt=0, description="Cap of RPC retry backoff")

    # ------------------------------------------------------------------ API
    page_default_limit: int = Field(default=50, ge=1, description="Default page size")
    page_max_limit: int = Field(default=500, ge=1, description="Largest page size accepted")
    max_body_bytes: int = Field(default=1_048_576, ge=1024, description="Request body cap")
    head_cache_seconds: float = Field(
        default=1.0, ge=0, description="How long /health reuses the chain head it last fetched"
    )

    # ================================================================== SIGNING SERVICE
    # Owned by the signing half (registry_node/tx/). Extend this section; keep the names.
    keystore_dir: Path = Field(
        default=Path("data/node/keystore"), description="eth-account encrypted keyfiles"
    )
    keystore_password_file: Path | None = Field(
        default=None, description="File holding the keystore password (never the key itself)"
    )
    keystore_password_env: str | None = Field(
        default=None, description="Name of an env var holding the keystore password"
    )
    remote_signer_url: str | None = Field(
        default=None, description="Web3Signer-compatible endpoint (eth_signTransaction)"
    )
    tx_receipt_timeout: float = Field(
        default=60.0, gt=0, description="Seconds to wait for a receipt"
    )
    signing_keys: dict[str, SigningKeySpec] = Field(
        default_factory=dict,
        description='Signing keys by name, e.g. {"agency": {"role": "agency"}} (JSON in env); '
        "a keystore key is <keystore_dir>/<name>.json",
    )
    remote_signer_timeout: float = Field(
        default=10.0, gt=0, description="Seconds per remote signer call"
    )
    tx_rpc_attempts: int = Field(
        default=4, ge=1, le=10, description="Attempts per JSON-RPC call of the signing service"
    )
    tx_rpc_backoff: float = Field(
        default=0.1, ge=0, description="First retry delay (s); doubles, full jitter"
    )
    tx_rpc_backoff_cap: float = Field(default=2.0, ge=0, description="Largest retry delay (s)")
    tx_gas_margin_percent: int = Field(
        default=25, ge=0, le=200, description="Added to eth_estimateGas for the gas limit"
    )
    tx_price_bump_percent: int = Field(
        default=12, ge=10, le=100, description="Fee bump of a replacement (geth/Besu need >= 10)"
    )
    tx_fee_cache_seconds: float = Field(
        default=1.0, ge=0, description="How long fee data (base fee, tip) is reused"
    )
    tx_retry_after_seconds: int = Field(
        default=2, ge=1, description="Retry-After of a 503 from the signing service"
    )
    tx_max_inflight: int = Field(
        default=256, ge=1, description="Signing requests processed at once (threads)"
    )
    tx_stale_seconds: float = Field(
        default=120.0, gt=0, description="A request left unsigned this long is re-run on retry"
    )
    # ================================================================== end SIGNING SERVICE

    @property
    def is_sqlite(self) -> bool:
        """Whether the index lives in SQLite."""
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings read from the environment (cached: for CLI entry points only)."""
    return Settings()
