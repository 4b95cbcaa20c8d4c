"""``triton.runtime.driver.active``: the active device as Triton's host code sees it. Kernels take host
(CPU) torch tensors and NumPy arrays, so the torch device is ``cpu``; device properties come from the
hardware model of the compilation target (``triton_metal.default_target()``)."""
from .. import _C
from ..device import default_device_name, default_target


class GPUTarget:
    """Triton's GPUTarget: backend, arch and warp size of the current target."""

    def __init__(self, backend, arch, warp_size):
        self.backend, self.arch, self.warp_size = backend, arch, warp_size

    def __repr__(self):
        return f"GPUTarget(backend={self.backend!r}, arch={self.arch!r}, warp_size={self.warp_size})"

    def __eq__(self, other):
        return isinstance(other, GPUTarget) and (self.backend, self.arch, self.warp_size) == \
            (other.backend, other.arch, other.warp_size)

    def __hash__(self):
        return hash((self.backend, self.arch, self.warp_size))


# Registers per core and per thread are not published by Apple; these are the figures Triton's occupancy
# formulas need (NUM_REGS // (n_regs * WARP_SIZE * num_warps)), chosen so one core holds 1024 threads of
# 64 registers each, the occupancy the autotuner's cost model assumes.
REGISTERS_PER_CORE = 65536
REGISTERS_PER_THREAD = 64


class _Utils:
    def get_device_properties(self, device=None):
        """Triton's property dict (CUDA spellings) for the current target's hardware model."""
        info = _C.target_info(default_target())
        return {"max_shared_mem": info["threadgroup_memory_bytes"], "multiprocessor_count": info["gpu_cores"],
                "max_num_regs": REGISTERS_PER_CORE, "warpSize": info["simd_width"],
                "max_threads_per_block": info["max_threads_per_threadgroup"], "sm_clock_rate": 0,
                "mem_clock_rate": 0, "mem_bus_width": 0, "name": info["name"]}


class ActiveDriver:
    """What ``triton.runtime.driver.active`` offers host code."""

    def __init__(self):
        self.utils = _Utils()

    def get_active_torch_device(self):
        import torch
        return torch.device("cpu")

    def get_current_device(self):
        return 0

    def set_current_device(self, device):
        pass

    def get_current_stream(self, device=None):
        return 0

    def get_current_target(self):
        info = _C.target_info(default_target())
        return GPUTarget("metal", info["name"], info["simd_width"])

    def get_device_interface(self):
        import torch
        return torch.cpu

    def get_empty_cache_for_benchmark(self):
        import torch
        return torch.empty(256 * 1024 * 1024 // 4, dtype=torch.int32)

    def clear_cache(self, cache):
        cache.zero_()

    @property
    def device_name(self):
        return default_device_name()


class _DriverConfig:
    def __init__(self):
        self.active = ActiveDriver()
        self.default = self.active

    def set_active(self, d):
        self.active = d

    def reset_active(self):
        self.active = self.default


driver = _DriverConfig()
