"""How long a Tab press may take: about 1 s, or ``KITARU_COMPLETION_TIMEOUT`` seconds.

A slow link to the server (a VPN, another continent) may need more than a second to list
names; a user who would rather wait sets the variable. A value that is not a number of
seconds between 0.2 and 60 is ignored (a completion never reports).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

VARIABLE = "KITARU_COMPLETION_TIMEOUT"
DEFAULT_S = 1.0
LOWEST_S, HIGHEST_S = 0.2, 60.0


def scale(environ: Mapping[str, str] = os.environ) -> float:
    """The factor every completion deadline is multiplied by (1.0 by default)."""
    try:
        seconds = float(environ.get(VARIABLE, ""))
    except ValueError:
        return 1.0
    if not math.isfinite(seconds) or not LOWEST_S <= seconds <= HIGHEST_S:
        return 1.0
    return seconds / DEFAULT_S
