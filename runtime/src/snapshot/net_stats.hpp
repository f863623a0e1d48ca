// snapshot/net_stats.hpp — network interface counters (/proc/net/dev) and listening sockets,
// as seen from the caller's network namespace.
//
// Owns the parsers (pure, over the file text) and the readers. A listening socket is a TCP
// socket in state LISTEN (0A) or an unconnected UDP socket (state 07, TCP_CLOSE): a UDP socket
// that called connect() is ESTABLISHED and is not reported. Which process owns a socket is
// not looked up (that takes a walk of every /proc/<pid>/fd); the inode and uid identify it.
//
// Where TCP listeners come from: reading /proc/net/tcp makes the kernel walk every bucket of
// the established-connection hash, whose size follows the machine's memory, not its
// connections — 5 ms per file on the project's VM with two sockets open. The sock_diag
// netlink dump `ss -lt` uses, asked for state LISTEN only, walks only the listening hash
// (~0.1 ms for IPv4 and IPv6 together). So TCP listeners are read with sock_diag (a local
// kernel query, no privilege needed, no subprocess) and /proc/net/tcp{,6} is the fallback
// when netlink is unavailable (a kernel without inet_diag, a seccomp sandbox). UDP listeners
// come from /proc/net/udp{,6}, which are cheap.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runtimo::snapshot {

struct InterfaceCounters {
  std::string name;
  std::uint64_t rx_bytes = 0, rx_packets = 0, rx_errors = 0;
  std::uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0;
};
std::vector<InterfaceCounters> parse_net_dev(std::string_view text);

struct ListeningSocket {
  std::string proto;    // "tcp", "tcp6", "udp" or "udp6"
  std::string address;  // textual (inet_ntop): "127.0.0.1", "::"
  std::uint16_t port = 0;
  std::uint64_t inode = 0;
  std::uint32_t uid = 0;
};
// Appends the listening sockets of one /proc/net/<proto> file to *out.
void parse_listening_sockets(std::string_view text, std::string_view proto,
                             std::vector<ListeningSocket> *out);

// Readers; `storage` is a reusable read buffer. Missing files yield nothing.
std::vector<InterfaceCounters> read_net_dev(std::string &storage);
// TCP listeners (sock_diag, else /proc/net/tcp{,6}) then UDP (/proc/net/udp{,6}).
std::vector<ListeningSocket> read_listening_sockets(std::string &storage);
// TCP listeners through sock_diag, IPv4 then IPv6; nullopt when netlink cannot answer.
std::optional<std::vector<ListeningSocket>> read_tcp_listeners_sock_diag();
// The listening sockets of /proc/net/<proto> for each of `protos` ("tcp", "tcp6", "udp",
// "udp6").
std::vector<ListeningSocket> read_listening_sockets_proc(std::initializer_list<const char *> protos,
                                                         std::string &storage);

}  // namespace runtimo::snapshot
