# ctest driver: configure this project without the CUDA variants (-DCONVT1D_CUDA=OFF: a machine without
# the CUDA toolkit, or a user who wants the CPU path alone), build its CLI and check that it links (no
# CUDA runtime in the library), lists no CUDA variant, computes a layer on the CPU through the general
# CPU variant (its weights prepared in the call), and refuses the GPU with a message. The build is
# trimmed to the CPU variants (CONVT1D_POINTS), for one instruction set (CONVT1D_CPU_TARGETS), with this
# build's generator (GENERATORS), to keep the test's time.
set(cli "${WORK}/build/convt1d")
include(${CMAKE_CURRENT_LIST_DIR}/../run_steps.cmake)
set(configure ${CMAKE_COMMAND} -S ${SRC} -B ${WORK}/build -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DHalide_DIR=${HALIDE_DIR}
    -DHalideHelpers_DIR=${HALIDE_HELPERS_DIR} -Dconvt1d-halide_generators_DIR=${GENERATORS}
    -DCONVT1D_CPU_TARGETS=x86-64-linux-sse41 -DCONVT1D_CUDA=OFF "-DCONVT1D_POINTS=^(cpu|cpu_phase)$"
    -DCONVT1D_BUILD_TESTS=OFF -DCONVT1D_BUILD_BENCH=OFF)
set(build ${CMAKE_COMMAND} --build ${WORK}/build --target convt1d_cli)
convt1d_run_steps(configure build)

execute_process(COMMAND ${cli} variants OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if (NOT rc EQUAL 0 OR NOT out MATCHES "\ncpu_phase +cpu" OR out MATCHES "\n[a-z0-9_]+ +cuda ")
    message(FATAL_ERROR "the build without CUDA should list cpu_phase and no CUDA variant:\n${out}")
endif ()
set(run ${cli} run --batch 2 --cin 24 --cout 20 --kernel 8 --length 300 --stride 4 --padding 2 --dilation 1
    --device cpu --reps 1)
execute_process(COMMAND ${run} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if (NOT rc EQUAL 0 OR NOT out MATCHES "variant cpu_phase [^\n]*weights prepared in the call" OR NOT out MATCHES "-> PASS")
    message(FATAL_ERROR "${run} failed (${rc}):\n${out}\n${err}")
endif ()
message(STATUS "${out}")
execute_process(COMMAND ${cli} run --batch 2 --cin 24 --cout 20 --kernel 8 --length 300 --device cuda --reps 1
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if (rc EQUAL 0 OR NOT err MATCHES "no CUDA device")
    message(FATAL_ERROR "--device cuda should fail with a message in a build without CUDA (${rc}):\n${out}\n${err}")
endif ()
message(STATUS "no cuda: ok")
