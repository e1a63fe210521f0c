"""`make demo`: the Wuhan carbon-inclusive registry doing its whole job, on a local chain.

Starts anvil with its state in `data/demo/anvil-state.json`, deploys the registry (or reuses the
deployment in `data/demo/deployment.json` when the chain still holds it), starts the registry
node (index in `data/demo/node`, signing keys from the actors' encrypted keystores in
`data/demo/keys`) and seeds the scenario through the real parts:

- the agency registers accounts, six methodologies and projects in Wuhan's districts, Enshi and
  Wufeng through the node's signing API (some projects stay in their public-notice period);
- a month of seeded synthetic metro/bus trips of DEMO_CITIZENS (10,000) pseudonymous citizens
  goes through the oracle (ingest → compute → publish), two verification bodies verify and sign
  with their own keystores (k = 2), the oracle submits; the agency issues a Merkle distribution
  and the platform relays citizens' claims (DEMO_CLAIMS of them, 200 by default);
- a rooftop PV project's quarterly report and a Wufeng forestry project's report are issued to
  their owners, who transfer credits to the organiser of a conference in Wuchang; the organiser
  registers it with its footprint and retires credits until it is carbon-neutral;
- the organiser asks the node for a retirement plan that takes paired-assistance (对口帮扶)
  batches first, and retires it until the event is carbon-neutral;
- Hubei compliance linkage: the agency opens a compliance year (eligible methodology, vintages,
  a 10 % cap), a Qingshan steelworks locks PV credits within its cap (one more use over the cap is
  refused on-chain), the agency confirms with the market's reference, and the node writes the
  export file for the market;
- mutual recognition: a partner platform (Shenzhen) attests with its key that it cancelled 25 t
  of the Enshi PV project's earlier credits; the agency imports them; a second attestation
  overlapping those origin serials is refused;
- a citizen redeems carbon points for an incentive from their own wallet (relayed by the node);
  an enterprise retires credits as ecological-damage compensation naming its court case;
- the independent auditor audits the ledger (and cross-checks the node) and must come out clean.

Then the node keeps serving the API and the explorer until Ctrl-C. A re-run keeps the ledger and
the index; `--reset` (`make demo-reset`) deletes data/demo and starts over. Environment:
DEMO_EXIT=1 stop after seeding and the audit; DEMO_PORT anvil's port (8545); DEMO_NODE_PORT the
node's (8000); DEMO_CITIZENS, DEMO_CLAIMS; DEMO_DATA the data folder.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from eth_account import Account
from pydantic import SecretStr
from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import demo_data  # noqa: E402

from carbon_chain.anvil import Anvil  # noqa: E402
from carbon_chain.chain import Registry  # noqa: E402
from carbon_chain.deploy import deploy  # noqa: E402
from carbon_chain.devchain import DEV_ACCOUNTS, reusable_deployment  # noqa: E402
from carbon_chain.domain import ISSUER_ROLE, ORACLE_ROLE, REGISTRAR_ROLE, VERIFIER_ROLE  # noqa: E402
from carbon_chain.eip712 import ImportPayload, import_typed_data, market_domain  # noqa: E402
from carbon_chain.manifest import Deployment  # noqa: E402
from carbon_chain.signer import DEV_MNEMONIC, LocalSigner, write_keystore  # noqa: E402
from carbon_chain.units import format_tonnes  # noqa: E402
from oracle.attest import load_request, sign_request  # noqa: E402
from oracle.config import OracleSettings  # noqa: E402
from oracle.service import Oracle  # noqa: E402
from oracle.store import Store  # noqa: E402
from oracle.submit import ChainGateway  # noqa: E402
from oracle.verify import index_inputs, verify_published  # noqa: E402

DAY = 86_400
TONNE = 1_000_000
CST = timezone(timedelta(hours=8))  # Wuhan's clock
KDF_COST = 2**14  # scrypt n for the demo keystores: the key material is anvil's public keys
SEEDED = "seeded.json"


@dataclass(frozen=True)
class Actor:
    """A participant with its own keystore: name, anvil dev-key index, account kind, region."""

    name: str
    index: int
    kind: str
    region: int
    label: str
    node_role: str | None = None  # the node signs for it with this role's allowlist


ACTORS = [
    Actor("admin", 0, "", 0, "agency admin key (cold: deploy, roles, configuration)"),
    Actor("agency", 1, "AGENCY", 420100, "Wuhan carbon-inclusive agency", "agency"),
    Actor("oracle", 2, "ORACLE", 420100, "oracle operator"),
    Actor("verifier-a", 3, "VERIFIER", 420100, "verification body A"),
    Actor("verifier-b", 4, "VERIFIER", 420100, "verification body B"),
    Actor("platform", 5, "ENTERPRISE", 420100, "platform aggregator (carbon points)"),
    Actor("buffer", 6, "BUFFER", 420100, "buffer pool"),
    Actor("organiser", 7, "ORGANISER", 420106, "conference organiser", "organiser"),
    Actor("solar", 8, "ENTERPRISE", 420115, "Jiangxia rooftop PV enterprise", "holder"),
    Actor("forest", 9, "ENTERPRISE", 420528, "Wufeng forestry cooperative", "holder"),
    Actor("enshi", 10, "ENTERPRISE", 422800, "Enshi PV enterprise", "holder"),
    Actor("buyer", 11, "ENTERPRISE", 420106, "Wuchang enterprise (voluntary offset)", "holder"),
    Actor("partner", 12, "PARTNER_REGISTRY", 440300, "Shenzhen carbon-inclusive platform"),
    Actor("steel", 13, "ENTERPRISE", 420107, "Qingshan steelworks (Hubei ETS entity)", "holder"),
]

# code, sector, kind, oracle module (its source stands in for the approved text)
METHODOLOGIES = [
    ("WHCI-GT-001", "transport", "PERSONAL_SCENARIO", "green_travel"),
    ("WHCI-CY-001", "transport", "PERSONAL_SCENARIO", "cycling"),
    ("WHCI-EV-001", "transport", "PERSONAL_SCENARIO", "nev_charging"),
    ("WHCI-PV-001", "energy", "PROJECT", "photovoltaic"),
    ("WHCI-FC-001", "forestry", "PROJECT", "forestry"),
    ("WHCI-PP-001", "consumption", "PERSONAL_SCENARIO", "personal_points"),
]

# key, methodology, proponent, region, title, registered (False: left in its notice period)
PROJECTS = [
    ("metro", "WHCI-GT-001", "platform", 420100, "Wuhan metro & bus green travel", True),
    ("cycling", "WHCI-CY-001", "platform", 420102, "Jiang'an shared-bike cycling", True),
    ("charging", "WHCI-EV-001", "platform", 420111, "Hongshan NEV charging", True),
    ("solar", "WHCI-PV-001", "solar", 420115, "Jiangxia industrial-park rooftop PV 2 MW", True),
    ("forest", "WHCI-FC-001", "forest", 420528, "Wufeng Masson-pine afforestation", True),
    ("enshi-pv", "WHCI-PV-001", "enshi", 422800, "Enshi tea-factory rooftop PV", True),
    ("points", "WHCI-PP-001", "platform", 420106, "Wuchang paperless-ticket points", False),
    ("hanyang-pv", "WHCI-PV-001", "solar", 420105, "Hanyang logistics-hub rooftop PV", False),
    ("enshi-forest", "WHCI-FC-001", "enshi", 422800, "Enshi Xuan'en forest restoration", False),
]

# Wuhan's districts (GB/T 2260), where citizens' accounts are registered
WUHAN_DISTRICTS = (
    420102,
    420103,
    420104,
    420105,
    420106,
    420107,
    420111,
    420112,
    420113,
    420114,
    420115,
    420116,
    420117,
)

_started = time.monotonic()


def say(text: str) -> None:
    """Print one step with the elapsed time."""
    print(f"[{time.monotonic() - _started:6.1f}s] {text}", flush=True)


def tonnes(grams: int) -> str:
    """Grams as tonnes with 6 decimals."""
    return f"{format_tonnes(grams)} t"


def sha(data: bytes) -> str:
    """0x sha256 of bytes."""
    return "0x" + hashlib.sha256(data).hexdigest()


def dev_key(index: int) -> bytes:
    """Anvil's public dev key `index` (dev mode: the demo's key material)."""
    return bytes(Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}").key)


def write_secret(path: Path, text: str) -> None:
    """Write a secret file readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    path.chmod(0o600)


