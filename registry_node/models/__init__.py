"""Tables of the node: the index (`index`), the signing service's and the reference preimages.

Import this package (not the modules) so `Base.metadata` knows every table.
"""

from __future__ import annotations

from registry_node.models import index as index
from registry_node.reference import models as reference_models
from registry_node.tx import models as tx_models

__all__ = ["index", "reference_models", "tx_models"]
