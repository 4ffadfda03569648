# Warnings are errors for the project's own code. Third-party headers come from
# /usr/include and are treated as system headers by the compiler.
function(carebridge_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough -Werror)
endfunction()

# A unit-test executable: every *_test.cc in the listed files, linked to gtest_main.
function(carebridge_test name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    CAREBRIDGE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAREBRIDGE_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
  carebridge_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
