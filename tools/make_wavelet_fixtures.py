#!/usr/bin/env python3
"""Write the wavelet fixtures of Generator.Tests/Wavelets from the real PyWavelets.

  Generator.Tests/Fixtures/wavelets/filters.json  dec_lo, dec_hi, rec_lo, rec_hi of every wavelet NetDsl knows
                                                   (printed with 17 significant digits), family, orthogonality
  Generator.Tests/Fixtures/wavelets/dwt2.json     pywt.dwt2 / pywt.idwt2 on small fixed inputs

The inputs are multiples of 1/8 drawn from a seeded generator and written out in the file, so the tests never
need Python. Run with the Debian interpreter: /usr/bin/python3 tools/make_wavelet_fixtures.py
"""
import json
import os
import numpy as np
import pywt

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Generator.Tests", "Fixtures", "wavelets")

NAMES = (["haar"] + ["db%d" % k for k in range(1, 21)] + ["sym%d" % k for k in range(2, 21)]
         + ["coif%d" % k for k in range(1, 6)])
BIOR = ["1.1", "1.3", "1.5", "2.2", "2.4", "2.6", "2.8", "3.1", "3.3", "3.5", "3.7", "3.9", "4.4", "5.5", "6.8"]
NAMES += ["bior" + b for b in BIOR] + ["rbio" + b for b in BIOR]

DWT_WAVELETS = ["haar", "db2", "db3", "sym4", "coif1", "bior1.3", "bior2.2", "rbio2.2"]
MAIN_MODES = ["zero", "periodization", "symmetric"]
EXTRA_MODES = ["constant", "reflect", "periodic"]


class Raw(str):
    """A number already formatted; json.dumps would quote a str, so numbers are spliced in by hand below."""


def dumps(obj, indent=0):
    pad = "  " * indent
    if isinstance(obj, dict):
        items = ['%s  "%s": %s' % (pad, k, dumps(v, indent + 1)) for k, v in obj.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and obj and isinstance(obj[0], dict):
        return "[\n" + ",\n".join(pad + "  " + dumps(v, indent + 1) for v in obj) + "\n" + pad + "]"
    if isinstance(obj, list):
        return "[" + ", ".join(dumps(v, indent) for v in obj) + "]"
    if isinstance(obj, Raw):
        return str(obj)
    return json.dumps(obj)


def num17(v):
    return Raw("%.17g" % float(v))


def num(v):
    # 15 significant digits: exact for the inputs, within 1e-14 relative for the results (tests use 1e-10)
    return Raw("%.15g" % float(v))


def matrix(a):
    return [[num(v) for v in r] for r in np.asarray(a, dtype=np.float64)]


def filters():
    doc = {"pywt": pywt.__version__, "wavelets": {}}
    for name in NAMES:
        w = pywt.Wavelet(name)
        doc["wavelets"][name] = {
            "family": w.family_name,
            "short_family": w.short_family_name,
            "orthogonal": bool(w.orthogonal),
            "dec_lo": [num17(v) for v in w.dec_lo],
            "dec_hi": [num17(v) for v in w.dec_hi],
            "rec_lo": [num17(v) for v in w.rec_lo],
            "rec_hi": [num17(v) for v in w.rec_hi],
        }
    return doc


def dwt_cases():
    rs = np.random.RandomState(20240611)
    inputs = {
        "x5x7": rs.randint(-64, 65, size=(5, 7)) / 8.0,
        "x8x8": rs.randint(-64, 65, size=(8, 8)) / 8.0,
        "x3x3": rs.randint(-64, 65, size=(3, 3)) / 8.0,
    }
    plan = []
    for w in DWT_WAVELETS:
        for m in MAIN_MODES:
            plan.append(("x5x7", w, m))
        for m in ["zero", "periodization"]:
            plan.append(("x8x8", w, m))
    for w in ["db2", "sym4", "bior2.2"]:
        for m in EXTRA_MODES:
            plan.append(("x5x7", w, m))
    # filters longer than the signal: pywt extends the input more than once
    for w in ["db3", "sym4"]:
        for m in MAIN_MODES + EXTRA_MODES:
            plan.append(("x3x3", w, m))

    cases = []
    for inp, w, m in plan:
        cA, (cH, cV, cD) = pywt.dwt2(inputs[inp], w, mode=m)
        case = {"input": inp, "wavelet": w, "mode": m, "cA": matrix(cA), "cH": matrix(cH),
                "cV": matrix(cV), "cD": matrix(cD)}
        if inp != "x8x8":  # pywt's inverse of its own transform, uncropped (odd sizes come back one longer)
            case["idwt2"] = matrix(pywt.idwt2((cA, (cH, cV, cD)), w, mode=m))
        cases.append(case)

    # the inverse on its own: coefficients that are not the transform of anything in particular
    inverse = []
    for w in DWT_WAVELETS:
        for m in ["zero", "periodization"]:
            bands = [rs.randint(-64, 65, size=(5, 6)) / 8.0 for _ in range(4)]
            out = pywt.idwt2((bands[0], tuple(bands[1:])), w, mode=m)
            inverse.append({"wavelet": w, "mode": m, "cA": matrix(bands[0]), "cH": matrix(bands[1]),
                            "cV": matrix(bands[2]), "cD": matrix(bands[3]), "output": matrix(out)})
    return {"pywt": pywt.__version__, "inputs": {k: matrix(v) for k, v in inputs.items()},
            "dwt2": cases, "idwt2": inverse}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, doc in (("filters.json", filters()), ("dwt2.json", dwt_cases())):
        path = os.path.join(OUT, name)
        with open(path, "w") as f:
            f.write(dumps(doc) + "\n")
        json.load(open(path))  # the file must parse
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
