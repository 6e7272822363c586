// A C++ client of shequn-server (proto/shequn/v1/service.proto): one
// channel, one bearer token, and each call's gRPC status turned into an
// absl::Status with the server's code and message ("community_id: unknown
// community 'x'"). The benchmark and the crash test use it; a C++ bot can
// too (link the `shequn_client` target of examples/server).
//
//   shequn::server::Client client("localhost:7700", token);
//   absl::StatusOr<shequn::v1::StepResponse> r = client.Step("fans", event);
//
// Retries: with `ClientOptions::retries`, Step and StepBatch are sent again
// after UNAVAILABLE or DEADLINE_EXCEEDED (a server restarting, a lost
// answer). That is safe because the server answers a logged event id with
// the stored outcome (`duplicate` set) instead of applying it twice.
//
// Thread-safety: every method may be called from many threads at once
// (gRPC channels and stubs are thread-safe). Each call blocks for its round
// trips, each at most `deadline`.
#ifndef SHEQUN_EXAMPLES_SERVER_CLIENT_H_
#define SHEQUN_EXAMPLES_SERVER_CLIENT_H_

#include <functional>
#include <memory>
#include <span>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "shequn/v1/service.grpc.pb.h"

namespace shequn::server {

struct ClientOptions {
  // The server's certificate (PEM), or a root that signed it: TLS. Empty:
  // plaintext, for loopback and tests.
  std::string tls_root_cert;
  // Per round trip. Default: 30 s.
  absl::Duration deadline = absl::Seconds(30);
  // Times Step and StepBatch are resent after UNAVAILABLE or
  // DEADLINE_EXCEEDED, waiting `retry_wait` between tries. Default: none.
  int retries = 0;
  absl::Duration retry_wait = absl::Milliseconds(200);
};

class Client {
 public:
  // Connects lazily: the first call opens the channel. `address` is
  // host:port; `token` is sent as `authorization: Bearer <token>`.
  Client(const std::string& address, std::string token, ClientOptions options = {});

  absl::StatusOr<v1::CommunityInfo> CreateCommunity(const v1::CreateCommunityRequest& r);
  absl::StatusOr<v1::CommunityInfo> UpdateConfig(const v1::UpdateConfigRequest& r);
  absl::StatusOr<v1::ListCommunitiesResponse> ListCommunities();
  absl::Status DeleteCommunity(const std::string& community);

  // One event; the engine's refusal is the returned status.
  absl::StatusOr<v1::StepResponse> Step(const std::string& community, const v1::Event& event);
  // Up to 1,000 events in order, each accepted or refused on its own.
  absl::StatusOr<v1::StepBatchResponse> StepBatch(const std::string& community,
                                                  std::span<const v1::Event> events);

  // Streams outcomes to `on_outcome` until it returns false (then OK) or
  // the stream fails (its status). No deadline: it waits for new outcomes.
  absl::Status WatchActions(const v1::WatchActionsRequest& r,
                            const std::function<bool(const v1::WatchedOutcome&)>& on_outcome);

  // Engine::SnapshotBytes() of the community as the server holds it.
  absl::StatusOr<std::string> SnapshotBytes(const std::string& community);

  // Any other call of the service, e.g.
  //   client.Call(&v1::Shequn::Stub::GetMember, query)
  // returns absl::StatusOr<v1::MemberRecord>.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (v1::Shequn::Stub::*method)(grpc::ClientContext*,
                                                                         const Request&, Response*),
                                const Request& request) {
    Response response;
    grpc::ClientContext ctx;
    Prepare(ctx, true);
    grpc::Status s = (stub_.get()->*method)(&ctx, request, &response);
    if (!s.ok()) return ToStatus(s);
    return response;
  }

  // A gRPC status as an absl::Status: the same code and message.
  static absl::Status ToStatus(const grpc::Status& s);

 private:
  void Prepare(grpc::ClientContext& ctx, bool deadline) const;
  // Call, resent as ClientOptions::retries allows.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Retried(
      grpc::Status (v1::Shequn::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      const Request& request);

  std::string authorization_;
  ClientOptions options_;
  std::unique_ptr<v1::Shequn::Stub> stub_;
};

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_CLIENT_H_
