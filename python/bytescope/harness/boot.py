"""Starts a worker: ``python .../bytescope/harness/boot.py SPEC_JSON``.

Run as a file (not ``-c``) so that even the worker's outermost frame is the harness's own and is left out of the
entry's tracebacks and allocation sites like every other harness frame.
"""

import os
import sys

# Python put this file's directory first on sys.path; the directory holding the bytescope package goes there instead.
sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bytescope.harness.worker import main  # noqa: E402 - needs the sys.path fix above

main(sys.argv[1:])
