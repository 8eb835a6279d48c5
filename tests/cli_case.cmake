# One bad-input case of the CLI (tests/CMakeLists.txt): run CLI with ARGS (a ;-list), and require a
# non-zero exit, EXPECT (a regex) in its error output, and no allocation failure.
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${CLI} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if (rc EQUAL 0)
    message(FATAL_ERROR "convt1d ${ARGS}: exited 0; output: ${out} ${err}")
endif ()
if (NOT err MATCHES "${EXPECT}")
    message(FATAL_ERROR "convt1d ${ARGS}: error output does not match '${EXPECT}': ${err}")
endif ()
if (err MATCHES "bad_alloc|not enough memory|stoll")
    message(FATAL_ERROR "convt1d ${ARGS}: ${err}")
endif ()
message("cli case: ok (${err})")
