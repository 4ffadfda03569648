# Warnings are errors for the project's own code. Third-party headers come from
# /usr/include and are treated as system headers by the compiler.
function(carebridge_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Werror
    -Wno-missing-field-initializers)  # designated initialisers may omit members
endfunction()

# A unit-test executable: every *_test.cc in the listed files, linked to gtest_main.
# LABELS (default: unit) — tests that need outside programs (e.g. sshd) take
# another label, so the sanitizer run (`ctest -L unit`) leaves them out.
function(carebridge_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    CAREBRIDGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAREBRIDGE_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  carebridge_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${T_LABELS}")
endfunction()

# A fuzz target: a file defining LLVMFuzzerTestOneInput. In the fuzz build
# (clang, CAREBRIDGE_FUZZ=ON) it links with libFuzzer; in every other build it
# links with a replay driver and runs as a test over its seed corpus in
# fixtures/fuzz/<name>/ (plus generated random inputs), so crash inputs kept
# there stay regression tests.
if(NOT TARGET fuzz_targets)
  add_custom_target(fuzz_targets)
endif()
function(carebridge_fuzz_target source)
  cmake_parse_arguments(F "" "" "LIBS" ${ARGN})
  get_filename_component(name ${source} NAME_WE)
  set(corpus ${PROJECT_SOURCE_DIR}/fixtures/fuzz/${name})
  if(CAREBRIDGE_FUZZ)
    add_executable(${name} ${source})
    target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    add_dependencies(fuzz_targets ${name})
  else()
    add_executable(${name} ${source} ${PROJECT_SOURCE_DIR}/tests/fuzz/replay_main.cc)
    target_link_libraries(${name} PRIVATE ${F_LIBS})
    carebridge_warnings(${name})
    add_test(NAME fuzz_replay.${name} COMMAND ${name} ${corpus})
    set_tests_properties(fuzz_replay.${name} PROPERTIES LABELS "unit;fuzz")
  endif()
endfunction()
