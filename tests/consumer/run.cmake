# ctest driver: install the build tree into a scratch prefix, then configure, build and run a
# project that only knows find_package(convt1d).
include(${CMAKE_CURRENT_LIST_DIR}/../run_steps.cmake)
set(install ${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
set(configure ${CMAKE_COMMAND} -S ${SRC} -B ${WORK}/build -G ${GENERATOR} -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}
    -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_CXX_COMPILER=${CXX})
set(build ${CMAKE_COMMAND} --build ${WORK}/build)
set(run ${WORK}/build/consumer)
convt1d_run_steps(install configure build run)
message(STATUS "${out}")