class Keys:
    """Every actor's encrypted keystore and its generated password (files, 0600)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.addresses: dict[str, str] = {}
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        for actor in ACTORS:
            keystore, password = self.keystore(actor.name), self.password_file(actor.name)
            if not keystore.exists() or not password.exists():
                write_secret(password, secrets.token_urlsafe(24))
                write_keystore(dev_key(actor.index), keystore, password.read_text(), KDF_COST)
            self.addresses[actor.name] = Web3.to_checksum_address(
                "0x" + json.loads(keystore.read_text())["address"]
            )

    def keystore(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def password_file(self, name: str) -> Path:
        return self.folder / "passwords" / name

    def signer(self, name: str) -> LocalSigner:
        """Decrypt an actor's keystore (as its owner would)."""
        return LocalSigner.from_keystore(self.keystore(name), self.password_file(name).read_text())


class DemoError(RuntimeError):
    """A step of the demo failed."""


class Node:
    """The registry node served by uvicorn in its own process, and an HTTP client to it."""

    def __init__(self, data: Path, port: int, rpc: str, keys: Keys, datasets: Path) -> None:
        self.folder = data / "node"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.url = f"http://127.0.0.1:{port}"
        self.port = port
        signing = {
            a.name: {
                "role": a.node_role,
                "address": keys.addresses[a.name],
                "keystore": str(keys.keystore(a.name)),
                "password_file": str(keys.password_file(a.name)),
            }
            for a in ACTORS
            if a.node_role
        }
        self.env = {
            "REGISTRY_NODE_DATABASE_URL": f"sqlite:///{self.folder / 'index.db'}",
            "REGISTRY_NODE_RPC_URL": rpc,
            "REGISTRY_NODE_MANIFEST_PATH": str(data / "deployment.json"),
            "REGISTRY_NODE_DATASETS_DIR": str(datasets),
            "REGISTRY_NODE_KEYSTORE_DIR": str(keys.folder),
            "REGISTRY_NODE_SIGNING_KEYS": json.dumps(signing),
            "REGISTRY_NODE_POLL_INTERVAL": "0.5",
        }
        self.proc: subprocess.Popen[bytes] | None = None
        self.http = httpx.Client(
            base_url=self.url, timeout=120, limits=httpx.Limits(max_connections=32)
        )

    def tokens(self) -> dict[str, str]:
        """The demo's API tokens: created once (stored 0600 next to the index), then reused."""
        path = self.folder / "demo-tokens.json"
        if path.exists():
            stored: dict[str, str] = json.loads(path.read_text())
            return stored
        from registry_node import migrate
        from registry_node.config import Settings
        from registry_node.db import make_engine, make_session_factory
        from registry_node.tx.auth import check_grant, create_token

        settings = Settings(_env_file=None, **_settings_kwargs(self.env))  # type: ignore[call-arg]
        engine = make_engine(settings)
        migrate.upgrade(engine)
        wanted = {
            "agency": (
                "agency",
                "register_account,register_methodology,propose_project,"
                "register_project,issue,issue_distribution,cancel,freeze,unfreeze,"
                "set_compliance_year,set_methodology_eligibility,set_covered_entity,"
                "confirm_compliance_use,release_compliance_use,import_credits,cancel_expired",
            ),
            "claims-relay": ("agency", "claim"),
            "wallet-relay": (None, "relay"),
            "organiser": ("organiser", "register_event,retire_for_event,transfer,retire"),
            "solar": ("solar", "transfer,retire"),
            "forest": ("forest", "transfer,retire"),
            "buyer": ("buyer", "transfer,retire"),
            "steel": ("steel", "transfer,retire,use_for_compliance"),
            "auditor (read-only)": (None, ""),
        }
        out = {}
        with make_session_factory(engine)() as session, session.begin():
            for name, (key, op_text) in wanted.items():
                ops = frozenset(o for o in op_text.split(",") if o)
                check_grant(key, ops, settings.signing_keys)
                out[name], _ = create_token(session, f"demo {name}", key, ops)
        engine.dispose()
        write_secret(path, json.dumps(out, indent=2))
        return out

    def start(self) -> None:
        """Start `registry-node serve` (API, explorer and indexer) and wait until it answers."""
        log = open(self.folder / "node.log", "ab")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "registry_node.cli",
                "--log-level",
                "warning",
                "serve",
                "--port",
                str(self.port),
            ],
            env={**os.environ, **self.env},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise DemoError(f"the node exited ({self.proc.returncode}); see {log.name}")
            with contextlib.suppress(httpx.HTTPError):
                if self.http.get("/health", timeout=2).status_code in (200, 503):
                    return
            time.sleep(0.2)
        raise DemoError(f"the node did not answer on {self.url}; see {log.name}")

    def stop(self) -> None:
        """Stop the node process (by its own process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.proc = None

    def tx(self, token: str, op: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        """POST /v1/tx/<op> with an Idempotency-Key; wait until mined; return the tx body."""
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        r = self.http.post(f"/v1/tx/{op}", json=body, headers=headers)
        for _ in range(600):
            if r.status_code != 202:
                break
            time.sleep(0.1)
            r = self.http.get(f"/v1/tx/{r.json()['id']}", headers=headers)
            if r.json().get("status") == "mined":
                break
        if r.status_code != 200 or r.json().get("status") != "mined":
            raise DemoError(f"POST /v1/tx/{op} ({key}): HTTP {r.status_code} {r.text[:400]}")
        result: dict[str, Any] = r.json()
        return result

    def refused(self, token: str, op: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        """POST an operation the registry must refuse; return the 4xx JSON error."""
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": key}
        r = self.http.post(f"/v1/tx/{op}", json=body, headers=headers)
        if not 400 <= r.status_code < 500:
            raise DemoError(f"POST /v1/tx/{op} ({key}) was not refused: HTTP {r.status_code}")
        error: dict[str, Any] = r.json()
        return error

    def get(self, path: str) -> Any:
        r = self.http.get(path)
        r.raise_for_status()
        return r.json()

    def post(self, path: str, body: dict[str, Any], token: str | None = None) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else None
        r = self.http.post(path, json=body, headers=headers)
        if r.status_code >= 400:
            raise DemoError(f"POST {path}: HTTP {r.status_code} {r.text[:400]}")
        return r.json()

    def wait_indexed(self, block: int, timeout: float = 120) -> None:
        """Wait until the node's indexer has applied `block`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError, ValueError):
                indexed = self.http.get("/health").json().get("indexed_block")
                if indexed is not None and indexed >= block:
                    return
            time.sleep(0.25)
        raise DemoError(f"the node's indexer did not reach block {block}")


