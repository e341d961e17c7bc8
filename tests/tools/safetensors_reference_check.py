#!/usr/bin/python3
"""Independent check of a safetensors file against the format's reference rules
(huggingface/safetensors, src/tensor.rs: header length <= 100 MB and inside the file, header a JSON
object starting with '{', known dtypes, data_offsets tiling the data section in order with no gap
or overlap, byte length = prod(shape) * dtype size). Prints one JSON line per tensor with the
sum of its values (floats decoded with struct), so a test can compare with its own numbers.
Standard library only."""
import json, struct, sys, math

SIZES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4,
         "F32": 4, "I64": 8, "U64": 8, "F64": 8}
FMT = {"U8": "B", "I8": "b", "BOOL": "?", "I16": "h", "F16": "e", "I32": "i", "F32": "f", "I64": "q", "F64": "d"}

def main(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n <= 100_000_000, "header too large"
    assert 8 + n <= len(data), "header past end of file"
    raw = data[8:8 + n]
    assert raw[:1] == b"{", "header must start with {"
    header = json.loads(raw.decode("utf-8"))
    assert (8 + n) % 8 == 0, "data section not 8-byte aligned"
    meta = header.pop("__metadata__", {})
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
    body = data[8 + n:]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"])
    pos = 0
    for name, info in entries:
        b, e = info["data_offsets"]
        assert b == pos, f"{name}: gap or overlap"
        size = SIZES[info["dtype"]]
        assert e - b == math.prod(info["shape"]) * size, f"{name}: size mismatch"
        pos = e
        chunk = body[b:e]
        dt = info["dtype"]
        if dt == "BF16":
            vals = [struct.unpack("<f", b"\0\0" + chunk[i:i + 2])[0] for i in range(0, len(chunk), 2)]
        else:
            vals = list(struct.unpack("<" + FMT[dt] * (len(chunk) // size), chunk))
        print(json.dumps({"name": name, "dtype": dt, "shape": info["shape"], "sum": float(sum(vals))}))
    assert pos == len(body), "trailing bytes"
    print(json.dumps({"metadata": meta}))

if __name__ == "__main__":
    main(sys.argv[1])
