# Run at build time (cmake -P): copies the page (web/*.html, *.js, *.mjs but
# the dev server serve.mjs) and the models to serve into OUT_DIR, writes
# OUT_DIR/models/index.json, the list the page offers, and
# OUT_DIR/precache.json, what the service worker (web/sw.js) caches for
# offline use. OUT_DIR is then the whole site (`make site` copies it).
# Models: those models/bundled.json offers (and the .onnx beside each), plus
# the untrained benchmark fixture, served but not offered; models/ and demo/ are laid anew
# each time, so a model removed from the source is gone from the site. A
# model with no .onnx beside it is exported with NATIVE_CLI (`ecglens
# export`), or NATIVE_CLI_TUNED where that one is not built (the export
# copies weights, so both write the same file), so ONNX Runtime Web can run
# every bundled model. The demo beats (models/demo_synthetic_test.csv) go to
# OUT_DIR/demo/ for the page's Demo button.
cmake_minimum_required(VERSION 3.22)  # policies of a script run with -P (IN_LIST)
file(REMOVE_RECURSE "${OUT_DIR}/models" "${OUT_DIR}/demo")
file(MAKE_DIRECTORY "${OUT_DIR}/models")
file(GLOB page_files "${SOURCE_DIR}/web/*.html" "${SOURCE_DIR}/web/*.js" "${SOURCE_DIR}/web/*.mjs"
     "${SOURCE_DIR}/web/*.css")
list(FILTER page_files EXCLUDE REGEX "/serve\\.mjs$")
file(COPY ${page_files} DESTINATION "${OUT_DIR}")
file(REMOVE "${OUT_DIR}/serve.mjs")  # copied by earlier builds

set(export_cli "")
foreach(cli IN ITEMS "${NATIVE_CLI}" "${NATIVE_CLI_TUNED}")
  if(NOT export_cli AND cli AND EXISTS "${cli}")
    set(export_cli "${cli}")
  endif()
endforeach()
# What the service worker caches ahead: the page at its folder's own URL
# ("./", whatever the host's path), its scripts and the app, then each model.
set(precache "\"./\"" "\"app.js\"" "\"app.wasm\"" "\"models/index.json\"")
foreach(file IN LISTS page_files)
  get_filename_component(name "${file}" NAME)
  if(NOT name MATCHES "^(index\\.html|sw\\.js)$")
    list(APPEND precache "\"${name}\"")
  endif()
endforeach()

# The models offered: models/bundled.json, in its order (the page starts with
# the first), each with its one-line description; it becomes models/index.json.
# The benchmark fixture is served for the tests and the browser benchmark
# but not offered, and `make site` leaves it out.
set(offered_json "${SOURCE_DIR}/models/bundled.json")
file(READ "${offered_json}" offered)
string(JSON offered_count ERROR_VARIABLE json_error LENGTH "${offered}")
if(json_error)
  message(FATAL_ERROR "${offered_json}: ${json_error}")
endif()
set(models "")
math(EXPR last "${offered_count} - 1")
foreach(i RANGE ${last})
  string(JSON file GET "${offered}" ${i} file)
  string(JSON description ERROR_VARIABLE json_error GET "${offered}" ${i} description)
  if(json_error OR description STREQUAL "")
    message(FATAL_ERROR "${offered_json}: model ${i} (${file}) has no description")
  endif()
  if(NOT EXISTS "${SOURCE_DIR}/models/${file}")
    message(FATAL_ERROR "${offered_json}: model ${i}: models/${file} does not exist")
  endif()
  list(APPEND models "${SOURCE_DIR}/models/${file}")
endforeach()
file(GLOB on_disk "${SOURCE_DIR}/models/*.ecgw")
foreach(model IN LISTS on_disk)
  if(NOT model IN_LIST models)
    message(WARNING "${model} is not in ${offered_json}: the page does not offer it")
  endif()
endforeach()
set(fixture "${SOURCE_DIR}/tests/fixtures/golden/bench_lstm_ae.ecgw")

foreach(model IN LISTS models fixture)
  get_filename_component(name "${model}" NAME)
  get_filename_component(stem "${model}" NAME_WE)
  get_filename_component(dir "${model}" DIRECTORY)
  file(COPY "${model}" DESTINATION "${OUT_DIR}/models")
  if(EXISTS "${dir}/${stem}.onnx")
    file(COPY "${dir}/${stem}.onnx" DESTINATION "${OUT_DIR}/models")
  elseif(export_cli)
    execute_process(COMMAND "${export_cli}" export -m "${model}" -o "${OUT_DIR}/models/${stem}.onnx"
                    RESULT_VARIABLE exported)
    if(NOT exported EQUAL 0)
      message(FATAL_ERROR "ecglens export failed for ${model}")
    endif()
  endif()
  if(NOT model STREQUAL fixture)
    list(APPEND precache "\"models/${name}\"")
    if(EXISTS "${OUT_DIR}/models/${stem}.onnx")
      list(APPEND precache "\"models/${stem}.onnx\"")
    endif()
  endif()
endforeach()
file(WRITE "${OUT_DIR}/models/index.json.tmp" "${offered}")
file(RENAME "${OUT_DIR}/models/index.json.tmp" "${OUT_DIR}/models/index.json")

file(COPY "${SOURCE_DIR}/models/demo_synthetic_test.csv" DESTINATION "${OUT_DIR}/demo")
list(APPEND precache "\"demo/demo_synthetic_test.csv\"")
list(REMOVE_DUPLICATES precache)
list(JOIN precache ",\n " joined)
file(WRITE "${OUT_DIR}/precache.json.tmp" "[${joined}]\n")
file(RENAME "${OUT_DIR}/precache.json.tmp" "${OUT_DIR}/precache.json")

# ONNX Runtime Web's CPU build for the page's second engine (web/ort_engine.mjs
# imports it only when asked), from the npm package tools/setup.sh installs.
set(ort_dist "${SOURCE_DIR}/node_modules/onnxruntime-web/dist")
if(EXISTS "${ort_dist}/ort.wasm.min.mjs")
  file(COPY "${ort_dist}/ort.wasm.min.mjs" "${ort_dist}/ort-wasm-simd-threaded.mjs"
            "${ort_dist}/ort-wasm-simd-threaded.wasm" DESTINATION "${OUT_DIR}/ort")
endif()
