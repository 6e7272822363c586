// shequn-server's config file: bearer tokens, each scoped to communities
// and to read or write, and the TLS certificate. One directive a line:
//
//   # a bot that runs two communities
//   token 5f0c...e1 write club,bootcamp
//   token 9a7d...42 read *
//   tls_cert /etc/shequn/server.crt
//   tls_key  /etc/shequn/server.key
//
// `write` allows reads too; `*` is every community (and listing them all).
// Tokens are compared in constant time.
#ifndef SHEQUN_EXAMPLES_SERVER_ACCESS_H_
#define SHEQUN_EXAMPLES_SERVER_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace shequn::server {

enum class Need { kRead, kWrite };

struct TokenGrant {
  std::string token;
  bool write = false;
  std::vector<std::string> communities;  // "*" = all
};

struct ServerConfig {
  std::vector<TokenGrant> tokens;
  std::string tls_cert;  // PEM files; TLS is on when both are set
  std::string tls_key;
};

// InvalidArgument naming the line and the reason for a malformed file.
absl::StatusOr<ServerConfig> ParseServerConfig(absl::string_view text);

class Access {
 public:
  explicit Access(std::vector<TokenGrant> grants) : grants_(std::move(grants)) {}

  // `authorization` is the metadata value ("Bearer <token>"). Unauthenticated
  // when missing or unknown; PermissionDenied when the token does not cover
  // `community` with `need`.
  absl::Status Check(absl::string_view authorization, absl::string_view community, Need need) const;
  // Unauthenticated as above; otherwise whether the token may see `community`
  // (ListCommunities shows only those).
  absl::StatusOr<const TokenGrant*> Authenticate(absl::string_view authorization) const;
  static bool Covers(const TokenGrant& grant, absl::string_view community);

 private:
  std::vector<TokenGrant> grants_;
};

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_ACCESS_H_
