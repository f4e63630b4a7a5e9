# crm_generate_protos(OUT_SRCS IMPORT_ROOT <dir> PROTOS <files...> [GRPC])
# Runs protoc (and the gRPC C++ plugin when GRPC is given) on each proto file and
# returns the generated sources; headers land in ${CMAKE_BINARY_DIR}/gen.
set(CRM_PROTO_GEN_DIR "${CMAKE_BINARY_DIR}/gen")
file(MAKE_DIRECTORY "${CRM_PROTO_GEN_DIR}")

function(crm_generate_protos out_var)
  cmake_parse_arguments(ARG "GRPC" "IMPORT_ROOT" "PROTOS;EXTRA_IMPORTS" ${ARGN})
  set(srcs)
  set(import_flags -I "${ARG_IMPORT_ROOT}")
  foreach(extra IN LISTS ARG_EXTRA_IMPORTS)
    list(APPEND import_flags -I "${extra}")
  endforeach()
  foreach(proto IN LISTS ARG_PROTOS)
    file(RELATIVE_PATH rel "${ARG_IMPORT_ROOT}" "${proto}")
    string(REGEX REPLACE "\\.proto$" "" stem "${rel}")
    set(outputs "${CRM_PROTO_GEN_DIR}/${stem}.pb.cc" "${CRM_PROTO_GEN_DIR}/${stem}.pb.h")
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outputs "${CRM_PROTO_GEN_DIR}/${stem}.grpc.pb.cc"
                          "${CRM_PROTO_GEN_DIR}/${stem}.grpc.pb.h")
      set(plugin_args --grpc_out "${CRM_PROTO_GEN_DIR}"
                      "--plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>")
    endif()
    add_custom_command(
      OUTPUT ${outputs}
      COMMAND protobuf::protoc --cpp_out "${CRM_PROTO_GEN_DIR}" ${plugin_args}
              ${import_flags} "${proto}"
      DEPENDS "${proto}" protobuf::protoc
      COMMENT "protoc ${rel}"
      VERBATIM)
    list(APPEND srcs ${outputs})
  endforeach()
  set(${out_var} ${srcs} PARENT_SCOPE)
endfunction()
