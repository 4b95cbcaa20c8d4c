"""GPU time of Metal-device launches for triton.testing.do_bench: every launch reports its command buffer's
GPUEndTime - GPUStartTime (LaunchStats.gpu_seconds); ``measure(fn)`` runs fn and returns the GPU seconds of
the launches it made, or None when none reported one (the emulator, the interpreter)."""
_recording = []


def record(stats):
    """Called with each launch's statistics (a dict); keeps gpu_seconds while a measure() is running and
    returns the statistics unchanged."""
    if _recording and isinstance(stats, dict) and stats.get("gpu_seconds"):
        _recording[-1].append(float(stats["gpu_seconds"]))
    return stats


def measure(fn):
    _recording.append([])
    try:
        fn()
    finally:
        times = _recording.pop()
    return sum(times) if times else None
