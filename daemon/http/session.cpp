// One HTTP connection (Boost.Beast). The only translation unit that includes
// Beast: it is slow to compile, so it stays here.
//
// Per request: the timeout is set before every read; the head is read first
// under the header limit (431 past it); the route's body limit is then looked
// up and a declared Content-Length past it is answered 413 at once, before
// any of the body is read; a chunked body past it stops with 413 too.
// Before that, the Service admits the head (authentication: 401 or 429
// without "100 Continue" and without reading the body), and an HTTP/1.1
// request without Host is refused (400). Once its body is to be read, the
// Service may begin work from the head (Service::body_coming: a dry run's
// index of the previous period), dropped if the body is then refused.
//
// A body the Service wants in a memory file (Service::body_to_file: an
// import's return, its length declared) is read from the socket straight
// into a memfd of that length, under the same limit and timeout, and handed
// over mapped (Request::body_file); a body without a declared length, or a
// memfd that cannot be made, is read into a string as before.
//
// Per response: the timeout is set before every write too, so a client that
// stops reading is cut off. A body is sent from where it is (the session's
// string, or a cache's shared one, not copied); a streamed body
// (Response::producer) goes out in chunks, one producer call per write.
#include <sys/mman.h>
#include <unistd.h>

#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cerrno>
#include <optional>

#include "http/refusals.hpp"
#include "http/server_state.hpp"

namespace tonghop::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

