# x.to(tl.pointer_type(T)) of a 64-bit integer (Triton's int_to_ptr, tutorial 08's tables of data_ptr values):
# one tt.int_to_ptr in the tile IR; the MSL translates the address through the launch's address map, a hidden
# last [[buffer]] argument (tm_addr_map, named in the metadata); arguments stay non-const (the pointer may
# alias any of them). The emulator run follows the pointers into resident memory: test_tutorial_08_grouped_gemm.py.
# RUN: %triton-metal compile %s -k gather -s 'table=*i64, out_ptr=*fp32, n=i32' -c BLOCK=16 --emit tile-ir-raw --no-locations | FileCheck %s --check-prefix=IR
# RUN: %triton-metal compile %s -k gather -s 'table=*i64, out_ptr=*fp32, n=i32' -c BLOCK=16 --emit msl | FileCheck %s --check-prefix=MSL
# RUN: %triton-metal compile %s -k gather -s 'table=*i64, out_ptr=*fp32, n=i32' -c BLOCK=16 --emit metadata | FileCheck %s --check-prefix=META
import triton
import triton.language as tl


@triton.jit
def gather(table, out_ptr, n, BLOCK: tl.constexpr):
    src = tl.load(table + tl.program_id(0)).to(tl.pointer_type(tl.float32))
    offs = tl.arange(0, BLOCK)
    tl.store(out_ptr + offs, tl.load(src + offs, mask=offs < n), mask=offs < n)

# IR: [[ADDR:%[0-9]+]] = tt.load {{%[0-9]+}} : i64
# IR-NEXT: {{%[0-9]+}} = tt.int_to_ptr [[ADDR]] : !tt.ptr<f32>

# MSL: template <typename T> inline device T* tm_int_to_ptr(long x, const device ulong* map) {
# MSL: kernel void gather(
# MSL-NEXT: device long* table {{\[\[}}buffer(0)]],
# MSL-NEXT: device float* out_ptr {{\[\[}}buffer(1)]],
# MSL-NEXT: constant int& n {{\[\[}}buffer(2)]],
# MSL-NEXT: const device ulong* tm_addr_map {{\[\[}}buffer(3)]],
# MSL: device float* src = tm_int_to_ptr<float>({{.*}}, tm_addr_map);

# META: "address_map": {
# META-NEXT: "index": 3,
