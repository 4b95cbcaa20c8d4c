# Validates `triton-metal targets --json` read from stdin: row count, fields and invariants.
import json
import sys

rows = json.load(sys.stdin)
assert isinstance(rows, list) and len(rows) >= 30, len(rows)
names = [r["name"] for r in rows]
assert len(set(names)) == len(names), "duplicate names"
family = {"M1": 7, "M2": 8, "M3": 9, "M4": 9, "M5": 10}
for r in rows:
    assert r["simd_width"] == 32, r["name"]
    assert r["max_threads_per_threadgroup"] <= 1024, r["name"]
    assert r["threadgroup_memory_bytes"] <= 32768, r["name"]
    assert r["fp16_flops"] >= r["fp32_flops"] > 0, r["name"]
    assert abs(r["fp32_flops"] - r["gpu_cores"] * 256 * r["clock_mhz"] * 1e6) < 1e3, r["name"]
    assert r["gpu_family"] == family[r["generation"]], r["name"]
    assert r["dynamic_caching"] == (r["generation"] in ("M3", "M4", "M5")), r["name"]
    assert r["neural_accelerators"] == (r["generation"] == "M5"), r["name"]
    assert r["spec_source"] and r["clock_source"], r["name"]
print("ok", len(rows))