def _settings_kwargs(env: dict[str, str]) -> dict[str, Any]:
    prefix = "REGISTRY_NODE_"
    out: dict[str, Any] = {}
    for name, value in env.items():
        field = name[len(prefix) :].lower()
        out[field] = json.loads(value) if field == "signing_keys" else value
    return out


def refusal(error: dict[str, Any]) -> str:
    """The decoded custom error of a refused operation (the node's 4xx detail names it)."""
    detail = str(error.get("detail", error))
    return detail.split("would revert: ", 1)[-1]


def event_args(result: dict[str, Any], name: str) -> dict[str, Any]:
    """The args of the one event `name` in a mined transaction's decoded events."""
    (event,) = [e for e in result["events"] if e["name"] == name]
    args: dict[str, Any] = event["args"]
    return args


def parallel(fn: Any, items: list[Any], what: str, workers: int = 16) -> list[Any]:
    """Run `fn` over `items` on a thread pool, printing progress every ~10 %."""
    if len(items) < 50:  # a handful: in order, so ids follow the listing
        return [fn(item) for item in items]
    out: list[Any] = []
    step, began = max(1, len(items) // 10), time.monotonic()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for i, result in enumerate(pool.map(fn, items), 1):
            out.append(result)
            if i % step == 0 or i == len(items):
                rate = i / max(time.monotonic() - began, 1e-6)
                print(f"          {what}: {i:,}/{len(items):,} ({rate:.0f}/s)", flush=True)
    return out


def month_before(now: int) -> tuple[int, int]:
    """The last full calendar month (Wuhan time) before `now`: [start, end) in unix seconds."""
    first = datetime.fromtimestamp(now, CST).replace(day=1, hour=0, minute=0, second=0)
    first = first.replace(microsecond=0)
    prev = (first - timedelta(days=1)).replace(day=1)
    return int(prev.timestamp()), int(first.timestamp())


def quarter_before(now: int) -> tuple[int, int]:
    """The last full calendar quarter (Wuhan time) before `now`."""
    moment = datetime.fromtimestamp(now, CST)
    q_first = moment.replace(
        month=3 * ((moment.month - 1) // 3) + 1, day=1, hour=0, minute=0, second=0, microsecond=0
    )
    prev_last = q_first - timedelta(days=1)
    prev_first = prev_last.replace(month=3 * ((prev_last.month - 1) // 3) + 1, day=1)
    return int(prev_first.timestamp()), int(q_first.timestamp())


class Scenario:
    """Seeds the Wuhan scenario through the node's signing API and the oracle."""

    def __init__(self, data: Path, w3: Web3, keys: Keys, node: Node, tokens: dict[str, str]):
        self.data, self.w3, self.keys, self.node, self.tokens = data, w3, keys, node, tokens
        self.addr = keys.addresses
        self.citizen_count = int(os.environ.get("DEMO_CITIZENS", "10000"))
        self.claim_count = int(os.environ.get("DEMO_CLAIMS", "200"))
        self.summary: dict[str, Any] = {}

    def agency(self, op: str, body: dict[str, Any], key: str) -> dict[str, Any]:
        return self.node.tx(self.tokens["agency"], op, body, f"demo-{key}")

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def register(self) -> dict[str, int]:
        """The six methodologies, signed by the agency through the node."""

        def methodology(m: tuple[str, str, str, str]) -> tuple[str, int]:
            code, sector, kind, module = m
            text = (ROOT / "oracle" / "methodologies" / f"{module}.py").read_bytes()
            body = {
                "code": code,
                "version": 1,
                "sector": sector,
                "kind": kind,
                "document_hash": sha(text),
                "point_validity": 365 * DAY if kind == "PERSONAL_SCENARIO" else 0,
            }
            result = self.agency("register_methodology", body, f"methodology-{code}")
            return code, int(event_args(result, "MethodologyRegistered")["methodologyId"])

        ids = dict(parallel(methodology, METHODOLOGIES, "methodologies registered", workers=6))
        say("methodologies on chain: " + ", ".join(f"{c} (#{i})" for c, i in ids.items()))
        return ids

    def projects(self, methodologies: dict[str, int]) -> dict[str, int]:
        """Propose every project; register those whose notice period has passed."""

        def propose(p: tuple[str, str, str, int, str, bool]) -> tuple[str, int]:
            key, code, owner, region, title, _ = p
            body = {
                "methodology_id": methodologies[code],
                "proponent": self.addr[owner],
                "region": region,
                "metadata_hash": sha(title.encode()),
                "metadata_uri": f"https://whci.example/projects/{key}",
            }
            result = self.agency("propose_project", body, f"propose-{key}")
            return key, int(event_args(result, "ProjectProposed")["projectId"])

        first = [p for p in PROJECTS if p[5]]
        ids = dict(parallel(propose, first, "projects proposed", workers=6))
        notice = int(self._bound().registry.functions.noticePeriod().call())
        say(f"public notice (公示) of {notice // DAY} days: advancing the dev chain's clock")
        self.w3.provider.make_request("evm_increaseTime", [notice + 1])  # type: ignore[arg-type]
        self.w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]

        def register(key: str) -> None:
            self.agency("register_project", {"project_id": ids[key]}, f"register-{key}")

        parallel(register, list(ids), "projects registered", workers=6)
        later = [p for p in PROJECTS if not p[5]]
        ids.update(parallel(propose, later, "projects proposed (in notice)", workers=3))
        for key, code, _, region, title, registered in PROJECTS:
            state = "REGISTERED" if registered else "PROPOSED, in its notice period"
            say(f"  project #{ids[key]} {title} ({code}, region {region}): {state}")
        return ids

    def _bound(self) -> Registry:
        return Registry.of(self.w3, Deployment.load(self.data / "deployment.json"))

    def oracle(self) -> Oracle:
        folder = self.data / "oracle"
        salt_file = folder / "pseudonym-salt"
        if not salt_file.exists():
            write_secret(salt_file, secrets.token_urlsafe(32))
        settings = OracleSettings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=f"sqlite:///{folder / 'oracle.db'}",
            publish_dir=self.data / "published",
            signatures_dir=folder / "signatures",
            inputs_dir=folder / "inputs",
            pseudonym_salt=SecretStr(salt_file.read_text()),
            manifest=self.data / "deployment.json",
            rpc_url=self.w3.provider.endpoint_uri,  # type: ignore[attr-defined]
            ingest_workers=0,
        )
        gateway = ChainGateway(self._bound(), retries=3, backoff=0.2)
        return Oracle(
            settings,
            Store(settings.database_url),
            Deployment.load(settings.manifest),
            gateway,
            self.keys.signer("oracle"),
        )

    def report(
        self,
        oracle: Oracle,
        project_id: int,
        feed: str,
        period: tuple[int, int],
        data: bytes,
        name: str,
        enroll: list[tuple[str, str]],
    ) -> tuple[int, int, str, str]:
        """One oracle run: enroll, ingest, compute, publish, two verifiers sign, submit."""
        folder = self.data / "feeds"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        path.write_bytes(data)
        oracle.add_project(project_id)
        oracle.enroll(feed, enroll)
        run = oracle.open_run(project_id, *period)
        t = time.monotonic()
        summary = oracle.ingest_file(run, feed, path).as_dict()
        say(
            f"  oracle ingest {name}: {summary['accepted']:,} accepted, "
            f"{summary['quarantined']:,} quarantined ({time.monotonic() - t:.1f} s)"
        )
        oracle.compute(run)
        oracle.publish(run)
        status = oracle.status(run)
        request_path = oracle.request_path(run)
        for verifier in ("verifier-a", "verifier-b"):
            t = time.monotonic()
            request = load_request(request_path)
            dataset = verify_published(request, oracle.settings.publish_dir, index_inputs([path]))
            sign_request(request, self.keys.signer(verifier), request_path.parent)
            say(
                f"  {verifier} recomputed the dataset from the inputs "
                f"({len(dataset.allocations):,} allocation(s)) and signed the EIP-712 report "
                f"({time.monotonic() - t:.1f} s)"
            )
        report_id = oracle.submit(run)
        status = oracle.status(run)
        say(
            f"  report #{report_id} verified (k = 2): {tonnes(int(status['quantity_grams']))}, "
            f"evidence {str(status['evidence_hash'])[:18]}…"
        )
        return (
            report_id,
            int(status["quantity_grams"]),
            str(status["data_root"]),
            str(status["evidence_hash"]),
        )

    def green_travel(self, oracle: Oracle, project_id: int) -> dict[str, Any]:
        """10,000 citizens' month of trips → verified report → distribution → claims."""
        t = time.monotonic()
        people = demo_data.citizens(self.citizen_count)
        period = month_before(self.now())
        data, rows = demo_data.metro_trips_csv(people, project_id, *period)
        month = datetime.fromtimestamp(period[0], CST).strftime("%Y-%m")
        say(
            f"green travel {month}: generated {rows:,} metro/bus trips of "
            f"{len(people):,} pseudonymous citizens (seed {demo_data.SEED}, "
            f"{time.monotonic() - t:.1f} s)"
        )
        report_id, quantity, root, _ = self.report(
            oracle,
            project_id,
            "metro",
            period,
            data,
            f"metro-{month}.csv",
            [(p.user_id, p.account) for p in people],
        )
        vintage = datetime.fromtimestamp(period[0], CST).year
        body = {
            "report_id": report_id,
            "quantity": quantity,
            "vintage": vintage,
            "buffer_bps": 0,
            "merkle_root": root,
            "claim_window": 180 * DAY,
        }
        result = self.agency("issue_distribution", body, f"issue-distribution-{report_id}")
        batch = int(event_args(result, "BatchIssued")["batchId"])
        say(
            f"  batch #{batch}: {tonnes(quantity)} of carbon points issued as a Merkle distribution"
        )
        tree = oracle.tree(oracle.open_run(project_id, *period))
        allocations: dict[str, int] = {Web3.to_checksum_address(a): g for a, g in tree.leaves}
        claimants = [p.account for p in people if p.account in allocations][: self.claim_count]

        register_all = os.environ.get("DEMO_ACCOUNTS", "claimants") == "all"
        enrolled = [p.account for p in people if p.account in allocations]
        accounts = enrolled if register_all else claimants

        def register(account: str) -> None:
            body = {
                "account": account,
                "kind": "INDIVIDUAL",
                "region": WUHAN_DISTRICTS[int(account, 16) % len(WUHAN_DISTRICTS)],
                "record_hash": sha(f"citizen account {account}".encode()),
            }
            self.agency("register_account", body, f"citizen-{account}")

        parallel(register, accounts, "citizen carbon accounts registered", workers=32)
        self.node.wait_indexed(int(self.w3.eth.block_number))
        say("  each citizen's wallet fetches its proof from the node (GET /v1/claims/{address});")
        say("  the platform relays the claim (POST /v1/tx/claim), paying the gas")

        def claim(account: str) -> int:
            (mine,) = [c for c in self.node.get(f"/v1/claims/{account}") if c["batch_id"] == batch]
            grams = int(mine["amount"]["grams"])
            body = {"batch_id": batch, "account": account, "amount": grams, "proof": mine["proof"]}
            key = f"demo-claim-{batch}-{account}"
            self.node.tx(self.tokens["claims-relay"], "claim", body, key)
            return grams

        claimed = sum(parallel(claim, claimants, "claims relayed by the platform"))
        rest = len(tree.leaves) - len(claimants)
        say(
            f"  {len(claimants)} citizens claimed {tonnes(claimed)}; {rest:,} more allocations "
            f"({tonnes(quantity - claimed)}) stay claimable for 180 days"
        )
        first = next(i for i, p in enumerate(people) if p.account == claimants[0])
        return {
            "batch": batch,
            "claimed": len(claimants),
            "claimable": rest,
            "citizen": {"index": first, "account": claimants[0]},
        }

    def project_report(
        self, oracle: Oracle, key: str, project_id: int, feed: str, buffer_bps: int
    ) -> tuple[int, int]:
        """A project's quarterly report through the oracle, issued to its owner via the node.

        Returns the batch id and its vintage.
        """
        period = quarter_before(self.now())
        owner = self.addr[key]
        if feed == "grid":
            data, _ = demo_data.pv_readings_csv("JX-PV-01", project_id, *period, kw_peak=2000)
            enroll = [("JX-PV-01", owner)]
        else:
            data, _ = demo_data.forest_stands_csv("WF-FC-01", project_id, *period)
            enroll = [("WF-FC-01", owner)]
        quarter = datetime.fromtimestamp(period[0], CST)
        label = f"{quarter.year}Q{(quarter.month - 1) // 3 + 1}"
        report_id, quantity, _, _ = self.report(
            oracle, project_id, feed, period, data, f"{feed}-{key}-{label}.csv", enroll
        )
        body = {
            "report_id": report_id,
            "quantity": quantity,
            "vintage": quarter.year,
            "buffer_bps": buffer_bps,
        }
        result = self.agency("issue", body, f"issue-{report_id}")
        batch = int(event_args(result, "BatchIssued")["batchId"])
        say(
            f"  batch #{batch}: {tonnes(quantity)} issued to {key} "
            f"({buffer_bps / 100:.0f} % to the buffer pool)"
        )
        return batch, quarter.year

    def conference(self, solar_batch: int, forest_batch: int) -> dict[str, Any]:
        """Transfers to the organiser; a conference in Wuchang made carbon-neutral."""
        org = self.tokens["organiser"]
        self.node.tx(
            self.tokens["solar"],
            "transfer",
            {"to": self.addr["organiser"], "batch_id": solar_batch, "amount": 40 * TONNE},
            "demo-transfer-solar-organiser",
        )
        self.node.tx(
            self.tokens["forest"],
            "transfer",
            {"to": self.addr["organiser"], "batch_id": forest_batch, "amount": 30 * TONNE},
            "demo-transfer-forest-organiser",
        )
        say("transfers: 40 t Jiangxia PV (Wuhan) and 30 t Wufeng forestry to the organiser")
        now = self.now()
        footprint_doc = json.dumps(
            {
                "event": "2026 Wuhan Low-Carbon Development Conference",
                "venue": "Wuhan International Conference Center, Wuchang",
                "attendees": 1800,
                "travel_t": 38.2,
                "venue_energy_t": 14.1,
                "catering_materials_t": 7.7,
                "total_t": 60.0,
            },
            sort_keys=True,
        ).encode()
        (self.data / "events").mkdir(parents=True, exist_ok=True)
        (self.data / "events" / "conference-footprint.json").write_bytes(footprint_doc)
        body = {
            "name": "2026 Wuhan Low-Carbon Development Conference",
            "region": 420106,
            "starts_at": now - 2 * DAY,
            "ends_at": now - DAY,
            "footprint": 60 * TONNE,
            "evidence_hash": sha(footprint_doc),
        }
        result = self.node.tx(org, "register_event", body, "demo-event-conference")
        event_id = int(event_args(result, "CarbonEventRegistered")["eventId"])
        self.node.wait_indexed(int(self.w3.eth.block_number))
        plan = self.node.post(
            "/v1/retirement-plans",
            {"holder": self.addr["organiser"], "amount": 60 * TONNE, "event_id": event_id},
        )
        share = plan["paired_assistance"]
        say(
            f"  retirement plan (POST /v1/retirement-plans): paired-assistance (对口帮扶) batches "
            f"first, {share['percent']} % from Enshi/Wufeng"
        )
        certificates = []
        for line, op in zip(plan["lines"], plan["ops"], strict=True):
            batch, amount = line["batch_id"], int(line["amount"]["grams"])
            result = self.node.tx(org, op["op"], op["body"], f"demo-retire-event-{batch}")
            cert = int(event_args(result, "CreditsRetired")["certificateId"])
            certificates.append(cert)
            where = f"{line['region_name'] or line['region']}" + (
                ", paired assistance" if line["paired_assistance"] else ""
            )
            say(f"  retired {tonnes(amount)} of batch #{batch} ({where}): certificate {cert}")
        reg = self._bound().registry.functions
        neutral = bool(reg.getEvent(event_id).call()[2])
        say(f"conference #{event_id} (footprint 60 t, Wuchang 420106): carbon-neutral: {neutral}")
        self.node.tx(
            self.tokens["solar"],
            "transfer",
            {"to": self.addr["buyer"], "batch_id": solar_batch, "amount": 10 * TONNE},
            "demo-transfer-solar-buyer",
        )
        body = {
            "batch_id": solar_batch,
            "amount": 5 * TONNE,
            "beneficiary": self.addr["buyer"],
            "purpose": "VOLUNTARY",
            "reference_hash": sha(b"buyer 2026 office emissions offset"),
            "region": 420106,
        }
        result = self.node.tx(self.tokens["buyer"], "retire", body, "demo-retire-buyer")
        cert = int(event_args(result, "CreditsRetired")["certificateId"])
        say(
            f"a Wuchang enterprise bought 10 t and retired 5 t (voluntary offset): "
            f"certificate {cert}"
        )
        return {"event": event_id, "neutral": neutral, "certificates": certificates}

    def compliance(self, methodologies: dict[str, int], batch: int, year: int) -> dict[str, Any]:
        """Hubei compliance linkage: a covered steelworks offsets within its cap; export file."""
        now, steel = self.now(), self.addr["steel"]
        terms = {"year": year, "min_vintage": year - 2, "max_vintage": year, "cap_bps": 1000}
        self.agency("set_compliance_year", {**terms, "closes_at": now + 180 * DAY}, f"cy-{year}")
        pv = methodologies["WHCI-PV-001"]
        body = {"year": year, "methodology_id": pv, "eligible": True}
        self.agency("set_methodology_eligibility", body, f"cy-{year}-eligible-{pv}")
        body = {"year": year, "entity": steel, "verified_emissions": 150 * TONNE}
        self.agency("set_covered_entity", body, f"cy-{year}-entity-steel")
        say(
            f"Hubei compliance year {year}: WHCI-PV-001 vintages {year - 2} to {year} eligible, "
            f"cap 10 % of verified emissions; Qingshan steelworks 150 t → cap 15 t"
        )
        body = {"to": steel, "batch_id": batch, "amount": 20 * TONNE}
        self.node.tx(self.tokens["solar"], "transfer", body, "demo-transfer-solar-steel")
        use = {"year": year, "batch_id": batch, "amount": 12 * TONNE}
        result = self.node.tx(self.tokens["steel"], "use_for_compliance", use, "demo-compliance-1")
        use_id = int(event_args(result, "ComplianceUseRequested")["useId"])
        say(
            f"  the steelworks bought 20 t of Jiangxia PV and locked 12 t for compliance "
            f"(use #{use_id})"
        )
        over = {**use, "amount": 5 * TONNE}
        error = self.node.refused(self.tokens["steel"], "use_for_compliance", over, "demo-cap-2")
        say(f"  5 t more is refused on-chain: {refusal(error)}")
        reference = sha(f"HBETS {year} surrender record 4201070001 use {use_id}".encode())
        body = {"use_id": use_id, "market_reference": reference}
        self.agency("confirm_compliance_use", body, f"cy-{year}-confirm-{use_id}")
        self.node.wait_indexed(int(self.w3.eth.block_number))
        csv_text = self.node.http.get(f"/v1/compliance/years/{year}/export.csv").text
        out = self.data / "compliance" / f"hubei-export-{year}.csv"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(csv_text)
        rows = max(0, len(csv_text.strip().splitlines()) - 1)
        say(
            f"  confirmed with the market's reference; export file for the market: {out} "
            f"({rows} row)"
        )
        return {"year": year, "use": use_id, "export": str(out)}

    def partner_import(self, project_id: int) -> dict[str, Any]:
        """Mutual recognition: a partner's attested credits imported; an overlap refused."""
        start, end = quarter_before(quarter_before(self.now())[0])
        bound = self._bound()
        domain = market_domain(bound.chain_id, bound.market.address)
        record = json.dumps(
            {"platform": "Shenzhen carbon-inclusive platform", "cancellation": "SZCI-2026-0815"},
            sort_keys=True,
        ).encode()

        def attested(first: int, grams: int) -> dict[str, Any]:
            payload = ImportPayload(
                partner=self.addr["partner"],
                origin_serial_start=first,
                origin_serial_end=first + grams,
                project_id=project_id,
                period_start=start,
                period_end=end,
                vintage=datetime.fromtimestamp(start, CST).year,
                recipient=self.addr["enshi"],
                evidence_hash=bytes.fromhex(sha(record)[2:]),
                deadline=self.now() + 7 * DAY,
            )
            signature = self.keys.signer("partner").sign_typed_data(
                import_typed_data(domain, payload)
            )
            return {
                "partner": payload.partner,
                "origin_serial_start": payload.origin_serial_start,
                "origin_serial_end": payload.origin_serial_end,
                "project_id": project_id,
                "period_start": start,
                "period_end": end,
                "vintage": payload.vintage,
                "recipient": payload.recipient,
                "evidence_hash": sha(record),
                "deadline": payload.deadline,
                "attestation": "0x" + signature.hex(),
            }

        first = 3_000_000_000_001
        result = self.agency("import_credits", attested(first, 25 * TONNE), "import-szci-1")
        batch = int(event_args(result, "CreditsImported")["batchId"])
        say(
            f"mutual recognition: the Shenzhen platform attests (EIP-712, its own key) it "
            f"cancelled 25 t of the Enshi PV project; imported as batch #{batch} to the Enshi "
            f"enterprise"
        )
        overlap = attested(first + 10 * TONNE, 5 * TONNE)
        error = self.node.refused(self.tokens["agency"], "import_credits", overlap, "import-szci-2")
        say(f"  a second attestation overlapping those serials is refused: {refusal(error)}")
        return {"batch": batch}

    def redemption(self, citizen: dict[str, Any], batch: int) -> dict[str, Any]:
        """A citizen redeems points from their own wallet; the node relays the signed tx."""
        key = demo_data.citizen_key(int(citizen["index"]))
        wallet = Account.from_key(key)
        admin = self.keys.signer("admin")
        gas = {
            "to": wallet.address,
            "value": 10**16,
            "gas": 21_000,
            "maxFeePerGas": 10**10,
            "maxPriorityFeePerGas": 10**9,
            "nonce": self.w3.eth.get_transaction_count(admin.address, "pending"),
            "chainId": self.w3.eth.chain_id,
        }
        self.w3.eth.wait_for_transaction_receipt(
            self.w3.eth.send_raw_transaction(admin.sign_transaction(gas))
        )
        self.node.wait_indexed(int(self.w3.eth.block_number))
        held = self.node.get(f"/v1/accounts/{wallet.address}/points")
        grams = sum(int(h["balance"]["grams"]) for h in held["holdings"] if h["batch_id"] == batch)
        amount = max(1, grams // 2)
        reference = bytes.fromhex(sha(f"metro coupon WH-{citizen['index']}".encode())[2:])
        call = self._bound().market.functions.redeemPoints(batch, amount, reference)
        tx = call.build_transaction(
            {
                "from": wallet.address,
                "nonce": self.w3.eth.get_transaction_count(wallet.address, "pending"),
                "chainId": self.w3.eth.chain_id,
            }
        )
        raw = wallet.sign_transaction(tx).raw_transaction
        self.node.tx(self.tokens["wallet-relay"], "raw", {"raw": "0x" + raw.hex()}, "demo-redeem")
        say(
            f"a citizen redeemed {tonnes(amount)} of carbon points for a metro coupon from their "
            f"own wallet (signed on the phone, relayed by the node; dev chain: 0.01 ETH of gas "
            f"sent first, a zero-gas-price Besu network needs none)"
        )
        return {"citizen": wallet.address, "amount": amount}

    def compensation(self, batch: int) -> dict[str, Any]:
        """Ecological-damage compensation: retirement naming its court case."""
        case = "(2026)鄂01民初1234号 长江武汉段非法采砂生态环境损害赔偿案"
        # Storing a reference needs an API token: the buyer, who retires with it, sends it.
        reference = self.node.post(
            "/v1/references", {"kind": "court_case", "text": case}, self.tokens["buyer"]
        )
        body = {
            "batch_id": batch,
            "amount": 2 * TONNE,
            "beneficiary": self.addr["buyer"],
            "purpose": "ECOLOGICAL_COMPENSATION",
            "reference_hash": reference["reference_hash"],
            "region": 420100,
        }
        result = self.node.tx(self.tokens["buyer"], "retire", body, "demo-retire-compensation")
        cert = int(event_args(result, "CreditsRetired")["certificateId"])
        say(
            f"ecological-damage compensation: 2 t retired for court case {case}: certificate {cert}"
        )
        return {"certificate": cert}

    def run(self) -> dict[str, Any]:
        methodologies = self.register()
        projects = self.projects(methodologies)
        oracle = self.oracle()
        travel = self.green_travel(oracle, projects["metro"])
        say("Jiangxia rooftop PV: the grid company's quarterly readings → oracle")
        solar, vintage = self.project_report(oracle, "solar", projects["solar"], "grid", 1000)
        say("Wufeng forestry: the sample-plot inventory → oracle")
        forest, _ = self.project_report(oracle, "forest", projects["forest"], "forestry", 2000)
        event = self.conference(solar, forest)
        compliance = self.compliance(methodologies, solar, vintage)
        imported = self.partner_import(projects["enshi-pv"])
        redeemed = self.redemption(travel["citizen"], travel["batch"])
        compensation = self.compensation(solar)
        return {
            "travel": travel,
            "solar_batch": solar,
            "forest_batch": forest,
            **event,
            "compliance": compliance,
            "import": imported,
            "redemption": redeemed,
            "compensation": compensation,
        }


def start_chain(data: Path, port: int) -> tuple[Anvil, Web3, bool | None]:
    """Start anvil on its state file and say what the data folder holds.

    Returns (anvil, w3, state): True when the manifest's deployment is on the chain and was
    fully seeded (reuse it), False when the folder holds no deployment yet (deploy), None when
    it holds a deployment the chain lacks or a seeding that did not finish (start over).
    """
    anvil = Anvil(
        port=port,
        state_path=data / "anvil-state.json",
        log_path=data / "anvil.log",
        extra_args=["--accounts", str(DEV_ACCOUNTS)],
    )
    try:
        anvil.start()
    except RuntimeError as exc:
        raise DemoError(f"anvil: {exc} (is port {port} in use? DEMO_PORT picks another)") from exc
    w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 60}))
    manifest = data / "deployment.json"
    if reusable_deployment(w3, manifest) is not None and (data / SEEDED).exists():
        return anvil, w3, True
    leftovers = [data / n for n in ("deployment.json", SEEDED, "node", "oracle", "published")]
    if any(p.exists() for p in leftovers):
        return anvil, w3, None
    return anvil, w3, False


