# Project-wide compile options and helpers shared by every layer.
#
# tm_add_library(NAME LAYER layer SOURCES... [DEPS ...]) builds one layer of lib/ as a static library with
# our warning set (warnings are errors on our code only; third-party headers come in as SYSTEM includes).
# LAYER names its row in cmake/TritonMetalLayers.cmake, which checks DEPS against DESIGN.md section 2.

option(TM_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(TM_WERROR "Treat warnings in project code as errors" ON)

set(TM_WARNINGS -Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND TM_WARNINGS -Wshadow=local)  # GCC's spelling; Clang (AppleClang on macOS) rejects it
endif()
if(TM_WERROR)
  list(APPEND TM_WARNINGS -Werror)
endif()

if(TM_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(tm_target_options target)
  target_compile_options(${target} PRIVATE ${TM_WARNINGS})
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

function(tm_add_library name)
  cmake_parse_arguments(ARG "" "LAYER" "SOURCES;DEPS" ${ARGN})
  if(NOT ARG_LAYER)
    message(FATAL_ERROR "tm_add_library(${name}): LAYER is required (a row of cmake/TritonMetalLayers.cmake)")
  endif()
  add_library(${name} STATIC ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES TM_LAYER ${ARG_LAYER})
  set_property(GLOBAL APPEND PROPERTY TM_LAYER_LIBS ${name})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/lib)
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  tm_target_options(${name})
endfunction()

# tm_add_unit_test(NAME SOURCES... DEPS ...): one GoogleTest binary registered with CTest.
function(tm_add_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  tm_target_options(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
