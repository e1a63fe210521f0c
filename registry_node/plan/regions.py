"""Paired-assistance regions (对口帮扶): which project regions a retirement plan prefers.

The list is a setting, ``REGISTRY_NODE_PAIRED_ASSISTANCE_REGIONS`` (a JSON list of GB/T 2260
codes, default ``[422800, 420528]``: Enshi prefecture and Wufeng county). A prefecture code
(``xxxx00``) covers every county under it (``xxxxyy``); a county code covers only itself.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_PAIRED_REGIONS: Final[tuple[int, ...]] = (422800, 420528)

# Names of the regions the registry shows (GB/T 2260), (zh, en): Hubei, Wuhan and its districts,
# the paired-assistance regions and their counties, and partner platforms' cities.
REGION_NAMES: Final[dict[int, tuple[str, str]]] = {
    420000: ("湖北省", "Hubei"),
    420100: ("武汉市", "Wuhan"),
    420102: ("江岸区", "Jiang'an"),
    420103: ("江汉区", "Jianghan"),
    420104: ("硚口区", "Qiaokou"),
    420105: ("汉阳区", "Hanyang"),
    420106: ("武昌区", "Wuchang"),
    420107: ("青山区", "Qingshan"),
    420111: ("洪山区", "Hongshan"),
    420112: ("东西湖区", "Dongxihu"),
    420113: ("汉南区", "Hannan"),
    420114: ("蔡甸区", "Caidian"),
    420115: ("江夏区", "Jiangxia"),
    420116: ("黄陂区", "Huangpi"),
    420117: ("新洲区", "Xinzhou"),
    440300: ("深圳市", "Shenzhen"),
    422800: ("恩施土家族苗族自治州", "Enshi"),
    422801: ("恩施市", "Enshi City"),
    422802: ("利川市", "Lichuan"),
    422822: ("建始县", "Jianshi"),
    422823: ("巴东县", "Badong"),
    422825: ("宣恩县", "Xuan'en"),
    422826: ("咸丰县", "Xianfeng"),
    422827: ("来凤县", "Laifeng"),
    422828: ("鹤峰县", "Hefeng"),
    420528: ("五峰土家族自治县", "Wufeng"),
}


class PairedAssistanceSettings(BaseSettings):
    """The node's paired-assistance list (read from the environment, like the node's settings)."""

    model_config = SettingsConfigDict(
        env_prefix="REGISTRY_NODE_", env_file=".env", extra="ignore", frozen=True
    )
    paired_assistance_regions: tuple[int, ...] = Field(
        default=DEFAULT_PAIRED_REGIONS,
        description=(
            "GB/T 2260 codes of paired-assistance regions; a prefecture code xxxx00 covers "
            "its counties"
        ),
    )

    @field_validator("paired_assistance_regions")
    @classmethod
    def _six_digits(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        for code in value:
            if not 100000 <= code <= 999999:
                raise ValueError(f"{code} is not a 6-digit GB/T 2260 region code")
        return value


@lru_cache(maxsize=1)
def paired_regions() -> frozenset[int]:
    """Return the configured paired-assistance region codes (read once per process)."""
    return frozenset(PairedAssistanceSettings().paired_assistance_regions)


def is_paired(region: int, regions: frozenset[int] | None = None) -> bool:
    """Return whether a project region is (under) a paired-assistance region."""
    codes = paired_regions() if regions is None else regions
    if region in codes:
        return True
    prefecture = region // 100 * 100
    return prefecture != region and prefecture in codes


def region_name(region: int, lang: str = "zh") -> str | None:
    """Return the name of a region, None when not listed."""
    pair = REGION_NAMES.get(region)
    if pair is None:
        return None
    return pair[0] if lang == "zh" else pair[1]