def deploy_registry(w3: Web3, data: Path, keys: Keys) -> None:
    """Compile and deploy with the admin key; grant the agency's and the oracle's roles."""
    say("compiling and deploying the registry from source (agency admin key, k = 2)")
    admin = keys.signer("admin")
    deployment = deploy(w3, admin)
    reg = Registry.of(w3, deployment)
    r = reg.registry.functions
    for role, who in (
        (REGISTRAR_ROLE, "agency"),
        (ISSUER_ROLE, "agency"),
        (ORACLE_ROLE, "oracle"),
    ):
        reg.transact(admin, r.grantRole(role, keys.addresses[who]))
    deployment.save(data / "deployment.json")


def configure(w3: Web3, data: Path, keys: Keys) -> None:
    """The admin's configuration once accounts exist: verifier roles, aggregator, buffer."""
    d = Deployment.load(data / "deployment.json")
    reg = Registry.of(w3, d)
    admin = keys.signer("admin")
    for verifier in ("verifier-a", "verifier-b"):
        reg.transact(
            admin, reg.registry.functions.grantRole(VERIFIER_ROLE, keys.addresses[verifier])
        )
    reg.transact(admin, reg.ledger.functions.setAggregator(keys.addresses["platform"]))
    reg.transact(admin, reg.ledger.functions.setBufferAccount(keys.addresses["buffer"]))
    say("admin: verifier roles to two verification bodies (k = 2), aggregator and buffer set")


