// Prints tile IR in its textual form (see parser.h for the grammar). print → parse → print is identical.
//
//   module {
//     tt.func @add(%arg0: !tt.ptr<f32>, %arg1: i32) {tt.divisibility = array<16, 1>} {
//       %0 = tt.get_program_id {axis = 0 : i32} : i32 loc("add.py":7:10)
//       %1:2 = scf.for %a, %b, %c, %x, %y : f32, i32 {
//       ^bb0(%2: i32, %3: f32, %4: i32):
//         scf.yield %3, %4 loc("add.py":9:4)
//       } loc("add.py":8:4)
//       tt.return loc("add.py":10:4)
//     } loc("add.py":5:0)
//   }
#pragma once

#include "ir/operation.h"

#include <string>

namespace tmetal::ir {

struct PrintOptions {
  bool locations = true;  // print `loc(...)` after each op
};

std::string print_op(const Operation& op, const PrintOptions& options = {});

}  // namespace tmetal::ir
