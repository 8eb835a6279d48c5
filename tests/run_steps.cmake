# For the ctest drivers (tests/*/run.cmake): run the commands held by the named list variables in
# turn, stopping the test with a command's output at its first failure; `out` keeps the last one's.
macro(convt1d_run_steps)
    foreach (name ${ARGN})
        execute_process(COMMAND ${${name}} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
        if (NOT rc EQUAL 0)
            message(FATAL_ERROR "step failed (${rc}): ${${name}}\n${out}\n${err}")
        endif ()
    endforeach ()
endmacro()
