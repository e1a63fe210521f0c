"""The Prometheus alert rules (ops/prometheus/alerts.yml; FAULTS.md rows 16, 22, 24, 27).

- `promtool check rules` and `promtool test rules ops/prometheus/alerts_test.yml`: each alert
  fires on synthetic series of its fault after its `for`, with its labels and rendered
  annotations, and stays silent on a healthy neighbour. promtool is Debian's `prometheus`
  package (`make setup` installs it as root); the test is skipped only when it is missing and
  the run is not root.
- Every metric a rule reads is exported, under that name and with the labels the rule filters
  on, by a real node (`registry-node serve`, indexer in process) and a real push server
  (`oracle serve`) scraped over HTTP: renaming a metric or a label breaks this test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from oracle_pipeline_support import SALT, green_travel_scenario, make_oracle
from pg_cluster import free_port
from prometheus_client.parser import text_string_to_metric_families
from test_node_tx_support import (  # noqa: F401  (fixture)
    KeyFiles,
    auth,
    base_settings,
    methodology_body,
    token,
    tx_keyfiles_fixture,
)

from carbon_chain.devchain import DevRegistry
from oracle.sources.push import sign_push

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "ops" / "prometheus" / "alerts.yml"
RULE_TESTS = ROOT / "ops" / "prometheus" / "alerts_test.yml"
BIN = Path(sys.executable).parent
# Series Prometheus makes itself (scrape health), not exported by our processes.
SCRAPE_SERIES = {"up"}
# Labels Prometheus attaches at scrape time.
TARGET_LABELS = {"job", "instance"}
# Label values that only appear under a fault (a healthy scrape has no 5xx).
FAULT_LABELS = {"status"}
_AGGREGATION = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_TOKEN = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)\s*(\{[^}]*\})?")
_MATCHER = re.compile(r'(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"}
_KEYWORDS |= {"group_left", "group_right"}


def promtool() -> str:
    """Path of promtool, or skip (not root) / fail (root: `make setup` installs it)."""
    path = shutil.which("promtool")
    if path is not None:
        return path
    if os.geteuid() != 0:
        pytest.skip("promtool not found: install Debian's `prometheus` package (make setup)")
    pytest.fail("promtool not found: run `make setup` (installs Debian's `prometheus` as root)")


def test_rules_pass_promtool_unit_tests() -> None:
    tool = promtool()
    for argv in (["check", "rules", str(RULES)], ["test", "rules", str(RULE_TESTS)]):
        done = subprocess.run(
            [tool, *argv], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
    # every alert has a unit test that expects it to fire
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    tested = {
        case["alertname"]
        for group in tests
        for case in group["alert_rule_test"]
        if case.get("exp_alerts")
    }
    assert tested == set(alerts()), set(alerts()) ^ tested


# ---------------------------------------------------------------------- rules → metric names
@dataclass(frozen=True)
class Selector:
    """A metric a rule reads and its label matchers (label, operator, value)."""

    alert: str
    metric: str
    matchers: tuple[tuple[str, str, str], ...]


def alerts() -> dict[str, dict[str, Any]]:
    """The rules of alerts.yml by alert name."""
    groups = yaml.safe_load(RULES.read_text())["groups"]
    rules = {rule["alert"]: rule for group in groups for rule in group["rules"]}
    for name, rule in rules.items():
        assert rule["labels"]["severity"] in ("warning", "critical"), name
        assert rule["annotations"]["summary"] and rule["annotations"]["description"], name
    return rules


def selectors(alert: str, expr: str) -> list[Selector]:
    """The metric selectors of a PromQL expression (functions, keywords, labels left out)."""
    text = re.sub(r"\[[^\]]*\]", " ", expr)  # range durations
    text = _AGGREGATION.sub(" ", text)  # by (...), on (...), group_left (...)
    found = []
    for match in _TOKEN.finditer(text):
        name, braces = match.group(1), match.group(2) or ""
        rest = text[match.end() :].lstrip()
        if name in _KEYWORDS or rest.startswith("("):
            continue
        matchers = tuple(_MATCHER.findall(braces))
        found.append(Selector(alert, name, matchers))
    return found


def rule_selectors() -> list[Selector]:
    out = [s for name, rule in alerts().items() for s in selectors(name, rule["expr"])]
    assert {s.alert for s in out} == set(alerts())  # every rule reads some metric
    return out


def test_selector_parser_finds_metrics_not_functions_or_labels() -> None:
    expr = (
        'sum by (job, instance) (rate(registry_http_requests_total{method="POST", '
        'route=~"/v1/tx/.+", status=~"5.."}[5m])) > 0.05 unless on (job) '
        "group_left () (0.5 * oracle_push_max_skew_seconds) and changes(up[5m]) == 0"
    )
    assert selectors("a", expr) == [
        Selector(
            "a",
            "registry_http_requests_total",
            (("method", "=", "POST"), ("route", "=~", "/v1/tx/.+"), ("status", "=~", "5..")),
        ),
        Selector("a", "oracle_push_max_skew_seconds", ()),
        Selector("a", "up", ()),
    ]


# ---------------------------------------------------------------------- real processes
Samples = dict[str, list[dict[str, str]]]


def scrape(url: str) -> Samples:
    """GET /metrics and return sample name → the label sets it is exported with."""
    r = httpx.get(f"{url}/metrics", timeout=10)
    assert r.status_code == 200, r.text
    samples: Samples = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(dict(sample.labels))
    return samples


def _start(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        argv,
        env={**os.environ, **env},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _wait_http(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(f"{url}/metrics", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"{url} did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture
def node_url(dev: DevRegistry, tmp_path: Path, tx_keyfiles: KeyFiles) -> Iterator[str]:
    """A `registry-node serve` process (indexer in process, signing key `agency`), after a
    signing request, reads and a full index of the chain."""
    settings = base_settings(tmp_path, dev, tx_keyfiles, run_indexer=True, poll_interval=0.1)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "REGISTRY_NODE_DATABASE_URL": settings.database_url,
        "REGISTRY_NODE_RPC_URL": settings.rpc_url,
        "REGISTRY_NODE_MANIFEST_PATH": str(settings.manifest_path),
        "REGISTRY_NODE_POLL_INTERVAL": "0.1",
        "REGISTRY_NODE_KEYSTORE_DIR": str(tx_keyfiles.directory),
        "REGISTRY_NODE_KEYSTORE_PASSWORD_FILE": str(tx_keyfiles.password_file),
        "REGISTRY_NODE_SIGNING_KEYS": json.dumps({"agency": {"role": "agency"}}),
    }
    log = tmp_path / "node.log"
    proc = _start([str(BIN / "registry-node"), "serve", "--port", str(port)], env, log)
    try:
        _wait_http(url, proc, log)
        tok = token(settings, "agency", "register_methodology")
        r = httpx.post(
            f"{url}/v1/tx/register_methodology",
            json=methodology_body("WHCI-ALERT-1"),
            headers=auth(tok),
            timeout=30,
        )
        assert r.status_code == 200, r.text
        head = dev.w3.eth.block_number
        deadline = time.monotonic() + 30
        while httpx.get(f"{url}/health", timeout=5).json()["indexed_block"] != head:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        assert httpx.get(f"{url}/v1/methodologies", timeout=5).status_code == 200
        yield url
    finally:
        _stop(proc)


@pytest.fixture
def oracle_url(dev: DevRegistry, tmp_path: Path) -> Iterator[str]:
    """An `oracle serve` process after one refused (clock skew) and one accepted push."""
    scenario = green_travel_scenario(dev, participants=3, register=False)
    oracle = make_oracle(dev, tmp_path)  # prepares the store `oracle serve` opens
    oracle.add_project(scenario.project_id)
    oracle.enroll("metro-co", scenario.users)
    oracle.open_run(scenario.project_id, scenario.start, scenario.end)
    manifest = tmp_path / "oracle-deployment.json"
    dev.deployment.save(manifest)
    s = oracle.settings
    env = {
        "ORACLE_DATABASE_URL": s.database_url,
        "ORACLE_PUBLISH_DIR": str(s.publish_dir),
        "ORACLE_SIGNATURES_DIR": str(s.signatures_dir),
        "ORACLE_INPUTS_DIR": str(s.inputs_dir),
        "ORACLE_PSEUDONYM_SALT": SALT,
        "ORACLE_MANIFEST": str(manifest),
        "ORACLE_PARTNER_KEYS": json.dumps({"metro-co": "metro-hmac-key"}),
        "ORACLE_PARTNER_FEEDS": json.dumps({"metro-co": "metro"}),
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "oracle.log"
    proc = _start([str(BIN / "oracle"), "serve", "--port", str(port)], env, log)
    try:
        _wait_http(url, proc, log)
        good = {
            "record_id": "alert-1",
            "user_id": scenario.users[0][0],
            "project_id": scenario.project_id,
            "methodology": "WHCI-GT-001",
            "methodology_version": 1,
            "occurred_at": scenario.start + 60,
            "mode": "METRO",
            "passenger_km": 4.2,
            "unit": "pkm",
        }
        bad = {**good, "record_id": "alert-2", "passenger_km": -1}
        body = json.dumps({"records": [good, bad]}).encode()
        for nonce, stamp, expected in (
            ("alert-nonce-1", int(time.time()) - 3600, 401),
            ("alert-nonce-2", int(time.time()), 200),
        ):
            headers = {
                "X-Partner": "metro-co",
                "X-Timestamp": str(stamp),
                "X-Nonce": nonce,
                "X-Signature": sign_push(b"metro-hmac-key", stamp, nonce, body),
                "Content-Type": "application/json",
            }
            r = httpx.post(
                f"{url}/v1/projects/{scenario.project_id}/records",
                content=body,
                headers=headers,
                timeout=30,
            )
            assert r.status_code == expected, r.text
        yield url
    finally:
        _stop(proc)


@pytest.mark.chain
def test_every_metric_the_rules_read_is_exported(node_url: str, oracle_url: str) -> None:
    exported = {**scrape(node_url), **scrape(oracle_url)}
    used = rule_selectors()
    names = {s.metric for s in used} - SCRAPE_SERIES
    # the parser found the rules' metrics (a sanity floor, not the list itself)
    assert {"registry_chain_head_block", "oracle_push_clock_skew_seconds"} <= names, names
    missing = sorted(names - set(exported))
    assert not missing, f"rules read metrics no process exports: {missing}"
    for s in used:
        if s.metric in SCRAPE_SERIES:
            continue
        label_sets = exported[s.metric]
        for label, op, value in s.matchers:
            if label in TARGET_LABELS:
                continue
            assert any(label in labels for labels in label_sets), (s, label_sets[:3])
            if label in FAULT_LABELS:
                continue
            hit = any(_matches(op, value, labels.get(label, "")) for labels in label_sets)
            assert hit, f"{s.alert}: no {s.metric} sample has {label}{op}{value!r}"


def _matches(op: str, pattern: str, value: str) -> bool:
    if op == "=":
        return value == pattern
    if op == "!=":
        return value != pattern
    found = re.fullmatch(pattern, value) is not None
    return found if op == "=~" else not found
