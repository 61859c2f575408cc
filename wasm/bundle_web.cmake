# Run at build time (cmake -P): copies the page (web/*.html, *.js) and the
# models to serve into OUT_DIR, and writes OUT_DIR/models/index.json, the
# list the page offers. Models: every SOURCE_DIR/models/*.ecgw (and the
# .onnx beside it) present now, plus the untrained benchmark fixture. A model
# with no .onnx beside it is exported with NATIVE_CLI (`ecglens export`), when
# given, so ONNX Runtime Web can run every bundled model. The
# demo beats (models/demo_synthetic_test.csv) go to OUT_DIR/demo/ for the
# page's Demo button.
file(MAKE_DIRECTORY "${OUT_DIR}/models")
file(GLOB page_files "${SOURCE_DIR}/web/*.html" "${SOURCE_DIR}/web/*.js" "${SOURCE_DIR}/web/*.mjs"
     "${SOURCE_DIR}/web/*.css")
file(COPY ${page_files} DESTINATION "${OUT_DIR}")

file(GLOB models "${SOURCE_DIR}/models/*.ecgw")
list(APPEND models "${SOURCE_DIR}/tests/fixtures/golden/bench_lstm_ae.ecgw")
set(names "")
foreach(model IN LISTS models)
  get_filename_component(name "${model}" NAME)
  get_filename_component(stem "${model}" NAME_WE)
  get_filename_component(dir "${model}" DIRECTORY)
  file(COPY "${model}" DESTINATION "${OUT_DIR}/models")
  if(EXISTS "${dir}/${stem}.onnx")
    file(COPY "${dir}/${stem}.onnx" DESTINATION "${OUT_DIR}/models")
  elseif(NATIVE_CLI AND EXISTS "${NATIVE_CLI}")
    execute_process(COMMAND "${NATIVE_CLI}" export -m "${model}" -o "${OUT_DIR}/models/${stem}.onnx"
                    RESULT_VARIABLE exported)
    if(NOT exported EQUAL 0)
      message(FATAL_ERROR "ecglens export failed for ${model}")
    endif()
  endif()
  list(APPEND names "\"${name}\"")
endforeach()
list(REMOVE_DUPLICATES names)
list(JOIN names ", " joined)
file(WRITE "${OUT_DIR}/models/index.json.tmp" "[${joined}]\n")
file(RENAME "${OUT_DIR}/models/index.json.tmp" "${OUT_DIR}/models/index.json")

file(COPY "${SOURCE_DIR}/models/demo_synthetic_test.csv" DESTINATION "${OUT_DIR}/demo")

# ONNX Runtime Web's CPU build for the page's second engine (web/ort_engine.mjs
# imports it only when asked), from the npm package tools/setup.sh installs.
set(ort_dist "${SOURCE_DIR}/node_modules/onnxruntime-web/dist")
if(EXISTS "${ort_dist}/ort.wasm.min.mjs")
  file(COPY "${ort_dist}/ort.wasm.min.mjs" "${ort_dist}/ort-wasm-simd-threaded.mjs"
            "${ort_dist}/ort-wasm-simd-threaded.wasm" DESTINATION "${OUT_DIR}/ort")
endif()