class Session final : public Connection, public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    boost::system::error_code ec;
    const auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }
  ~Session() override {
    drop_file();
    state_->remove(this);
  }

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->read_head(); });
  }

  void begin_drain() override {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->draining_ = true;
      // Idle: waiting for a request of which nothing has arrived yet.
      if (self->waiting_head_ && self->parser_ && !self->parser_->got_some() && self->buffer_.size() == 0)
        self->close();
    });
  }

 private:
  void read_head() {
    if (state_->draining) return close();
    const auto opts = state_->options.load();
    drop_file();
    parser_.emplace();
    parser_->header_limit(opts->header_limit);
    parser_->body_limit(boost::none);  // the route's limit is applied once the head is known
    head_ = Request{};
    counted_ = false;
    waiting_head_ = true;
    stream_.expires_after(opts->read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, std::size_t) {
                               self->on_head(ec);
                             });
  }

  void on_head(beast::error_code ec) {
    waiting_head_ = false;
    if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted) return close();
    if (ec == beast::error::timeout) return parser_->got_some() ? fail(refusal::head_too_slow()) : close();
    if (ec == bhttp::error::header_limit)
      return fail(refusal::head_too_large());
    if (ec) return parser_->got_some() ? fail(refusal::malformed(ec.message())) : close();

    const auto& msg = parser_->get();
    head_.method = std::string(msg.method_string());
    head_.target = std::string(msg.target());
    head_.remote = remote_;
    for (const auto& field : msg) head_.headers.emplace_back(field.name_string(), field.value());
    state_->service.started(head_);
    counted_ = true;
    if (msg.version() >= 11 && msg.find(bhttp::field::host) == msg.end())
      return fail(refusal::no_host());
    // Nothing of the body has been asked for yet: a refusal here ends the
    // connection unless the request had no body.
    if (auto refusal = state_->service.admit(head_))
      return write(std::move(*refusal), parser_->is_done() && msg.keep_alive());

    const std::uint64_t limit = state_->service.body_limit(head_);
    if (const auto length = parser_->content_length(); length && *length > limit)
      return fail(refusal::body_too_large(*length, limit, state_->service.file_limit(head_)));
    parser_->body_limit(limit);
    // A client that asked whether to send the body (curl does for large
    // uploads) hears "go on" now instead of waiting out its own timeout.
    const bool go_on = beast::iequals(msg[bhttp::field::expect], "100-continue") && !parser_->is_done();
    // What the handler will need, begun while the body arrives.
    if (!parser_->is_done()) state_->service.body_coming(head_);
    to_file();
    if (go_on) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(state_->options.load()->read_timeout);
      return net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                              [self = shared_from_this()](beast::error_code e, std::size_t) {
                                if (e) return self->close();
                                self->read_body();
                              });
    }
    read_body();
  }

  // Reads the body straight into a memfd when the Service wants one and the
  // body's length is declared (so the limit was checked above): the memfd is
  // sized and mapped at once, and the socket read into the mapping, up to
  // kFileRead a read (read_file_body). (Beast's parser reads 64 KiB at a
  // time, each through the session's buffer and a write(2) into the file:
  // for a return of 135 MB, 2,000 turns of the event loop and a second
  // copy; issue 18.)
  void to_file() {
    const auto length = parser_->content_length();
    if (!length || *length == 0 || parser_->is_done() || !state_->service.body_to_file(head_)) return;
    const int fd = ::memfd_create("tonghop-return", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) return;
    const auto size = static_cast<std::size_t>(*length);
    void* map = ::ftruncate(fd, static_cast<off_t>(size)) == 0
                    ? ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
                    : MAP_FAILED;
    if (map == MAP_FAILED) {  // not possible: the string as before
      ::close(fd);
      return;
    }
    // What of the body came with the head, written (a shortage of memory is
    // an error here, where a store into the mapping would be a signal).
    const net::const_buffer came = buffer_.data();  // (a flat_buffer: one piece)
    const std::size_t got = std::min(came.size(), size);
    if (got != 0 && ::pwrite(fd, came.data(), got, 0) != static_cast<ssize_t>(got)) {
      ::munmap(map, size);
      ::close(fd);
      return;  // the string as before
    }
    buffer_.consume(got);
    body_fd_ = fd;
    body_map_ = static_cast<char*>(map);
    body_size_ = size;
    body_got_ = got;
    body_populated_ = 0;
    body_window_ = kFirstFileRead;
  }

  void read_body() {
    // The whole body within the read timeout, as Beast's read of a body.
    stream_.expires_after(state_->options.load()->read_timeout);
    if (body_map_ != nullptr) return read_file_body();
    // Reads are as large as the buffer's free space: a few KiB left from the
    // head would make a large upload tens of thousands of reads.
    const auto length = parser_->content_length();
    if (length && *length > kLargeRead) buffer_.reserve(buffer_.size() + kLargeRead);
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code e, std::size_t) { self->on_body(e); });
  }

  // A read into the mapping: as much as the last read's window if that
  // was filled, twice as much (to kFileRead), its pages made first. A
  // client that declares a large body and sends little holds little.
  void read_file_body() {
    if (body_got_ == body_size_) return on_body({});
    const std::size_t n = std::min(body_size_ - body_got_, body_window_);
    if (!populate(body_got_ + n)) return no_memory();
    stream_.async_read_some(net::buffer(body_map_ + body_got_, n),
                            [self = shared_from_this(), n](beast::error_code e, std::size_t got) {
                              self->body_got_ += got;
                              // Cut short: what Beast's parser says of it.
                              if (e == net::error::eof) return self->on_body(bhttp::error::partial_message);
                              if (e == boost::system::errc::bad_address) return self->no_memory();
                              if (e) return self->on_body(e);
                              if (got == n) self->body_window_ = std::min(2 * self->body_window_, kFileRead);
                              self->read_file_body();
                            });
  }

  // The memfd's pages made up to `end` (page-aligned, from where the last
  // call ended), rather than one fault at a time in the read. False when
  // there is no memory for them (an older kernel without
  // MADV_POPULATE_WRITE faults them in the read, as before).
  bool populate(std::size_t end) {
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t from = body_populated_, to = std::min(body_size_, (end + page - 1) / page * page);
    if (to <= from) return true;
#ifndef MADV_POPULATE_WRITE
    constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14
#endif
    if (::madvise(body_map_ + from, to - from, MADV_POPULATE_WRITE) != 0 && errno != EINVAL) return false;
    body_populated_ = to;
    return true;
  }

  // No memory for the body's pages: the server's shortage, not the client's
  // error; answered as a full import queue is (503 busy, Retry-After).
  void no_memory() {
    drop_file();
    head_.begun.reset();
    fail(refusal::no_memory_for_body());
  }

  // The memfd the body was written into, mapped read-only for the handler;
  // false when it could not be (the memfd is closed then).
  bool received_file() {
    const int fd = body_fd_;
    const std::size_t size = body_size_;
    ::munmap(body_map_, body_size_);  // (no writable mapping may stay: the import seals the memfd)
    body_fd_ = -1;
    body_map_ = nullptr;
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) {
      ::close(fd);
      return false;
    }
    head_.body_file = std::make_shared<const BodyFile>(fd, std::string_view(static_cast<const char*>(map), size));
    return true;
  }

  void drop_file() {
    if (body_map_ != nullptr) ::munmap(body_map_, body_size_);
    if (body_fd_ >= 0) ::close(body_fd_);
    body_fd_ = -1;
    body_map_ = nullptr;
  }

  void on_body(beast::error_code ec) {
    // What of the body came, for a refusal of one cut short.
    const std::uint64_t got = body_map_ != nullptr ? body_got_ : parser_->get().body().size();
    if (ec) {
      drop_file();
      head_.begun.reset();  // the request goes no further: what was begun for it stops
    }
    if (ec == bhttp::error::body_limit)
      return fail(refusal::body_too_large(std::nullopt, state_->service.body_limit(head_),
                                          state_->service.file_limit(head_)));
    const bool file = state_->service.file_limit(head_) != 0;
    if (ec == beast::error::timeout) return fail(refusal::body_too_slow(file));
    if (ec == net::error::operation_aborted) return finish_uncounted();
    if (ec == bhttp::error::partial_message) {
      const auto declared = parser_->content_length();
      return fail(refusal::body_cut_short(got, declared ? std::optional<std::uint64_t>(*declared) : std::nullopt, file));
    }
    if (ec) return fail(refusal::malformed(ec.message()));

    const bool keep_alive = parser_->get().keep_alive();
    if (body_map_ != nullptr) {
      if (!received_file()) return fail(refusal::body_not_kept());
    } else {
      head_.body = std::move(parser_->get().body());
    }
    buffer_.shrink_to_fit();
    // An import is answered from a worker thread, back on this strand.
    if (state_->service.handle_async(head_, [self = shared_from_this(), keep_alive](Response r) {
          net::post(self->stream_.get_executor(), [self, keep_alive, r = std::move(r)]() mutable {
            self->head_.body.clear();
            self->head_.body.shrink_to_fit();
            self->head_.body_file.reset();
            self->write(std::move(r), keep_alive);
          });
        })) {
      head_.body_file.reset();  // the request's copy keeps it until the answer
      head_.begun.reset();      // and this
      return;
    }
    Response response = state_->service.handle(head_);
    head_.begun.reset();
    head_.body.clear();
    head_.body.shrink_to_fit();
    head_.body_file.reset();
    write(std::move(response), keep_alive);
  }

  // Answers an error the server found itself, then closes the connection.
  void fail(Response answer) {
    if (!counted_) {
      head_.remote = remote_;
      state_->service.started(head_);
      counted_ = true;
    }
    write(std::move(answer), false);
  }

  void write(Response response, bool keep_alive) {
    const bool keep = keep_alive && !draining_ && !state_->draining;
    status_ = response.status;
    if (response.producer) return write_stream(std::move(response), keep);
    res_.emplace(static_cast<bhttp::status>(response.status), 11);
    res_->set(bhttp::field::server, "tonghopd");
    res_->set(bhttp::field::content_type, response.content_type);
    for (auto& [k, v] : response.headers) res_->set(k, v);
    res_->keep_alive(keep);
    // The body is kept by the session (its own string, or the cache's shared
    // one) and sent from where it is: a cached report is not copied.
    if (response.shared_body) shared_body_ = std::move(response.shared_body);
    else body_ = std::move(response.body);
    const std::string_view bytes = shared_body_ ? std::string_view(*shared_body_) : std::string_view(body_);
    res_->content_length(bytes.size());
    if (head_.method != "HEAD") res_->body() = bhttp::span_body<const char>::value_type(bytes.data(), bytes.size());
    stream_.expires_after(state_->options.load()->read_timeout);
    bhttp::async_write(stream_, *res_, [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
      self->on_write(ec, keep);
    });
  }

  // A streamed body (Response::producer): the head, then one chunk per call
  // of the producer, each write under the timeout, then the last chunk.
  void write_stream(Response response, bool keep) {
    head_res_.emplace(static_cast<bhttp::status>(response.status), 11);
    head_res_->set(bhttp::field::server, "tonghopd");
    head_res_->set(bhttp::field::content_type, response.content_type);
    for (auto& [k, v] : response.headers) head_res_->set(k, v);
    head_res_->keep_alive(keep);
    head_res_->chunked(true);
    if (head_.method != "HEAD") producer_ = std::move(response.producer);
    head_sr_.emplace(*head_res_);
    stream_.expires_after(state_->options.load()->read_timeout);
    bhttp::async_write_header(stream_, *head_sr_, [self = shared_from_this(), keep](beast::error_code ec, std::size_t) {
      if (ec || !self->producer_) return self->on_write(ec, keep);
      self->next_piece(keep);
    });
  }

  void next_piece(bool keep) {
    piece_.clear();
    Piece p = Piece::failed;
    // An empty piece is asked for again (a chunk of size 0 would end the
    // body); a producer that says "more" without bytes is bounded here.
    for (int tries = 0; tries < 1024 && piece_.empty(); ++tries) {
      try {
        p = producer_(piece_);
      } catch (const std::exception&) {
        p = Piece::failed;
      }
      if (p != Piece::more) break;
    }
    if (p == Piece::failed || (p == Piece::more && piece_.empty())) {
      // The head said 200 and part of the body went: the only honest end is
      // to cut the connection without the last chunk.
      status_ = 500;
      return on_write(beast::error_code(net::error::connection_aborted), false);
    }
    const bool last = p == Piece::done;
    stream_.expires_after(state_->options.load()->read_timeout);
    auto after = [self = shared_from_this(), keep, last](beast::error_code ec, std::size_t) {
      if (ec) return self->on_write(ec, keep);
      if (!last) return self->next_piece(keep);
      self->stream_.expires_after(self->state_->options.load()->read_timeout);
      net::async_write(self->stream_, bhttp::make_chunk_last(), [self, keep](beast::error_code e, std::size_t) {
        self->on_write(e, keep);
      });
    };
    if (piece_.empty()) return after({}, 0);  // done, with nothing more
    net::async_write(stream_, bhttp::make_chunk(net::buffer(piece_)), std::move(after));
  }

  void on_write(beast::error_code ec, bool keep) {
    if (counted_) state_->service.finished(head_, status_);
    counted_ = false;
    res_.reset();
    head_sr_.reset();
    head_res_.reset();
    producer_ = nullptr;
    std::string().swap(body_);  // a large body is not kept by an idle connection
    shared_body_.reset();
    if (piece_.capacity() > kKeptPiece) std::string().swap(piece_);
    if (ec) return close();
    if (!keep) return linger();
    read_head();
  }

  void finish_uncounted() {
    if (counted_) state_->service.finished(head_, 499);
    counted_ = false;
    close();
  }

  // After an answer that ends the connection (413, 400...), the client may
  // still be sending: stop sending, read and discard for a moment so the
  // client sees the answer instead of a reset, then close.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::chrono::seconds(2));
    discard_.resize(16 * 1024);
    discard();
  }
  void discard() {
    stream_.async_read_some(net::buffer(discard_), [self = shared_from_this()](beast::error_code e, std::size_t) {
      if (e || ++self->discarded_reads_ > 64) return self->close();
      self->discard();
    });
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerState> state_;
  static constexpr std::size_t kLargeRead = 1 << 20, kFirstFileRead = 64 << 10, kFileRead = 4 << 20;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  // Instead, for a body received into a memfd (to_file): the memfd, mapped
  // for writing while the body arrives, its size and what has arrived.
  int body_fd_ = -1;
  char* body_map_ = nullptr;
  std::size_t body_size_ = 0, body_got_ = 0, body_populated_ = 0, body_window_ = kFirstFileRead;
  std::optional<bhttp::response<bhttp::span_body<const char>>> res_;
  std::string body_;                                 // what res_ sends, or
  std::shared_ptr<const std::string> shared_body_;  // the cache's bytes it sends
  // A streamed body: its head, the head's serializer, the producer, the piece being written.
  std::optional<bhttp::response<bhttp::empty_body>> head_res_;
  std::optional<bhttp::response_serializer<bhttp::empty_body>> head_sr_;
  BodyProducer producer_;
  std::string piece_;
  static constexpr std::size_t kKeptPiece = 256u << 10;
  Request head_;
  std::string remote_;
  std::vector<char> discard_;
  unsigned status_ = 0;
  int discarded_reads_ = 0;
  bool counted_ = false;
  bool waiting_head_ = false;
  bool draining_ = false;
};

}  // namespace

void launch_session(tcp::socket socket, std::shared_ptr<ServerState> state) {
  auto session = std::make_shared<Session>(std::move(socket), state);
  state->add(session);
  session->run();
}

}  // namespace tonghop::http
