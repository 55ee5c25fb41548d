#!/usr/bin/env python3
"""Checks every .onnx file in a directory with Debian's python3-onnx (1.12):

    /usr/bin/python3 tools/check_onnx.py DIR

runs onnx.checker.check_model(onnx.load(f), full_check=True) (full_check also runs shape inference) on each file and
prints one line per file: name, OK or the checker's error, the opset, the node count, the initializers' bytes and their
floating values (parameters and constant filters; int64 shape constants are not counted), and bytes per value (4 for a
float32 model without duplicated weights). Exit status 1 when a file fails. The models come from the tests:

    NETDSL_ONNX_DUMP=/tmp/onnx dotnet test Generator.Tests --filter OnnxKernelTests
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

FLOATING = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.FLOAT16}


def describe(path):
    model = onnx.load(path)
    try:
        onnx.checker.check_model(model, full_check=True)
        status = "OK"
    except Exception as e:  # the checker's own message, first line
        status = "FAIL " + str(e).strip().splitlines()[0]
    opset = ",".join(str(o.version) for o in model.opset_import if o.domain in ("", "ai.onnx"))
    floating = [t for t in model.graph.initializer if t.data_type in FLOATING]
    values = sum(int(np.prod(t.dims)) if len(t.dims) else 1 for t in floating)
    nbytes = sum(numpy_helper.to_array(t).nbytes for t in floating)
    per = f"{nbytes / values:.2f}" if values else "-"
    return status, (f"{os.path.basename(path)}: {status}, opset {opset}, {len(model.graph.node)} nodes, "
                    f"{nbytes} initializer bytes / {values} values ({per} bytes per value)")


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: check_onnx.py DIR")
    files = sorted(f for f in os.listdir(sys.argv[1]) if f.endswith(".onnx"))
    if not files:
        sys.exit(f"no .onnx files in {sys.argv[1]}")
    failed = 0
    for f in files:
        status, line = describe(os.path.join(sys.argv[1], f))
        failed += status != "OK"
        print(line)
    print(f"onnx {onnx.__version__}: {len(files) - failed} of {len(files)} files pass check_model(full_check=True)")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
