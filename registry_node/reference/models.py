"""The preimages of reference hashes (e.g. a court case) that clients registered with this node.

Node data, not index data: the table is not in `INDEX_TABLES`, so an index rebuild keeps it.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry_node.db import Base


class ReferencePreimage(Base):
    """A reference text and its keccak256, the `referenceHash` a retirement carries."""

    __tablename__ = "reference_preimages"
    reference_hash: Mapped[str] = mapped_column(String(66), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), doc="court_case")
    text: Mapped[str] = mapped_column(Text, doc="the exact text hashed (UTF-8)")
    created_at: Mapped[int] = mapped_column(BigInteger, doc="unix seconds")
