// librabbitmq 0.11 (Debian bookworm) installs its headers at the include root.
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
