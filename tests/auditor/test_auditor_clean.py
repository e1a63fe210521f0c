"""A clean ledger audits clean; the report is deterministic; the participant check proves a leaf."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from auditor_ledger_support import AuditedLedger, failing

from auditor.cli import main
from carbon_chain.dataset import canonical_json


def test_clean_ledger_audits_clean(ledger: AuditedLedger) -> None:
    code, report = ledger.audit()
    assert failing(report) == set(), json.dumps(report["audit"]["checks"], indent=1)
    assert code == 0
    audit = report["audit"]
    assert audit["verdict"] == "clean"
    assert audit["summary"]["retirements"] == 3 and audit["summary"]["claims"] == 2
    # 2 by the agency, 1 compliance export, 3 expiry sweeps; 2 ordinary + 2 compliance locks.
    assert audit["summary"]["cancellations"] == 6 and audit["summary"]["locks"] == 4
    summary = audit["summary"]
    assert (summary["compliance_uses"], summary["imports"], summary["redemptions"]) == (2, 2, 1)
    assert summary["compliance_exported_grams"] == 4_000_000
    assert summary["imported_grams"] == 8_000_000 and summary["redeemed_grams"] == 500
    by_name = summary["events_by_name"]
    for name in ("ComplianceUseExported", "ComplianceUseReleased", "MarketConnected"):
        assert by_name[name] == 1
    assert by_name["CreditsImported"] == 2 and by_name["PointsRedeemed"] == 1
    checked = {c["name"]: c["checked"] for c in audit["checks"]}
    assert checked["import_attestations"] == checked["import_origin_serials"] == 2
    assert checked["compliance_caps"] == 2 and checked["redemptions"] == 1
    assert audit["chain"]["market"] == ledger.dev.deployment.market
    assert (ledger.out / "audit.html").read_text().count("pass") >= len(audit["checks"])


def test_two_runs_give_byte_identical_reports(ledger: AuditedLedger, tmp_path: Path) -> None:
    block = str(ledger.dev.w3.eth.block_number)
    code1, report = ledger.audit("--block", block, out=tmp_path / "one")
    ledger.dev.advance_time(60)  # new blocks after the audited one change nothing
    code2, _ = ledger.audit("--block", block, out=tmp_path / "two")
    one = (tmp_path / "one" / "audit.json").read_bytes()
    two = (tmp_path / "two" / "audit.json").read_bytes()
    assert (code1, code2) == (0, 0)
    assert one == two
    assert report["sha256"] == hashlib.sha256(canonical_json(report["audit"])).hexdigest()


def test_participant_check_shows_only_that_leaf(
    ledger: AuditedLedger, capsys: pytest.CaptureFixture[str]
) -> None:
    citizen = ledger.dev.actors.citizens[1].address
    others = [c.address for c in ledger.dev.actors.citizens if c.address != citizen]
    args = ["--rpc", ledger.rpc, "--manifest", str(ledger.manifest)]
    args += ["--datasets", str(ledger.datasets)]
    code = main(["participant", *args, "--account", citizen, "--batch", str(ledger.batches["gt"])])
    out = capsys.readouterr().out
    doc = json.loads(out)
    assert code == 0, doc
    assert doc["proven"] and doc["claimed"] and doc["leaf"]["grams"] == 2_000
    assert doc["proof_valid_under_batch_root"] and len(doc["proof"]) == 2
    assert not any(o.lower() in out.lower() for o in others)
    stranger = ledger.dev.actors.enterprise.address
    code = main(["participant", *args, "--account", stranger, "--batch", str(ledger.batches["gt"])])
    assert code == 1
    assert "no allocation" in json.loads(capsys.readouterr().out)["problems"][0]


def test_addresses_instead_of_a_manifest(ledger: AuditedLedger, tmp_path: Path) -> None:
    d = ledger.dev.deployment
    args = ["--rpc", ledger.rpc, "--datasets", str(ledger.datasets), "--quiet"]
    args += ["--registry", d.registry, "--ledger", d.ledger, "--deploy-block", str(d.deploy_block)]
    assert main([*args, "--out", str(tmp_path / "no-market")]) == 2  # the market is required
    assert main([*args, "--market", d.market, "--out", str(tmp_path / "a")]) == 0


def test_could_not_run_exits_2(
    ledger: AuditedLedger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = json.loads(ledger.manifest.read_text()) | {"chain_id": 1}
    bad = tmp_path / "wrong-chain.json"
    bad.write_text(json.dumps(wrong))
    args = ["--datasets", str(ledger.datasets), "--out", str(tmp_path / "x"), "--quiet"]
    assert main(["--rpc", ledger.rpc, "--manifest", str(bad), *args]) == 2
    assert "chain id" in capsys.readouterr().err
    assert main(["--rpc", "http://127.0.0.1:9", "--manifest", str(ledger.manifest), *args]) == 2
    assert "unreachable" in capsys.readouterr().err
