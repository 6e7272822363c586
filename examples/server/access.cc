#include "access.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace shequn::server {
namespace {

bool SameToken(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

absl::StatusOr<ServerConfig> ParseServerConfig(absl::string_view text) {
  ServerConfig config;
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++n;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> words = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("config line ", n, ": ", why));
    };
    if (words[0] == "tls_cert" || words[0] == "tls_key") {
      if (words.size() != 2) return bad(absl::StrCat(words[0], " takes one file name"));
      (words[0] == "tls_cert" ? config.tls_cert : config.tls_key) = std::string(words[1]);
      continue;
    }
    if (words[0] != "token") return bad(absl::StrCat("unknown directive '", words[0], "'"));
    if (words.size() != 4) return bad("expected: token SECRET read|write COMMUNITY[,COMMUNITY...]|*");
    if (words[1].size() < 16) return bad("a token must be at least 16 characters");
    if (words[2] != "read" && words[2] != "write") return bad("scope must be read or write");
    TokenGrant grant{std::string(words[1]), words[2] == "write",
                     absl::StrSplit(words[3], ',', absl::SkipEmpty())};
    if (grant.communities.empty()) return bad("no community named");
    config.tokens.push_back(std::move(grant));
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return absl::InvalidArgumentError("config: tls_cert and tls_key go together");
  }
  return config;
}

bool Access::Covers(const TokenGrant& grant, absl::string_view community) {
  return std::any_of(grant.communities.begin(), grant.communities.end(),
                     [&](const std::string& c) { return c == "*" || c == community; });
}

absl::StatusOr<const TokenGrant*> Access::Authenticate(absl::string_view authorization) const {
  if (authorization.empty()) {
    return absl::UnauthenticatedError("authorization: no bearer token (metadata 'authorization: Bearer <token>')");
  }
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ")) {
    return absl::UnauthenticatedError("authorization: expected 'Bearer <token>'");
  }
  const TokenGrant* found = nullptr;
  for (const TokenGrant& g : grants_) {
    if (SameToken(g.token, token)) found = &g;
  }
  if (found == nullptr) return absl::UnauthenticatedError("authorization: unknown token");
  return found;
}

absl::Status Access::Check(absl::string_view authorization, absl::string_view community,
                           Need need) const {
  absl::StatusOr<const TokenGrant*> grant = Authenticate(authorization);
  if (!grant.ok()) return grant.status();
  if (!Covers(**grant, community)) {
    return absl::PermissionDeniedError(
        absl::StrCat("authorization: the token does not cover community '", community, "'"));
  }
  if (need == Need::kWrite && !(*grant)->write) {
    return absl::PermissionDeniedError(
        absl::StrCat("authorization: the token may only read community '", community, "'"));
  }
  return absl::OkStatus();
}

}  // namespace shequn::server
