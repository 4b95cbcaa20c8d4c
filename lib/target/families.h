// Family-level facts (one FamilyFacts per Apple GPU family: Apple7 = M1, Apple8 = M2, Apple9 = M3 and
// M4, Apple10 = M5), shared by every row of those generations. Internal to lib/target.
#pragma once

#include "triton_metal/target.h"

namespace tmetal::target {

FamilyFacts apple7_family();   // M1
FamilyFacts apple8_family();   // M2
FamilyFacts apple9_family();   // M3 and M4
FamilyFacts apple10_family();  // M5

// Per-generation rows (chips_m1.cpp ... chips_m5.cpp).
std::vector<ChipSpec> m1_chips();
std::vector<ChipSpec> m2_chips();
std::vector<ChipSpec> m3_chips();
std::vector<ChipSpec> m4_chips();
std::vector<ChipSpec> m5_chips();

}  // namespace tmetal::target
