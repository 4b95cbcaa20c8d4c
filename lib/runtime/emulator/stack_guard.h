// Turns a stack overflow of an emulated thread (a fiber) into a clear message instead of a bare crash:
// a SIGSEGV in the guard page below the running fiber's stack prints what happened and exits with
// status 1. Faults anywhere else keep their usual behavior. Kernels are compiled with
// -fstack-clash-protection, so a large frame touches the guard page instead of jumping past it.
#pragma once

#include <cstddef>

namespace tmetal::runtime::emulator {

// Installs the handler (once per process; it replaces and, for faults that are not fiber overflows,
// restores the previous one, e.g. AddressSanitizer's) and an alternate signal stack (once per thread).
void install_stack_guard();

// The stack of the fiber about to run on this thread (nullptr when none) and its kernel's name.
void set_running_fiber(const void* stack_bottom, std::size_t stack_bytes, const char* kernel);

}  // namespace tmetal::runtime::emulator
