"""Write tests/data/records/: what the tool makes from every fixture (see tests/records.py).

    python tools/record_outputs.py          # (re)write every record from the code as it is
    python tools/record_outputs.py --check  # exit 1 if a record differs

Run it before a refactoring that must change nothing a user sees; tests/test_records.py then
compares the new code's output with the records, byte for byte.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.records import RECORD_MAKERS, RECORDS  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args()
    os.environ["XXGK_REPORT_CACHE"] = "off"
    differing = []
    for name, make in RECORD_MAKERS.items():
        with tempfile.TemporaryDirectory() as tmp:
            blob = make(Path(tmp))
        path = RECORDS / name
        if args.check:
            if not path.is_file() or path.read_bytes() != blob:
                differing.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)
    if not args.check:
        (RECORDS / "zlib.txt").write_text(zlib.ZLIB_RUNTIME_VERSION + "\n", encoding="ascii")
        print(f"{len(RECORD_MAKERS)} records written to {RECORDS}")
    for name in differing:
        print(f"differs: {name}")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
