"""Ingest → compute → publish of a fixed input gives pinned bytes, whichever ingest path runs.

The inputs mix good lines with bad ones of every kind, CRLF and LF endings, a byte-order mark,
quoted cells, ISO and unix times, JSON numbers and duplicates across inputs. The pinned hashes
were taken from the first (sequential) implementation, so a faster ingest that changes a
single accepted line, quarantine reason, published byte or the evidence hash fails here.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest
from oracle_pipeline_support import METRO_HEADER, settings_for

from carbon_chain.manifest import Deployment
from oracle import ingest as ingest_module
from oracle.publish import QUARANTINE_FILE, RECORDS_FILE
from oracle.service import Oracle
from oracle.store import Store

START, END = 1_714_521_600, 1_717_200_000  # May 2024, UTC
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
USERS = [f"user-{i:03d}" for i in range(40)]

# sha256 of: the quarantine list with reasons, the ingest summaries, the stored records' columns.
PINNED_EVIDENCE_HASH = "0x24127690b285659f2008716c892389f27e0cdf9eafec20c81416a507a44afe96"
PINNED_QUARANTINE_SHA256 = "d0bf6e2401661a7b90ac7e783ffcdee44c9582eb1acd1a179343a1e576e7e323"
PINNED_SUMMARIES = "67278fcb497963d323db48153623023883d5e9f59553dcbe0e1e641757cc5ad4"
PINNED_RECORDS_SHA256 = "b05b109e86a09f55a344de4297203699507ccea6b01ef4e9d1d6790faea25df5"


def _good(rng: random.Random, rid: str) -> str:
    user = rng.choice(USERS)
    km = rng.randrange(0, 60_000)
    when = rng.randrange(START, END)
    moment = str(when) if rng.random() < 0.8 else _iso(when)
    mode = rng.choice(("METRO", "BUS"))
    return f"{rid},{user},7,WHCI-GT-001,1,{moment},{mode},{km // 1000}.{km % 1000:03d},pkm"


def _iso(when: int) -> str:
    from datetime import UTC, datetime, timedelta, timezone

    return datetime.fromtimestamp(when, UTC).astimezone(timezone(timedelta(hours=8))).isoformat()


BAD = [
    "x1,user-001,7",
    f"x2,user-001,7,WHCI-GT-001,1,{START},METRO,,pkm",
    "x3,user-001,7,WHCI-GT-001,1,yesterday,METRO,1.5,pkm",
    f"x4,user-001,7,WHCI-GT-001,1,{START},METRO,1.5,km",
    f"x5,user-001,7,WHCI-GT-001,1,{START},METRO,-3,pkm",
    f"x6,user-001,7,WHCI-GT-001,1,{START},METRO,100001,pkm",
    f"x7,user-001,7,WHCI-GT-001,1,{START},METRO,1.1234567,pkm",
    f"x8,user-001,7,WHCI-GT-001,1,{START},CAR,1.5,pkm",
    f"x9,user-001,7,WHCI-GT-001,1,{START},METRO,NaN,pkm",
    f"x10,user-001,7,WHCI-GT-001,1,{START},METRO,1e3,pkm",
    f"x11,user-001,7,WHCI-GT-001,1,{END},METRO,1.5,pkm",
    f"x12,user-001,7,WHCI-GT-001,1,{START - 1},METRO,1.5,pkm",
    f"x13,user-001,7,WHCI-XX-001,1,{START},METRO,1.5,pkm",
    f"x14,user-001,7,WHCI-CY-001,1,{START},METRO,1.5,pkm",
    f"x15,user-001,7,WHCI-GT-001,2,{START},METRO,1.5,pkm",
    f"x16,user-001,99,WHCI-GT-001,1,{START},METRO,1.5,pkm",
    f"x17,user-001,8,WHCI-GT-001,1,{START},METRO,1.5,pkm",
    f"x18,mallory,7,WHCI-GT-001,1,{START},METRO,1.5,pkm",
    f"bad id!,user-001,7,WHCI-GT-001,1,{START},METRO,1.5,pkm",
    f"x19,user-001,07,WHCI-GT-001,01,{START},METRO,01.50,pkm",
    "x20,user-001,7,WHCI-GT-001,1,2024-05-02T08:00:00,METRO,1.5,pkm",
    f"x21,user-001,7,WHCI-GT-001,1,{START},METRO, 1.5,pkm",
    f"x22,user-001,7,WHCI-GT-001,1,{START},METRO,1.5,pkm,extra",
    f"x23,,7,WHCI-GT-001,1,{START},METRO,1.5,pkm",
]


def _csv_input(seed: int, prefix: str, count: int, *, crlf: bool, bom: bool) -> bytes:
    rng = random.Random(seed)
    lines = [_good(rng, f"{prefix}{i:04d}") for i in range(count)]
    for offset, bad in enumerate(BAD):
        lines.insert(7 + offset * 11, bad.replace("x", prefix + "x", 1))
    lines.insert(40, lines[3])  # duplicate inside the input
    lines.insert(90, "")  # a blank line is neither accepted nor quarantined
    end = "\r\n" if crlf else "\n"
    text = METRO_HEADER.rstrip("\n") + end + end.join(lines) + end
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def _jsonl_input() -> bytes:
    rng = random.Random(5)
    rows: list[str] = []
    for i in range(60):
        record = {
            "record_id": f"j{i:03d}",
            "user_id": rng.choice(USERS),
            "project_id": 7,
            "methodology": "WHCI-GT-001",
            "methodology_version": 1,
            "occurred_at": rng.randrange(START, END),
            "mode": rng.choice(("METRO", "BUS")),
            "passenger_km": rng.randrange(0, 40_000) / 1000,
            "unit": "pkm",
        }
        rows.append(json.dumps(record))
    rows[5] = rows[5].replace('"unit": "pkm"', '"unit": "km"')
    rows[9] = rows[9].replace('"project_id": 7', '"project_id": true')
    rows[13] = "[1, 2]"
    rows[17] = rows[17].replace('"record_id": "j017"', '"record_id": "a0003"')  # across inputs
    return ("\n".join(rows) + "\n").encode()


def _run(tmp_path: Path, workers: int) -> tuple[str, str, str, str, Path]:
    settings = settings_for(tmp_path).model_copy(update={"ingest_workers": workers})
    oracle = Oracle(settings, Store(settings.database_url), DEPLOYMENT)
    oracle.add_project(7, "WHCI-GT-001", 1)
    oracle.add_project(8, "WHCI-GT-001", 1)
    oracle.enroll("metro", [(user, f"0x{0xA11CE0 + i:040x}") for i, user in enumerate(USERS)])
    run_id = oracle.open_run(7, START, END)
    inputs = {
        "a.csv": _csv_input(1, "a", 400, crlf=False, bom=False),
        "b.csv": _csv_input(2, "b", 300, crlf=True, bom=True),
        # Quoted cells (a quoted comma and a quoted line break) and a repeated id from a.csv.
        "c.csv": (
            METRO_HEADER
            + f'c1,"user-002",7,WHCI-GT-001,1,{START + 5},"METRO",2.5,pkm\n'
            + f'c2,"user-003",7,WHCI-GT-001,1,{START + 6},"BU\nS",2.5,pkm\n'
            + f'c3,"user,004",7,WHCI-GT-001,1,{START + 7},METRO,2.5,pkm\n'
            + f"a0001,user-005,7,WHCI-GT-001,1,{START + 8},METRO,2.5,pkm\n"
        ).encode(),
        "d.jsonl": _jsonl_input(),
    }
    summaries = []
    for name, data in inputs.items():
        path = tmp_path / name
        path.write_bytes(data)
        summaries.append(oracle.ingest_file(run_id, "metro", path).as_dict())
        again = oracle.ingest_file(run_id, "metro", path)
        assert again.already_ingested and again.accepted == summaries[-1]["accepted"]
    oracle.compute(run_id)
    folder = oracle.publish(run_id)
    status = oracle.status(run_id)
    quarantine = json.dumps(oracle.quarantine(run_id), sort_keys=True).encode()
    with oracle.store.engine.connect() as connection:
        stored = connection.exec_driver_sql(
            "SELECT input_sha256, line, source, record_id, pseudonym, account, occurred_at, "
            "fields, grams FROM records ORDER BY input_sha256, line"
        ).all()
    oracle.store.dispose()
    return (
        str(status["evidence_hash"]),
        hashlib.sha256(quarantine).hexdigest(),
        hashlib.sha256(json.dumps(summaries, sort_keys=True).encode()).hexdigest(),
        hashlib.sha256(repr([tuple(row) for row in stored]).encode()).hexdigest(),
        folder,
    )


@pytest.mark.parametrize(
    ("chunked", "workers"),
    [(False, 0), (True, 0), (True, 1), (True, 2)],
    ids=["whole", "chunked", "one-worker", "two-workers"],
)
def test_fixed_inputs_give_the_pinned_evidence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunked: bool, workers: int
) -> None:
    if chunked:
        # Cut even these small inputs into many chunks, checked by the workers if any.
        monkeypatch.setattr(ingest_module, "CHUNK_BYTES", 1500)
        monkeypatch.setattr(ingest_module, "_LINES_PER_CHUNK", 37)
        monkeypatch.setattr(ingest_module, "PARALLEL_MIN_BYTES", 0)
    evidence, quarantine, summaries, records, folder = _run(tmp_path, workers)
    assert (folder / RECORDS_FILE).exists() and (folder / QUARANTINE_FILE).exists()
    assert folder.name == evidence.removeprefix("0x")
    assert evidence == PINNED_EVIDENCE_HASH
    assert quarantine == PINNED_QUARANTINE_SHA256
    assert summaries == PINNED_SUMMARIES
    assert records == PINNED_RECORDS_SHA256
