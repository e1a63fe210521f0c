"""The public registry explorer: server-rendered pages (Chinese, English toggle) and CSV exports.

Pages read through the domain services; the only SQL here is the explorer's own lookups
(`repository.py`: a transaction's logs, the market's compliance years, imports, redemptions).
The use-side pages (`use_pages.py`) import helpers from `pages.py`; their routes join
`pages.router` here, whichever module is imported first.
"""

from registry_node.explorer import pages as _pages
from registry_node.explorer import use_pages as _use_pages

_pages.router.include_router(_use_pages.router)
