# cmake -DCLANG_FORMAT=... -DSOURCE_DIR=... -P CheckFormat.cmake
# Fails, listing the files, when any C++ source differs from what .clang-format asks for.
file(GLOB_RECURSE sources
  ${SOURCE_DIR}/include/*.h ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.h
  ${SOURCE_DIR}/tools/*.cpp ${SOURCE_DIR}/tools/*.h
  ${SOURCE_DIR}/tests/*.cpp ${SOURCE_DIR}/tests/*.h ${SOURCE_DIR}/examples/*.cpp)
set(unformatted "")
foreach(source ${sources})
  execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${source}
    RESULT_VARIABLE result OUTPUT_QUIET ERROR_QUIET)
  if(NOT result EQUAL 0)
    list(APPEND unformatted ${source})
  endif()
endforeach()
if(unformatted)
  string(REPLACE ";" "\n  " listing "${unformatted}")
  message(FATAL_ERROR "not formatted per .clang-format (run clang-format -i):\n  ${listing}")
endif()
list(LENGTH sources n_sources)
message(STATUS "${n_sources} files formatted per .clang-format")
