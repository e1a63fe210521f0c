"""Seeded synthetic activity data for `make demo` (generated on each run, never committed).

Everything here is a pure function of its arguments and a seed: the same seed gives the same
citizens, trips, meter readings and forest stands, byte for byte, so the oracle's evidence hash
is reproducible. Partner user ids are opaque (`mt-0000123`); the oracle turns them into salted
pseudonyms at ingestion. Citizens' carbon-account addresses come from keys derived from the seed
(their wallets; the demo never signs with them: claims are relayed by the platform).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eth_account import Account
from eth_utils.crypto import keccak

SEED = 20260101
METRO_HEADER = (
    "record_id,user_id,project_id,methodology,methodology_version,occurred_at,mode,"
    "passenger_km,unit\n"
)
GRID_HEADER = (
    "record_id,user_id,project_id,methodology,methodology_version,occurred_at,"
    "self_consumed_kwh,unit\n"
)
FORESTRY_HEADER = (
    "record_id,user_id,project_id,methodology,methodology_version,occurred_at,species,"
    "area_ha,annual_increment_m3_per_ha,period_days\n"
)


@dataclass(frozen=True)
class Citizen:
    """A pseudonymous citizen: the metro operator's user id and the carbon-account address."""

    user_id: str
    account: str


def citizen_key(index: int, seed: int = SEED) -> bytes:
    """Return the wallet key of citizen `index` (a demo stand-in for the citizen's own phone)."""
    return keccak(seed.to_bytes(8, "big") + index.to_bytes(8, "big"))


def citizens(count: int, seed: int = SEED) -> list[Citizen]:
    """Return `count` citizens whose accounts derive from `seed` (deterministic)."""
    return [
        Citizen(f"mt-{i:07d}", Account.from_key(citizen_key(i, seed)).address) for i in range(count)
    ]


def metro_trips_csv(
    people: list[Citizen], project_id: int, start: int, end: int, seed: int = SEED
) -> tuple[bytes, int]:
    """A month of metro and bus trips (the operator's feed); return (CSV bytes, rows).

    Most citizens ride a few times a week, some daily commuters twice a day, a few barely;
    metro trips are 3-25 km, bus trips 1-12 km, times spread over `[start, end)`.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic data, seeded on purpose)
    rows = [METRO_HEADER]
    span = end - start
    n = 0
    for person in people:
        habit = rng.random()
        trips = rng.randint(30, 44) if habit < 0.15 else rng.randint(0, 14)
        for _ in range(trips):
            when = start + rng.randrange(span)
            if rng.random() < 0.7:
                mode, km = "METRO", rng.randrange(3_000, 25_000) / 1000
            else:
                mode, km = "BUS", rng.randrange(1_000, 12_000) / 1000
            rows.append(
                f"mt{n:08d},{person.user_id},{project_id},WHCI-GT-001,1,{when},{mode},"
                f"{km:.3f},pkm\n"
            )
            n += 1
    return "".join(rows).encode(), n


def pv_readings_csv(
    site: str, project_id: int, start: int, end: int, kw_peak: float, seed: int = SEED
) -> tuple[bytes, int]:
    """Daily self-consumed output of one rooftop PV site over `[start, end)` (grid feed)."""
    rng = random.Random(seed + 1)  # noqa: S311 (synthetic data, seeded on purpose)
    rows = [GRID_HEADER]
    day, n = 86_400, 0
    for t in range(start, end - day + 1, day):
        sun_hours = rng.uniform(1.2, 4.8)  # Wuhan: ~1,100-1,300 full-load hours a year
        kwh = kw_peak * sun_hours * rng.uniform(0.80, 0.95)  # self-consumed share
        rows.append(
            f"pv-{site}-{n:04d},{site},{project_id},WHCI-PV-001,1,{t + 12 * 3600},{kwh:.3f},kWh\n"
        )
        n += 1
    return "".join(rows).encode(), n


def forest_stands_csv(
    owner: str, project_id: int, start: int, end: int, stands: int = 12, seed: int = SEED
) -> tuple[bytes, int]:
    """Sample-plot inventory of the project's stands over `[start, end)` (forestry feed)."""
    rng = random.Random(seed + 2)  # noqa: S311 (synthetic data, seeded on purpose)
    species = ("MASSON_PINE", "CHINESE_FIR", "OAK", "CYPRESS")
    days = (end - start) // 86_400
    rows = [FORESTRY_HEADER]
    for i in range(stands):
        rows.append(
            f"fc-{owner}-{i:03d},{owner},{project_id},WHCI-FC-001,1,{start + 86_400},"
            f"{rng.choice(species)},{rng.randrange(2_000, 12_000) / 100:.2f},"
            f"{rng.randrange(350, 900) / 100:.2f},{days}\n"
        )
    return "".join(rows).encode(), stands