def audit_command(data: Path, rpc: str, node_url: str) -> list[str]:
    """The exact auditor command (relative paths when under the repository)."""

    def rel(p: Path) -> str:
        with contextlib.suppress(ValueError):
            return str(p.resolve().relative_to(ROOT))
        return str(p)

    auditor = ROOT / ".venv" / "bin" / "auditor"
    exe = ".venv/bin/auditor" if auditor.exists() else f"{sys.executable} -m auditor.cli"
    return [
        *exe.split(),
        "audit",
        "--rpc",
        rpc,
        "--manifest",
        rel(data / "deployment.json"),
        "--datasets",
        rel(data / "published"),
        "--node",
        node_url,
        "--out",
        rel(data / "audit"),
    ]


def port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port` (anvil would otherwise answer for another)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    """Run the demo; return the exit status."""
    parser = argparse.ArgumentParser(description="Wuhan carbon-inclusive registry demo")
    parser.add_argument("--reset", action="store_true", help="delete the demo's data first")
    args = parser.parse_args(argv)
    data = Path(os.environ.get("DEMO_DATA", ROOT / "data" / "demo")).resolve()
    port = int(os.environ.get("DEMO_PORT", "8545"))
    node_port = int(os.environ.get("DEMO_NODE_PORT", "8000"))
    if args.reset and data.exists():
        shutil.rmtree(data)
        say(f"reset: deleted {data}")
    for what, number, knob in (("anvil", port, "DEMO_PORT"), ("node", node_port, "DEMO_NODE_PORT")):
        if not port_free(number):
            raise DemoError(f"port {number} ({what}) is in use: stop what holds it or set {knob}")
    data.mkdir(parents=True, exist_ok=True)
    print("Wuhan carbon-inclusive credit registry (武汉碳普惠) — demo", flush=True)
    keys = Keys(data / "keys")
    say(f"{len(ACTORS)} actors, each with its own encrypted keystore in {data / 'keys'}")
    anvil, w3, state = start_chain(data, port)
    if state is None:
        anvil.stop()
        print(
            f"{data} holds a deployment this chain lacks, or a seeding that did not finish: "
            "starting over",
            flush=True,
        )
        return main(["--reset"])
    reused = state
    seeded = data / SEEDED
    node = Node(data, node_port, anvil.url, keys, data / "published")
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)  # also when started with SIGINT ignored
    try:
        if not reused:
            deploy_registry(w3, data, keys)
        d = Deployment.load(data / "deployment.json")
        say(
            f"anvil on {anvil.url} (state {data / 'anvil-state.json'}); registry {d.registry}, "
            f"ledger {d.ledger}" + (" (reused)" if reused else "")
        )
        tokens = node.tokens()
        node.start()
        say(f"registry node on {node.url} (index {node.folder / 'index.db'}, indexer running)")
        if not reused:
            scenario = Scenario(data, w3, keys, node, tokens)
            outcome = seed(scenario, w3, data, keys)
            write_secret(seeded, json.dumps(outcome, indent=2))
        else:
            outcome = json.loads(seeded.read_text())
            say("ledger and index kept from the last run (make demo-reset starts over)")
        node.wait_indexed(int(w3.eth.block_number))
        command = audit_command(data, anvil.url, node.url)
        say("auditing the ledger from the chain alone (and cross-checking the node)")
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        print("\n".join("    " + line for line in done.stdout.strip().splitlines()[-6:]))
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            raise DemoError(f"the auditor exited with {done.returncode}")
        say(f"auditor: exit {done.returncode} (clean)")
        print_summary(anvil, node, tokens, command, outcome)
        if os.environ.get("DEMO_EXIT"):
            return 0
        print("Serving; press Ctrl-C to stop (re-run `make demo` to come back).", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while node.proc is not None and node.proc.poll() is None:
                time.sleep(1)
        return 0
    finally:
        node.stop()
        anvil.stop()


def seed(scenario: Scenario, w3: Web3, data: Path, keys: Keys) -> dict[str, Any]:
    """Accounts first (the admin's configuration needs them), then the scenario."""
    say("registering through the node's signing API (agency key, Idempotency-Key per request)")
    actors = [a for a in ACTORS if a.kind]

    def account(a: Actor) -> None:
        body = {
            "account": keys.addresses[a.name],
            "kind": a.kind,
            "region": a.region,
            "record_hash": sha(f"registration record: {a.label}".encode()),
        }
        scenario.agency("register_account", body, f"account-{a.name}")

    parallel(account, actors, "carbon accounts registered", workers=8)
    configure(w3, data, keys)
    return scenario.run()


def print_summary(
    anvil: Anvil, node: Node, tokens: dict[str, str], command: list[str], outcome: dict[str, Any]
) -> None:
    """The URLs, the demo tokens and the auditor command."""
    travel = outcome["travel"]
    lines = [
        "",
        "Wuhan carbon-inclusive registry — ready",
        f"  explorer     {node.url}/   (中文; ?lang=en for English)",
        f"  API docs     {node.url}/docs",
        f"  conference   {node.url}/events/{outcome['event']}  (carbon-neutral: "
        f"{outcome['neutral']})",
        f"  JSON-RPC     {anvil.url}",
        f"  citizens     {travel['claimed']} claimed, {travel['claimable']:,} still claimable "
        f"(batch #{travel['batch']}); points of one: {node.url}/accounts/"
        f"{outcome['redemption']['citizen']}/points",
        f"  compliance   {node.url}/compliance/{outcome['compliance']['year']}  (export file "
        f"{node.url}/v1/compliance/years/{outcome['compliance']['year']}/export.csv)",
        f"  imports      {node.url}/imports  (batch #{outcome['import']['batch']} from the "
        f"Shenzhen platform)",
        "  demo API tokens (Authorization: Bearer …):",
        *[f"    {name:<20} {token}" for name, token in tokens.items()],
        "  audit it yourself:",
        "    " + " ".join(command),
        f"done in {time.monotonic() - _started:.1f} s",
    ]
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except DemoError as error:
        print(f"demo: {error}", file=sys.stderr)
        raise SystemExit(1) from None
