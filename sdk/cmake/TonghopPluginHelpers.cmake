# tonghop_plugin(NAME SOURCES...): builds a tonghop plugin as a loadable
# module with hidden visibility, so that the only exported symbol is the one
# TONGHOP_PLUGIN defines. For plugins built out of tree against the installed
# SDK (find_package(TonghopSDK)).
function(tonghop_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Tonghop::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "tonghop-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
endfunction()
