# ctest driver: install the build tree into a scratch prefix, then configure, build and run a
# project that only knows find_package(convt1d).
foreach (step
         "${CMAKE_COMMAND};--install;${BUILD};--prefix;${WORK}/prefix"
         "${CMAKE_COMMAND};-S;${SRC};-B;${WORK}/build;-G;${GENERATOR};-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM};-DCMAKE_PREFIX_PATH=${WORK}/prefix;-DCMAKE_CXX_COMPILER=${CXX}"
         "${CMAKE_COMMAND};--build;${WORK}/build"
         "${WORK}/build/consumer")
    execute_process(COMMAND ${step} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if (NOT rc EQUAL 0)
        message(FATAL_ERROR "step failed (${rc}): ${step}\n${out}\n${err}")
    endif ()
endforeach ()
message(STATUS "${out}")
