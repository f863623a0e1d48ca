// snapshot/net_stats.hpp — network interface counters (/proc/net/dev) and listening sockets
// (/proc/net/{tcp,tcp6,udp,udp6}), as seen from the caller's network namespace.
//
// Owns the parsers (pure, over the file text) and the readers. A listening socket is a TCP
// socket in state LISTEN (0A) or an unconnected UDP socket (state 07, TCP_CLOSE): a UDP socket
// that called connect() is ESTABLISHED and is not reported. Which process owns a socket is
// not looked up (that takes a walk of every /proc/<pid>/fd); the inode and uid identify it.
#pragma once

#include <cstdint>
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
std::vector<ListeningSocket> read_listening_sockets(std::string &storage);

}  // namespace runtimo::snapshot
