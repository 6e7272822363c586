// A snapshot that is not whole is refused, never restored in part: cut
// short at any length, a bit flipped anywhere, written by a newer library.
// And an event id is a retry only when the event is the same.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/random_events.h"
#include "support/reseal.h"
#include "support/scenario.h"

namespace shequn {
namespace {

using ::shequn::testing::Community;
using ::shequn::testing::kBusyCommunity;
using ::shequn::testing::kDay;
using ::shequn::testing::ParseConfig;
using ::testing::HasSubstr;
using Code = absl::StatusCode;

// A paid bootcamp-like community a few days in: members, a ledger, strikes.
class SnapshotIntegrity : public ::testing::Test {
 protected:
  SnapshotIntegrity() : config_(ParseConfig(kBusyCommunity)), c_(config_) {
    for (const char* who : {"ann", "bob", "cai"}) {
      v1::Event join = c_.Make(who);
      join.mutable_apply()->set_accepted_rules(true);
      join.mutable_apply()->set_nickname("安|杭州");
      join.mutable_apply()->set_deposit_paid_cents(500);
      c_.Must(join);
    }
    v1::Event bonus = c_.Make("owner");
    bonus.mutable_adjust_points()->set_member("bob");
    bonus.mutable_adjust_points()->set_amount(30);
    bonus.mutable_adjust_points()->set_reason("helped a newcomer");
    c_.Must(bonus);
    c_.Advance(kDay);
    bytes_ = c_.engine().SnapshotBytes();
  }

  // Restore from `bytes`: a parse failure or a refusal naming the seal (or
  // another snapshot field) is what a host must get, never another state.
  // A flip protobuf's parser reads as the same value (a bool of 3 for 1)
  // restores the very state it was taken of; that one is fine.
  void ExpectRefused(const std::string& bytes, absl::string_view why) {
    v1::CommunitySnapshot snap;
    if (!snap.ParseFromString(bytes)) return;
    absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config_, snap);
    if (restored.ok()) {
      EXPECT_EQ((*restored)->SnapshotBytes(), bytes_) << why << ": restored another state";
      return;
    }
    EXPECT_EQ(restored.status().code(), Code::kInvalidArgument) << restored.status();
    EXPECT_THAT(restored.status().message(), HasSubstr("snapshot.")) << restored.status();
  }

  v1::CommunityConfig config_;
  Community c_;
  std::string bytes_;
};

TEST_F(SnapshotIntegrity, TheWholeSnapshotRestoresToTheSameBytes) {
  v1::CommunitySnapshot snap;
  ASSERT_TRUE(snap.ParseFromString(bytes_));
  ASSERT_TRUE(snap.has_seal());
  // The seal covers every byte before it and comes last.
  v1::CommunitySnapshot only_seal;
  *only_seal.mutable_seal() = snap.seal();
  EXPECT_EQ(snap.seal().bytes() + SerializeDeterministic(only_seal).size(), bytes_.size());
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config_, snap);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->SnapshotBytes(), bytes_);
  // Snapshot() and SnapshotBytes() agree.
  EXPECT_EQ(SerializeDeterministic(c_.engine().Snapshot()), bytes_);
}

TEST_F(SnapshotIntegrity, ASnapshotCutShortAtAnyLengthIsRefused) {
  // Before the seal, the ledger or the strikes could be lost silently at
  // some of these lengths.
  for (size_t length = 0; length < bytes_.size(); ++length) {
    ExpectRefused(bytes_.substr(0, length), absl::StrCat("cut at ", length));
  }
}

TEST_F(SnapshotIntegrity, ASnapshotWithAnyBitFlippedIsRefused) {
  // CRC-32 catches every single-bit error: every bit of every byte is
  // tried, one at a time, against the one config (a restore is the cost).
  // Checked against a seal blind to bits 1, 2, 4, 5 and 6 (those the test
  // once skipped): 1,584 flips restored another state and this test failed.
  for (size_t byte = 0; byte < bytes_.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string flipped = bytes_;
      flipped[byte] = static_cast<char>(flipped[byte] ^ (1 << bit));
      ExpectRefused(flipped, absl::StrCat("bit ", bit, " of byte ", byte));
    }
  }
}

TEST_F(SnapshotIntegrity, ASnapshotWithoutItsSealIsRefusedNamingIt) {
  v1::CommunitySnapshot snap;
  ASSERT_TRUE(snap.ParseFromString(bytes_));
  snap.clear_seal();
  absl::StatusOr<std::unique_ptr<Engine>> restored = Engine::Restore(config_, snap);
  ASSERT_FALSE(restored.ok());
  EXPECT_THAT(restored.status().message(), HasSubstr("snapshot.seal: missing"));
}

TEST_F(SnapshotIntegrity, ASnapshotFromANewerOrAnotherMajorVersionIsRefused) {
  v1::CommunitySnapshot snap;
  ASSERT_TRUE(snap.ParseFromString(bytes_));
  for (const char* version : {"0.99.0", "1.0.0", "", "latest", "0.2", "0.2.0.1", "-1.0.0"}) {
    SCOPED_TRACE(version);
    snap.set_shequn_version(version);
    absl::StatusOr<std::unique_ptr<Engine>> restored =
        Engine::Restore(config_, testing::Resealed(snap));
    ASSERT_FALSE(restored.ok());
    EXPECT_THAT(restored.status().message(), HasSubstr("snapshot.shequn_version"));
  }
  snap.set_shequn_version("0.1.7");  // an older writer of this major version
  EXPECT_TRUE(Engine::Restore(config_, testing::Resealed(snap)).ok());
}

TEST(EventIds, ARetryIsADuplicateAndAnIdReusedWithOtherContentIsRefused) {
  const v1::CommunityConfig config = ParseConfig(kBusyCommunity);
  Community c(config);
  v1::Event join = c.Make("ann");
  join.mutable_apply()->set_accepted_rules(true);
  join.mutable_apply()->set_nickname("安|杭州");
  join.mutable_apply()->set_deposit_paid_cents(500);
  c.Must(join);
  absl::StatusOr<v1::Outcome> retry = c.engine().Apply(join);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate());
  EXPECT_EQ(retry->actions_size(), 0);

  // A host that numbers events per chat and reuses "e1" in another chat
  // would lose the second event without a word.
  v1::Event other = join;
  other.set_actor("bob");
  c.ExpectRejected(other, Code::kAlreadyExists,
                   "id: event 'e1' was applied before with other content");
  v1::Event changed = join;
  changed.mutable_apply()->set_nickname("安|上海");
  c.ExpectRejected(changed, Code::kAlreadyExists, "id: event 'e1'");

  // The digests are in the snapshot: the same holds after a restore.
  absl::StatusOr<std::unique_ptr<Engine>> restored =
      Engine::Restore(config, c.engine().Snapshot());
  ASSERT_TRUE(restored.ok()) << restored.status();
  c.ReplaceEngine(*std::move(restored));
  c.ExpectRejected(other, Code::kAlreadyExists, "id: event 'e1'");
  retry = c.engine().Apply(join);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_TRUE(retry->duplicate());
}

}  // namespace
}  // namespace shequn
