# ctest driver: configure this project as a user would who compiles one layer of their model in
# (-DCONVT1D_GEOMETRIES), build its CLI, and check that the runtime holds the layer's variant, ranks
# it first for that layer, and computes the layer through it (on the GPU where there is one; the CPU
# default otherwise). The build is trimmed to the CPU variant (one instruction set) and the stride-1 point
# (CONVT1D_POINTS, CONVT1D_CPU_TARGETS), with this build's generator (GENERATORS), to keep the test's time.
set(geometry "7,1,2,3")  # K 7, stride 1, dilation 2, padding 3: not one of the default geometries
set(variant "cuda_l128_r4_c8_s_u4_inplace_so_reg80_k7s1d2p3")
set(layer --stride 1 --kernel 7 --dilation 2 --padding 3)
set(large --batch 8 --cin 64 --cout 128 --length 30000)  # ranked: a layer large enough for in-place blocks
set(small --batch 2 --cin 16 --cout 24 --length 3000)    # run: quick also on the CPU and its float64 check
set(cli "${WORK}/build/convt1d")
set(cuda_run ${cli} run ${layer} ${small} --device cuda --variant ${variant} --reps 1)
set(cpu_run ${cli} run ${layer} ${small} --device cpu --reps 1)
include(${CMAKE_CURRENT_LIST_DIR}/../run_steps.cmake)
set(configure ${CMAKE_COMMAND} -S ${SRC} -B ${WORK}/build -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release -DHalide_DIR=${HALIDE_DIR}
    -DHalideHelpers_DIR=${HALIDE_HELPERS_DIR} -Dconvt1d-halide_generators_DIR=${GENERATORS}
    -DCONVT1D_CPU_TARGETS=x86-64-linux-sse41 -DCONVT1D_GEOMETRIES=${geometry}
    "-DCONVT1D_POINTS=^(cpu|cuda_l128_r4_c8_s_u4_inplace_so_reg80)$" -DCONVT1D_BUILD_TESTS=OFF -DCONVT1D_BUILD_BENCH=OFF)
set(build ${CMAKE_COMMAND} --build ${WORK}/build --target convt1d_cli)
convt1d_run_steps(configure build)

execute_process(COMMAND ${cli} variants OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if (NOT rc EQUAL 0 OR NOT out MATCHES "${variant} +cuda[^\n]*K=7,dilation=2,padding=3,only")
    message(FATAL_ERROR "the build with CONVT1D_GEOMETRIES=${geometry} does not list ${variant}:\n${out}")
endif ()
execute_process(COMMAND ${cli} rank ${layer} ${large} --device cuda OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if (NOT rc EQUAL 0 OR NOT out MATCHES "\n +1 +[0-9.]+ ms +${variant}")
    message(FATAL_ERROR "the runtime does not rank ${variant} first for its layer:\n${out}")
endif ()
execute_process(COMMAND ${cli} variants OUTPUT_VARIABLE info)
if (info MATCHES "CUDA device: none")
    set(run ${cpu_run})
else ()
    set(run ${cuda_run})
endif ()
execute_process(COMMAND ${run} OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if (NOT rc EQUAL 0 OR NOT out MATCHES "-> PASS")
    message(FATAL_ERROR "${run} failed (${rc}):\n${out}\n${err}")
endif ()
message(STATUS "${out}")
message(STATUS "user geometry: ok")
