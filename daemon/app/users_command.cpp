// `tonghopd users add NAME --role admin|viewer|district [--district D]`,
// `tonghopd users passwd NAME` and `tonghopd users list` (branch season): how
// the first admin is made, and how a locked-out one gets a new password.
// The password is read from standard input (its first line), never from the
// command line, where `ps` would show it; on a terminal it is not echoed.
#include <iostream>
#include <string>

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include "api/passwords.hpp"
#include "app/commands.hpp"
#include "app/context.hpp"
#include "app/setup.hpp"
#include "store/store.hpp"

namespace tonghop::app {

namespace {

// One line of standard input, not echoed when it is a terminal.
std::optional<std::string> read_line(bool tty, const char* prompt) {
  termios old{};
  if (tty) {
    fmt::print(stderr, "{}", prompt);
    ::tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  const bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
    fmt::print(stderr, "\n");
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The password: from a terminal typed twice, unseen, so that a slip of the
// finger never becomes the password nobody knows; from a pipe (a script)
// its first line. Empty when the two differ.
std::optional<std::string> read_password(bool& differ) {
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  auto first = read_line(tty, "Mật khẩu / password: ");
  if (!first || !tty) return first;
  const auto again = read_line(tty, "Nhập lại mật khẩu / the password again: ");
  differ = !again || *again != *first;
  return first;
}

}  // namespace

int manage_users(const Options& options) {
  const auto& w = options.words;
  const std::string action = w.empty() ? "" : w[0];
  if (!((action == "add" || action == "passwd") && w.size() == 2) && !(action == "list" && w.size() == 1)) {
    fmt::print(stderr, "tonghopd: users needs add NAME --role R, passwd NAME or list\n{}", usage());
    return 2;
  }
  auto cfg = resolve_config(options);
  if (!cfg) {
    fmt::print(stderr, "tonghopd: {}\n", cfg.error());
    return 2;
  }
  auto store = store::Store::open(cfg->data_dir);
  if (!store) {
    fmt::print(stderr, "tonghopd: {}\n", store.error());
    return 1;
  }
  const store::Principal by{"command line", "admin", ""};
  if (action == "list") {
    for (const auto& u : (*store)->users())
      fmt::print("{}\t{}\t{}\t{}\n", u.name, u.role, u.district.empty() ? "-" : u.district, u.disabled ? "disabled" : "enabled");
    return 0;
  }
  const std::string& name = w[1];
  store::User u{name, options.role.value_or(""), "", false, "", ""};
  if (action == "add") {
    if (auto why = api::bad_user_name(name)) {
      fmt::print(stderr, "tonghopd: {}\n", *why);
      return 2;
    }
    if (u.role == "district") {
      auto n = load_normalisation(*cfg);
      if (!n) {
        fmt::print(stderr, "tonghopd: {}\n", n.error());
        return 2;
      }
      const auto* d = (*n)->registry.find(options.district.value_or(""));
      if (d == nullptr) {
        fmt::print(stderr, "tonghopd: --district names no district of {}\n", (*n)->registry.province);
        return 2;
      }
      u.district = d->name;
    } else if (u.role != "admin" && u.role != "viewer") {
      fmt::print(stderr, "tonghopd: --role is admin, viewer or district\n");
      return 2;
    } else if (options.district) {
      fmt::print(stderr, "tonghopd: --district is for a district user only\n");
      return 2;
    }
    if ((*store)->user(name)) {
      fmt::print(stderr, "tonghopd: user {} exists (tonghopd users passwd {} gives a new password)\n", name, name);
      return 1;
    }
  } else if (!(*store)->user(name)) {
    fmt::print(stderr, "tonghopd: no user {}\n", name);
    return 1;
  }
  bool differ = false;
  const auto password = read_password(differ);
  if (!password) {
    fmt::print(stderr, "tonghopd: no password on standard input\n");
    return 2;
  }
  if (differ) {
    fmt::print(stderr, "tonghopd: hai lần nhập mật khẩu khác nhau, không có gì thay đổi / the two passwords differ; "
                       "nothing changed\n");
    return 1;
  }
  if (auto why = api::weak_password(*password, name)) {
    fmt::print(stderr, "tonghopd: {}\n", *why);
    return 2;
  }
  const auto hash = api::hash_password(*password);
  if (!hash) {
    fmt::print(stderr, "tonghopd: cannot hash the password (out of memory)\n");
    return 1;
  }
  store::Change done;
  if (action == "add") {
    done = (*store)->add_user(u, *hash, by);
  } else {
    store::UserChange c;
    c.password_hash = *hash;
    c.disabled = false;
    done = (*store)->update_user(name, c, by);
  }
  if (!done) {
    fmt::print(stderr, "tonghopd: {}\n", done.message);
    return 1;
  }
  fmt::print("{} {}\n", action == "add" ? "added" : "new password for", name);
  return 0;
}

}  // namespace tonghop::app
