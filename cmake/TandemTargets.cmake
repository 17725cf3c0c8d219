# Shared settings for every Tandem target: the language standard, warnings, and the helpers
# that register libraries and tests the same way everywhere.

function(tandem_set_target_options target)
    target_compile_features(${target} PUBLIC cxx_std_23)
    set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
    if(TANDEM_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()

# tandem_add_library(NAME SOURCES ... [PUBLIC_LIBS ...] [PRIVATE_LIBS ...])
# A core or ui module: a static library named tandem_<NAME>, its headers included as
# "<module>/<file>.h" from the folder above it.
function(tandem_add_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
    add_library(tandem_${name} STATIC ${ARG_SOURCES})
    add_library(Tandem::${name} ALIAS tandem_${name})
    target_include_directories(tandem_${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/..)
    target_link_libraries(tandem_${name} PUBLIC ${ARG_PUBLIC_LIBS} PRIVATE ${ARG_PRIVATE_LIBS})
    tandem_set_target_options(tandem_${name})
endfunction()

# tandem_add_test(NAME SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# One Qt Test executable per unit, registered with CTest.
function(tandem_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    qt_add_executable(${name} ${ARG_SOURCES})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    target_compile_definitions(${name} PRIVATE
        TANDEM_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
        TANDEM_BINARY_DIR="${CMAKE_BINARY_DIR}")
    tandem_set_target_options(${name})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 120)
    endif()
    if(NOT ARG_LABELS)
        set(ARG_LABELS unit)
    endif()
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${ARG_ENVIRONMENT}")
endfunction()
