# nlohmann/json for the wasm build: the host's header-only package, reached
# through a folder that holds only a link to /usr/include/nlohmann.
if(NOT TARGET nlohmann_json::nlohmann_json)
  set(_ecglens_json_root "${CMAKE_BINARY_DIR}/host-headers")
  file(MAKE_DIRECTORY "${_ecglens_json_root}")
  if(NOT EXISTS "${_ecglens_json_root}/nlohmann")
    file(CREATE_LINK /usr/include/nlohmann "${_ecglens_json_root}/nlohmann" SYMBOLIC)
  endif()
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED GLOBAL)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_ecglens_json_root}")
endif()
