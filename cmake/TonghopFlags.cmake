# Flags shared by the daemon, every plugin and every test: one INTERFACE target.
add_library(tonghop_flags INTERFACE)
target_compile_features(tonghop_flags INTERFACE cxx_std_20)
target_compile_options(tonghop_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual
  $<$<BOOL:${TONGHOP_WERROR}>:-Werror>)
target_compile_definitions(tonghop_flags INTERFACE
  # liborcus links Boost 1.74's compiled filesystem; Boost.DLL must use
  # std::filesystem so nothing links a second, 1.81 Boost.Filesystem.
  BOOST_DLL_USE_STD_FS
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW)
if(TONGHOP_SANITIZE)
  target_compile_options(tonghop_flags INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(tonghop_flags INTERFACE -fsanitize=address,undefined)
endif()
