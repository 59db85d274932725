# The configuration every benchmark's daemon runs with, and `check`'s (sourced, not run):
# a large return's limits, the repository's catalogue, units and profiles,
# no inbox scans.
#
#   bench_daemon_config PORT DATA_DIR PLUGINS_DIR SRC > tonghop.toml
bench_daemon_config() {
  cat <<TOML
[server]
listen = "127.0.0.1:$1"
read_timeout_seconds = 120
[paths]
data_dir = "$2"
plugins_dir = "$3"
[limits]
max_input_size = "1 GiB"
max_cells = 100000000
max_seconds = 3600
[inbox]
scan_milliseconds = 0
[normalise]
catalogue = "$4/config/indicators.toml"
units = "$4/config/units/lai-chau.toml"
profiles = "$4/config/profiles"
TOML
}

# The configuration `tonghopd check` runs with in the benchmarks of check
# (bench/check_rounds.sh, bench/check_vs_duckdb.sh): the same limits,
# catalogue, units and profiles, no daemon.
#
#   bench_check_config SRC > tonghop.toml
bench_check_config() {
  cat <<TOML
[limits]
max_input_size = "1 GiB"
max_cells = 100000000
max_seconds = 3600
[normalise]
catalogue = "$1/config/indicators.toml"
units = "$1/config/units/lai-chau.toml"
profiles = "$1/config/profiles"
TOML
}
