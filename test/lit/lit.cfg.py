# lit configuration for triton-metal's FileCheck tests.
import os
import lit.formats

config.name = "triton-metal"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test", ".py", ".metal", ".tir", ".json"]
config.excludes = ["Inputs", "lit.cfg.py", "lit.site.cfg.py.in"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tm_obj_root, "test", "lit")

llvm_bin = os.path.dirname(os.path.realpath(config.filecheck))
config.environment["PATH"] = os.pathsep.join([config.tm_bin_dir, llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
# Tests must not depend on the developer's environment.
for var in ("TRITON_METAL_TARGET", "TRITON_METAL_DEVICE", "TRITON_METAL_CACHE_DIR"):
    config.environment.pop(var, None)
config.environment["HOME"] = os.environ.get("HOME", "/tmp")
# Every emulator launch of the suite is race-checked (docs/emulator.md, "Races").
config.environment["TRITON_METAL_RACECHECK"] = "1"
config.substitutions.append(("%triton-metal", os.path.join(config.tm_bin_dir, "triton-metal")))
config.substitutions.append(("%python", config.python))
config.substitutions.append(("%src", config.tm_src_root))
