#include "client.h"

#include <chrono>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"

namespace shequn::server {
namespace {

std::shared_ptr<grpc::ChannelCredentials> Credentials(const ClientOptions& o) {
  if (o.tls_root_cert.empty()) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = o.tls_root_cert;
  return grpc::SslCredentials(ssl);
}

bool Transient(const grpc::Status& s) {
  return s.error_code() == grpc::StatusCode::UNAVAILABLE ||
         s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace

Client::Client(const std::string& address, std::string token, ClientOptions options)
    : authorization_(absl::StrCat("Bearer ", token)),
      options_(std::move(options)),
      stub_(v1::Shequn::NewStub(grpc::CreateChannel(address, Credentials(options_)))) {}

absl::Status Client::ToStatus(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

void Client::Prepare(grpc::ClientContext& ctx, bool deadline) const {
  ctx.AddMetadata("authorization", authorization_);
  if (deadline) ctx.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
}

template <typename Request, typename Response>
absl::StatusOr<Response> Client::Retried(
    grpc::Status (v1::Shequn::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request) {
  for (int attempt = 0;; ++attempt) {
    Response response;
    grpc::ClientContext ctx;
    Prepare(ctx, true);
    grpc::Status s = (stub_.get()->*method)(&ctx, request, &response);
    if (s.ok()) return response;
    if (!Transient(s) || attempt >= options_.retries) return ToStatus(s);
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(options_.retry_wait));
  }
}

absl::StatusOr<v1::CommunityInfo> Client::CreateCommunity(const v1::CreateCommunityRequest& r) {
  return Call(&v1::Shequn::Stub::CreateCommunity, r);
}

absl::StatusOr<v1::CommunityInfo> Client::UpdateConfig(const v1::UpdateConfigRequest& r) {
  return Call(&v1::Shequn::Stub::UpdateConfig, r);
}

absl::StatusOr<v1::ListCommunitiesResponse> Client::ListCommunities() {
  return Call(&v1::Shequn::Stub::ListCommunities, v1::ListCommunitiesRequest());
}

absl::Status Client::DeleteCommunity(const std::string& community) {
  v1::DeleteCommunityRequest r;
  r.set_community_id(community);
  return Call(&v1::Shequn::Stub::DeleteCommunity, r).status();
}

absl::StatusOr<v1::StepResponse> Client::Step(const std::string& community,
                                              const v1::Event& event) {
  v1::StepRequest r;
  r.set_community_id(community);
  *r.mutable_event() = event;
  return Retried(&v1::Shequn::Stub::Step, r);
}

absl::StatusOr<v1::StepBatchResponse> Client::StepBatch(const std::string& community,
                                                        std::span<const v1::Event> events) {
  v1::StepBatchRequest r;
  r.set_community_id(community);
  r.mutable_events()->Reserve(static_cast<int>(events.size()));
  for (const v1::Event& e : events) *r.add_events() = e;
  return Retried(&v1::Shequn::Stub::StepBatch, r);
}

absl::Status Client::WatchActions(const v1::WatchActionsRequest& r,
                                  const std::function<bool(const v1::WatchedOutcome&)>& on_outcome) {
  grpc::ClientContext ctx;
  Prepare(ctx, false);
  std::unique_ptr<grpc::ClientReader<v1::WatchedOutcome>> reader = stub_->WatchActions(&ctx, r);
  v1::WatchedOutcome outcome;
  while (reader->Read(&outcome)) {
    if (on_outcome(outcome)) continue;
    ctx.TryCancel();
    reader->Finish();  // CANCELLED, as asked
    return absl::OkStatus();
  }
  return ToStatus(reader->Finish());
}

absl::StatusOr<std::string> Client::SnapshotBytes(const std::string& community) {
  v1::CommunityRef r;
  r.set_community_id(community);
  absl::StatusOr<v1::SnapshotResponse> out = Call(&v1::Shequn::Stub::GetSnapshot, r);
  if (!out.ok()) return out.status();
  return std::move(*out->mutable_snapshot());
}

}  // namespace shequn::server
