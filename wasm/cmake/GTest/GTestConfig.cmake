# GoogleTest for the wasm build: compiled with em++ from Debian's sources in
# /usr/src/googletest. Test binaries link GTest::gtest_main, which also
# carries the link options every wasm test needs: NODERAWFS so tests read
# the fixtures from the real file system under Node, and a growable heap.
if(NOT TARGET GTest::gtest)
  set(gtest_disable_pthreads ON CACHE BOOL "" FORCE)
  set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
  set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
  add_subdirectory(/usr/src/googletest "${CMAKE_BINARY_DIR}/googletest" EXCLUDE_FROM_ALL)
  # googletest's own CMakeLists defines the GTest:: aliases.
  target_link_options(gtest_main INTERFACE
    -sNODERAWFS=1 -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=33554432
    -sTOTAL_STACK=8388608 -sEXIT_RUNTIME=1)
endif()
set(GTest_FOUND TRUE)
