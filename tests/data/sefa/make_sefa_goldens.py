#!/usr/bin/env python3
"""Golden SeFa results for tests/directions_sefa.rs (run once, offline; tests never run Python).

For each fixture network, stack the rows of the selected `G_ema.synthesis.*.affine.weight`
tensors (read straight from the fixture's state_dict.safetensors with NumPy), normalise every
row to unit length, and take numpy.linalg.eigh of W^T W in float64. Eigenpairs are written
sorted by decreasing eigenvalue: `<name>_eigvals.npy` [w_dim] and `<name>_eigvecs.npy`
[w_dim, w_dim] (one eigenvector per row, float64).

Usage: python3 make_sefa_goldens.py /work/shared/fixtures
"""
import json
import re
import struct
import sys

import numpy as np


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for k, v in header.items():
        if k == "__metadata__" or not k.startswith("G_ema.synthesis.") or not k.endswith("affine.weight"):
            continue
        assert v["dtype"] == "F32"
        a, b = v["data_offsets"]
        out[k[len("G_ema.") :]] = np.frombuffer(raw[8 + n + a : 8 + n + b], dtype="<f4").reshape(v["shape"])
    return out


def select(affines, include_torgb, include_input):
    names = []
    sg3_layers = [k for k in affines if re.match(r"synthesis\.L\d+_", k)]
    last_l = max((int(re.match(r"synthesis\.L(\d+)_", k).group(1)) for k in sg3_layers), default=None)
    for k in sorted(affines):
        if ".torgb." in k and not include_torgb:
            continue
        m = re.match(r"synthesis\.L(\d+)_", k)
        if m and int(m.group(1)) == last_l and not include_torgb:
            continue
        if k.startswith("synthesis.input.") and not include_input:
            continue
        names.append(k)
    return names


def main(root):
    cases = [
        ("sg2_64", "default", False, False),
        ("sg2_64", "torgb", True, False),
        ("sg3t_64", "default", False, False),
        ("sg3r_64", "default", False, False),
        ("sg3r_64", "input_torgb", True, True),
    ]
    for fixture, variant, torgb, inp in cases:
        affines = read_safetensors(f"{root}/{fixture}/state_dict.safetensors")
        names = select(affines, torgb, inp)
        w = np.concatenate([affines[k].astype(np.float64) for k in names], axis=0)
        w = w / np.linalg.norm(w, axis=1, keepdims=True)
        vals, vecs = np.linalg.eigh(w.T @ w)
        order = np.argsort(-vals)
        stem = f"{fixture}_{variant}"
        np.save(f"{stem}_eigvals.npy", vals[order])
        np.save(f"{stem}_eigvecs.npy", np.ascontiguousarray(vecs[:, order].T))
        print(stem, w.shape, len(names), "layers; top eigenvalues", vals[order][:3])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/fixtures")
