# tonghop_add_plugin(NAME SOURCES...): one plugin, built as a MODULE into
# build/plugins/ and installed into lib/tonghop/plugins. Only the SDK and the
# plugin's own libraries are linked: a plugin never sees the daemon.
function(tonghop_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Tonghop::sdk tonghop_flags)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "tonghop-${name}"
    LIBRARY_OUTPUT_DIRECTORY ${TONGHOP_PLUGIN_OUTPUT_DIRECTORY}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
  install(TARGETS ${name} LIBRARY DESTINATION ${TONGHOP_INSTALL_PLUGINDIR} COMPONENT daemon)
  # Every plugin, as one target: what scripts/run builds with tonghopd (care, issue 16).
  if(NOT TARGET tonghop_plugins)
    add_custom_target(tonghop_plugins)
  endif()
  add_dependencies(tonghop_plugins ${name})
endfunction()
