#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Runs requests through the kernel's own YNL library (tools/net/ynl/lib, what
cli.py wraps) in one process, so that a guest under emulation starts Python
once: each line of STEPS is {"do" or "dump": OPERATION, "json": ATTRIBUTES};
each result is printed as one JSON line, {"reply": ...} or {"error": "..."}.

    ynl_steps.py YNL_DIR SPEC SCHEMA STEPS
"""

import json
import sys

sys.path.insert(0, sys.argv[1])
from lib import NlError, YnlFamily  # noqa: E402


def plain(obj):
    if isinstance(obj, bytes):
        return obj.hex()
    if isinstance(obj, set):
        return sorted(obj)
    raise TypeError(type(obj))


def main():
    ynl = YnlFamily(sys.argv[2], sys.argv[3])
    with open(sys.argv[4]) as f:
        steps = [json.loads(line) for line in f if line.strip()]
    for step in steps:
        try:
            if "do" in step:
                reply = ynl.do(step["do"], step.get("json", {}), None)
            else:
                reply = ynl.dump(step["dump"], step.get("json", {}))
            out = {"reply": reply}
        except NlError as e:
            out = {"error": str(e)}
        print(json.dumps(out, default=plain), flush=True)


if __name__ == "__main__":
    main()
