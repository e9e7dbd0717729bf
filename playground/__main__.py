"""python -m playground: the same as the nn-playground command."""

from __future__ import annotations

import sys

from playground.launcher import main

sys.exit(main())
