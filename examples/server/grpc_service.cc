#include "grpc_service.h"

#include <string>
#include <utility>

namespace shequn::server {
namespace {

grpc::Status ToGrpc(const absl::Status& s) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()), std::string(s.message()));
}

std::string Authorization(const grpc::ServerContext* ctx) {
  auto it = ctx->client_metadata().find("authorization");
  if (it == ctx->client_metadata().end()) return "";
  return std::string(it->second.data(), it->second.size());
}

class Service final : public v1::Shequn::Service {
 public:
  Service(Host& host, const Access& access) : host_(host), access_(access) {}

  grpc::Status CreateCommunity(grpc::ServerContext* ctx, const v1::CreateCommunityRequest* r,
                               v1::CommunityInfo* out) override {
    return Serve(ctx, r->community_id(), Need::kWrite, out, [&] { return host_.Create(*r); });
  }
  grpc::Status UpdateConfig(grpc::ServerContext* ctx, const v1::UpdateConfigRequest* r,
                            v1::CommunityInfo* out) override {
    return Serve(ctx, r->community_id(), Need::kWrite, out, [&] { return host_.UpdateConfig(*r); });
  }
  grpc::Status ListCommunities(grpc::ServerContext* ctx, const v1::ListCommunitiesRequest*,
                               v1::ListCommunitiesResponse* out) override {
    absl::StatusOr<const TokenGrant*> grant = access_.Authenticate(Authorization(ctx));
    if (!grant.ok()) return ToGrpc(grant.status());
    absl::StatusOr<v1::ListCommunitiesResponse> all = host_.List();
    if (!all.ok()) return ToGrpc(all.status());
    for (const v1::CommunityInfo& c : all->communities()) {
      if (Access::Covers(**grant, c.community_id())) *out->add_communities() = c;
    }
    return grpc::Status::OK;
  }
  grpc::Status DeleteCommunity(grpc::ServerContext* ctx, const v1::DeleteCommunityRequest* r,
                               v1::DeleteCommunityResponse* out) override {
    return Serve(ctx, r->community_id(), Need::kWrite, out,
                 [&]() -> absl::StatusOr<v1::DeleteCommunityResponse> {
                   if (absl::Status s = host_.Delete(r->community_id()); !s.ok()) return s;
                   return v1::DeleteCommunityResponse();
                 });
  }

  grpc::Status Step(grpc::ServerContext* ctx, const v1::StepRequest* r,
                    v1::StepResponse* out) override {
    return Serve(ctx, r->community_id(), Need::kWrite, out, [&] { return host_.Step(*r); });
  }
  grpc::Status StepBatch(grpc::ServerContext* ctx, const v1::StepBatchRequest* r,
                         v1::StepBatchResponse* out) override {
    return Serve(ctx, r->community_id(), Need::kWrite, out, [&] { return host_.StepBatch(*r); });
  }
  grpc::Status WatchActions(grpc::ServerContext* ctx, const v1::WatchActionsRequest* r,
                            grpc::ServerWriter<v1::WatchedOutcome>* writer) override {
    for (const v1::WatchFrom& from : r->communities()) {
      absl::Status s = access_.Check(Authorization(ctx), from.community_id(), Need::kRead);
      if (!s.ok()) return ToGrpc(s);
    }
    return ToGrpc(host_.Watch(
        *r, [&](const v1::WatchedOutcome& w) { return writer->Write(w); },
        [&] { return ctx->IsCancelled(); }));
  }

  grpc::Status GetMember(grpc::ServerContext* ctx, const v1::MemberQuery* r,
                         v1::MemberRecord* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Member(*r); });
  }
  grpc::Status GetAudit(grpc::ServerContext* ctx, const v1::MemberQuery* r,
                        v1::AuditResponse* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Audit(*r); });
  }
  grpc::Status GetStrikes(grpc::ServerContext* ctx, const v1::MemberQuery* r,
                          v1::StrikesResponse* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Strikes(*r); });
  }
  grpc::Status GetLedger(grpc::ServerContext* ctx, const v1::MemberQuery* r,
                         v1::MemberLedger* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Ledger(*r); });
  }
  grpc::Status GetLeaderboard(grpc::ServerContext* ctx, const v1::BoardRequest* r,
                              v1::BoardPage* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Leaderboard(*r); });
  }
  grpc::Status GetRank(grpc::ServerContext* ctx, const v1::BoardRequest* r,
                       v1::BoardRow* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Rank(*r); });
  }
  grpc::Status GetPage(grpc::ServerContext* ctx, const v1::BoardRequest* r,
                       v1::BoardPage* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Page(*r); });
  }
  grpc::Status GetPoll(grpc::ServerContext* ctx, const v1::PollQuery* r,
                       v1::PollResult* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Poll(*r); });
  }
  grpc::Status GetReport(grpc::ServerContext* ctx, const v1::ReportQuery* r,
                         v1::Report* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Report(*r); });
  }
  grpc::Status GetSegmentMembers(grpc::ServerContext* ctx, const v1::SegmentQuery* r,
                                 v1::MemberIds* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.SegmentMembers(*r); });
  }
  grpc::Status SearchMembers(grpc::ServerContext* ctx, const v1::SearchQuery* r,
                             v1::MemberList* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Search(*r); });
  }
  grpc::Status GetPending(grpc::ServerContext* ctx, const v1::CommunityRef* r,
                          v1::MemberList* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Pending(r->community_id()); });
  }
  grpc::Status GetWaitlist(grpc::ServerContext* ctx, const v1::CommunityRef* r,
                           v1::MemberList* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Waitlist(r->community_id()); });
  }
  grpc::Status GetSnapshot(grpc::ServerContext* ctx, const v1::CommunityRef* r,
                           v1::SnapshotResponse* out) override {
    return Read(ctx, r->community_id(), out, [&] { return host_.Snapshot(r->community_id()); });
  }

 private:
  // Checks the token, then runs `call` and moves its result into `out`.
  template <typename Response, typename Call>
  grpc::Status Serve(grpc::ServerContext* ctx, const std::string& community, Need need,
                     Response* out, Call call) {
    if (absl::Status s = access_.Check(Authorization(ctx), community, need); !s.ok()) {
      return ToGrpc(s);
    }
    absl::StatusOr<Response> result = call();
    if (!result.ok()) return ToGrpc(result.status());
    *out = *std::move(result);
    return grpc::Status::OK;
  }
  template <typename Response, typename Call>
  grpc::Status Read(grpc::ServerContext* ctx, const std::string& community, Response* out,
                    Call call) {
    return Serve(ctx, community, Need::kRead, out, std::move(call));
  }

  Host& host_;
  const Access& access_;
};

}  // namespace

std::unique_ptr<v1::Shequn::Service> MakeGrpcService(Host& host, const Access& access) {
  return std::make_unique<Service>(host, access);
}

}  // namespace shequn::server
