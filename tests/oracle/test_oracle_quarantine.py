"""Bad records of every kind are quarantined with a located reason; nothing is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from oracle_pipeline_support import METRO_HEADER, settings_for

from carbon_chain.manifest import Deployment
from oracle.errors import InputError, StateError
from oracle.service import Oracle
from oracle.store import Store

START, END = 1_714_521_600, 1_717_200_000  # May 2024, UTC
GOOD = f"{{rid}},alice,7,WHCI-GT-001,1,{START + 3600},METRO,12.5,pkm\n"
DEPLOYMENT = Deployment(
    chain_id=31337,
    registry="0x5FbDB2315678afecb367f032d93F642f64180aa3",
    ledger="0xe7f1725E7734CE288F8367e1Bb143E5a53cb2F05",
    market="0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    deploy_block=1,
    deploy_block_hash="0x" + "00" * 32,
    compiler="0.8.28",
    abi_hashes={},
)


@pytest.fixture
def oracle(tmp_path: Path) -> Oracle:
    settings = settings_for(tmp_path)
    service = Oracle(settings, Store(settings.database_url), DEPLOYMENT)
    service.add_project(7, "WHCI-GT-001", 1)
    service.add_project(8, "WHCI-GT-001", 1)
    service.enroll("metro", [("alice", "0x" + "11" * 20), ("bob", "0x" + "22" * 20)])
    return service


BAD_CSV_ROWS = {
    "parse": "x1,alice,7\n",
    "schema": f"x2,alice,7,WHCI-GT-001,1,{START},METRO,,pkm\n",
    "type": "x3,alice,7,WHCI-GT-001,1,yesterday,METRO,1.5,pkm\n",
    "unit": f"x4,alice,7,WHCI-GT-001,1,{START},METRO,1.5,km\n",
    "range": f"x5,alice,7,WHCI-GT-001,1,{START},METRO,-3,pkm\n",
    "range2": f"x6,alice,7,WHCI-GT-001,1,{START},METRO,100001,pkm\n",
    "value": f"x7,alice,7,WHCI-GT-001,1,{START},CAR,1.5,pkm\n",
    "value2": f"x8,alice,7,WHCI-GT-001,1,{START},METRO,NaN,pkm\n",
    "period": f"x9,alice,7,WHCI-GT-001,1,{END},METRO,1.5,pkm\n",
    "methodology": f"x10,alice,7,WHCI-XX-001,1,{START},METRO,1.5,pkm\n",
    "project": f"x11,alice,99,WHCI-GT-001,1,{START},METRO,1.5,pkm\n",
    "project2": f"x12,alice,8,WHCI-GT-001,1,{START},METRO,1.5,pkm\n",
    "participant": f"x13,mallory,7,WHCI-GT-001,1,{START},METRO,1.5,pkm\n",
    "duplicate": GOOD.format(rid="ok1"),
}


def test_every_kind_of_bad_record_lands_in_quarantine(oracle: Oracle, tmp_path: Path) -> None:
    run_id = oracle.open_run(7, START, END)
    csv = METRO_HEADER + GOOD.format(rid="ok1") + "".join(BAD_CSV_ROWS.values())
    path = tmp_path / "metro.csv"
    path.write_text(csv)
    summary = oracle.ingest_file(run_id, "metro", path)
    assert (summary.lines, summary.accepted, summary.quarantined) == (15, 1, 14)
    quarantined = oracle.quarantine(run_id)
    by_line = {q["line"]: q for q in quarantined}
    for line, kind in enumerate(BAD_CSV_ROWS, start=3):
        entry = by_line[line]
        assert entry["code"] == kind.rstrip("2"), (kind, entry)
        assert entry["reason"].startswith(f"line {line}: ")
        assert "mallory" not in entry["reason"] and "alice" not in entry["reason"]
    assert "above the cap" in by_line[8]["reason"]
    assert "unknown project 99" in by_line[13]["reason"]
    assert "duplicate" in by_line[16]["reason"]
    # Re-ingesting the same bytes changes nothing.
    again = oracle.ingest_file(run_id, "metro", path)
    assert again.already_ingested and (again.accepted, again.quarantined) == (1, 14)
    assert len(oracle.quarantine(run_id)) == 14
    status = oracle.status(run_id)
    assert (status["accepted"], status["quarantined"]) == (1, 14)


def test_jsonl_bad_lines_are_quarantined_too(oracle: Oracle, tmp_path: Path) -> None:
    run_id = oracle.open_run(7, START, END)
    base = (
        '"record_id":"{rid}","user_id":"bob","project_id":7,"methodology":"WHCI-GT-001",'
        '"methodology_version":1,"occurred_at":"2024-05-02T08:00:00+08:00","mode":"BUS",'
    )
    lines = [
        "{" + base.format(rid="j1") + '"passenger_km":3.25,"unit":"pkm"}',
        "{" + base.format(rid="j2") + '"passenger_km":NaN,"unit":"pkm"}',
        "{" + base.format(rid="j3") + '"passenger_km":true,"unit":"pkm"}',
        "{" + base.format(rid="j4") + '"passenger_km":"1","unit":"pkm","extra":1}',
        "[1, 2]",
        "{" + base.format(rid="j5").replace("+08:00", "") + '"passenger_km":1,"unit":"pkm"}',
        "{" + base.format(rid="j6") + '"passenger_km":1.5,"unit":"t"}',
    ]
    path = tmp_path / "metro.jsonl"
    path.write_bytes(("\n".join(lines) + "\n\n").encode() + b"\xff\xfe\n")
    summary = oracle.ingest_file(run_id, "metro", path)
    assert (summary.lines, summary.accepted, summary.quarantined) == (8, 1, 7)
    codes = {q["line"]: q["code"] for q in oracle.quarantine(run_id)}
    assert codes == {2: "parse", 3: "type", 4: "schema", 5: "parse", 6: "value", 7: "unit",
                     9: "parse"}  # fmt: skip


def test_unreadable_input_and_closed_runs_are_refused(oracle: Oracle, tmp_path: Path) -> None:
    run_id = oracle.open_run(7, START, END)
    with pytest.raises(InputError):
        oracle.ingest(run_id, "metro", b"\xff\xfe" + METRO_HEADER.encode(), _csv(), "bad.csv")
    path = tmp_path / "ok.csv"
    path.write_text(METRO_HEADER + GOOD.format(rid="ok1"))
    oracle.ingest_file(run_id, "metro", path)
    oracle.compute(run_id)
    late = tmp_path / "late.csv"
    late.write_text(METRO_HEADER + GOOD.format(rid="ok2"))
    with pytest.raises(StateError, match="no longer accepts"):
        oracle.ingest_file(run_id, "metro", late)
    with pytest.raises(StateError, match="overlaps"):
        oracle.open_run(7, START + 1, END + 1)


def _csv():  # type: ignore[no-untyped-def]
    from oracle.sources import InputFormat

    return InputFormat.CSV
