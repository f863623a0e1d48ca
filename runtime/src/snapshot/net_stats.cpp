// snapshot/net_stats.cpp — /proc/net/dev and /proc/net/{tcp,tcp6,udp,udp6}.
#include "snapshot/net_stats.hpp"

#include "snapshot/proc_files.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>

namespace runtimo::snapshot {
namespace {

constexpr std::string_view kTcpListen = "0A";
constexpr std::string_view kUdpUnconnected = "07";  // TCP_CLOSE

bool parse_hex32(std::string_view text, std::uint32_t *out) {
  if (text.size() != 8) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + 8, *out, 16);
  return ec == std::errc{} && end == text.data() + 8;
}

// "0100007F:1F90" (IPv4) or 32 hex digits ":" port (IPv6). The kernel prints each 32-bit word
// of the address as a native-endian integer, so copying the parsed words back to memory
// restores the network byte order on any host.
bool parse_endpoint(std::string_view text, bool v6, std::string *address, std::uint16_t *port) {
  const std::size_t colon = text.find(':');
  const std::size_t words = v6 ? 4 : 1;
  if (colon != words * 8) return false;
  std::uint32_t raw[4] = {};
  for (std::size_t i = 0; i < words; ++i)
    if (!parse_hex32(text.substr(i * 8, 8), &raw[i])) return false;
  const std::string_view port_hex = text.substr(colon + 1);
  const auto [end, ec] =
      std::from_chars(port_hex.data(), port_hex.data() + port_hex.size(), *port, 16);
  if (ec != std::errc{} || end != port_hex.data() + port_hex.size()) return false;
  unsigned char bytes[16];
  std::memcpy(bytes, raw, words * 4);
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, buf, sizeof buf) == nullptr) return false;
  *address = buf;
  return true;
}

// One sock_diag dump of the TCP sockets of `family` in state LISTEN, appended to *out. False
// when the kernel refuses (no inet_diag) or the reply cannot be read.
bool dump_tcp_listeners(int fd, int family, std::vector<ListeningSocket> *out) {
  struct {
    nlmsghdr header;
    inet_diag_req_v2 request;
  } message{};
  message.header.nlmsg_len = sizeof message;
  message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  message.header.nlmsg_seq = static_cast<std::uint32_t>(family);
  message.request.sdiag_family = static_cast<std::uint8_t>(family);
  message.request.sdiag_protocol = IPPROTO_TCP;
  message.request.idiag_states = 1u << TCP_LISTEN;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &message, sizeof message, 0, reinterpret_cast<sockaddr *>(&kernel),
               sizeof kernel) != static_cast<ssize_t>(sizeof message))
    return false;
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    ssize_t len = ::recv(fd, buf, sizeof buf, 0);
    if (len < 0 && errno == EINTR) continue;
    if (len <= 0) return false;
    for (auto *h = reinterpret_cast<nlmsghdr *>(buf); NLMSG_OK(h, static_cast<unsigned>(len));
         h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) return false;
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
          h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
        continue;
      const auto *m = static_cast<const inet_diag_msg *>(NLMSG_DATA(h));
      if (m->idiag_state != TCP_LISTEN) continue;
      const bool v6 = m->idiag_family == AF_INET6;
      char text[INET6_ADDRSTRLEN];
      if (::inet_ntop(v6 ? AF_INET6 : AF_INET, m->id.idiag_src, text, sizeof text) == nullptr)
        continue;
      ListeningSocket s;
      s.proto = v6 ? "tcp6" : "tcp";
      s.address = text;
      s.port = ntohs(m->id.idiag_sport);
      s.inode = m->idiag_inode;
      s.uid = m->idiag_uid;
      out->push_back(std::move(s));
    }
  }
}

}  // namespace

std::vector<InterfaceCounters> parse_net_dev(std::string_view text) {
  std::vector<InterfaceCounters> out;
  std::size_t pos = 0;
  while (const auto line = next_line(text, &pos)) {
    // "  eth0: 1234 ..." — the counters may follow the colon without a space.
    const std::size_t colon = line->find(':');
    if (colon == std::string_view::npos || line->find('|') != std::string_view::npos) continue;
    InterfaceCounters c;
    c.name = std::string(trim(line->substr(0, colon)));
    const std::string_view rest = line->substr(colon + 1);
    std::size_t fpos = 0;
    std::uint64_t v[16] = {};
    int n = 0;
    for (; n < 16; ++n)
      if (!parse_number(next_field(rest, &fpos), &v[n])) break;
    if (n < 11 || c.name.empty()) continue;
    // rx: bytes packets errs drop fifo frame compressed multicast; tx: bytes packets errs ...
    c.rx_bytes = v[0];
    c.rx_packets = v[1];
    c.rx_errors = v[2];
    c.tx_bytes = v[8];
    c.tx_packets = v[9];
    c.tx_errors = v[10];
    out.push_back(std::move(c));
  }
  return out;
}

void parse_listening_sockets(std::string_view text, std::string_view proto,
                             std::vector<ListeningSocket> *out) {
  const bool v6 = proto.size() > 3 && proto[3] == '6';
  const std::string_view wanted = proto.substr(0, 3) == "tcp" ? kTcpListen : kUdpUnconnected;
  std::size_t pos = 0;
  next_line(text, &pos);  // header
  while (const auto line = next_line(text, &pos)) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    std::size_t fpos = 0;
    next_field(*line, &fpos);
    const std::string_view local = next_field(*line, &fpos);
    next_field(*line, &fpos);
    const std::string_view state = next_field(*line, &fpos);
    if (state != wanted) continue;
    next_field(*line, &fpos);
    next_field(*line, &fpos);
    next_field(*line, &fpos);
    ListeningSocket s;
    if (!parse_number(next_field(*line, &fpos), &s.uid)) continue;
    next_field(*line, &fpos);
    if (!parse_number(next_field(*line, &fpos), &s.inode)) continue;
    if (!parse_endpoint(local, v6, &s.address, &s.port)) continue;
    s.proto = std::string(proto);
    out->push_back(std::move(s));
  }
}

std::vector<InterfaceCounters> read_net_dev(std::string &storage) {
  const auto text = read_file("/proc/net/dev", storage);
  return text ? parse_net_dev(*text) : std::vector<InterfaceCounters>{};
}

std::vector<ListeningSocket> read_listening_sockets_proc(std::initializer_list<const char *> protos,
                                                         std::string &storage) {
  std::vector<ListeningSocket> out;
  for (const char *proto : protos) {
    const std::string path = std::string("/proc/net/") + proto;
    if (const auto text = read_file(path.c_str(), storage))
      parse_listening_sockets(*text, proto, &out);
  }
  return out;
}

std::optional<std::vector<ListeningSocket>> read_tcp_listeners_sock_diag() {
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) return std::nullopt;
  std::vector<ListeningSocket> out;
  bool ok = true;
  for (const int family : {AF_INET, AF_INET6}) {
    if (!dump_tcp_listeners(fd, family, &out)) {
      ok = false;
      break;
    }
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  return out;
}

std::vector<ListeningSocket> read_listening_sockets(std::string &storage) {
  std::vector<ListeningSocket> out;
  if (auto tcp = read_tcp_listeners_sock_diag())
    out = std::move(*tcp);
  else
    out = read_listening_sockets_proc({"tcp", "tcp6"}, storage);
  std::vector<ListeningSocket> udp = read_listening_sockets_proc({"udp", "udp6"}, storage);
  out.insert(out.end(), std::make_move_iterator(udp.begin()), std::make_move_iterator(udp.end()));
  return out;
}

}  // namespace runtimo::snapshot
