# Every third-party library, found once. scripts/setup installs them.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

# Boost 1.81: Asio, Beast, DLL (header-only) and JSON (compiled).
find_package(Boost 1.81.0 EXACT REQUIRED CONFIG COMPONENTS json)
add_library(tonghop_boost INTERFACE)
target_link_libraries(tonghop_boost INTERFACE Boost::headers ${CMAKE_DL_LIBS})

find_package(fmt REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(tomlplusplus REQUIRED CONFIG)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
find_package(SQLite3 REQUIRED)
