# crm_embed_migrations(TARGET <lib> TRACK <name> DIR <dir> FUNCTION <c++ name>)
# Compiles every V<version>__<name>.sql file of DIR into the target as a function
# `std::vector<crm::MigrationFile> <FUNCTION>()`, so a binary always carries
# exactly the migrations it was built with (no path to configure in an image).
function(crm_embed_migrations)
  cmake_parse_arguments(ARG "" "TARGET;TRACK;DIR;FUNCTION" "" ${ARGN})
  file(GLOB sql_files CONFIGURE_DEPENDS "${ARG_DIR}/V*.sql")
  list(SORT sql_files)
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${ARG_FUNCTION}.cc")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DTRACK=${ARG_TRACK} -DFUNCTION=${ARG_FUNCTION}
            "-DFILES=${sql_files}" -P "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    DEPENDS ${sql_files} "${PROJECT_SOURCE_DIR}/cmake/embed_migrations.cmake"
    COMMENT "Embedding ${ARG_TRACK} migrations"
    VERBATIM)
  target_sources(${ARG_TARGET} PRIVATE "${out}")
endfunction()
