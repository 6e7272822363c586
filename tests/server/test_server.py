"""shequn-server through its Python client: a knowledge community from a
preset, the members' events, the operator's questions, the bot's action
stream, and every way a call is refused without changing anything."""
import os
import pathlib
import signal
import sqlite3
import threading
import time

import grpc
import pytest
from google.protobuf import text_format

from conftest import ADMIN, OTHER, READER, Server, pb, pb_grpc
from shequn.v1 import action_pb2, common_pb2, config_pb2, event_pb2

T0 = 1_700_000_000_000
MINUTE = 60_000


def apply_event(eid, t, member, nickname):
    e = event_pb2.Event(id=eid, time_ms=t, actor=member)
    e.apply.nickname = nickname
    e.apply.accepted_rules = True
    e.apply.attributes["field"] = "design"
    return e


def approve_event(eid, t, member):
    e = event_pb2.Event(id=eid, time_ms=t, actor="founder")
    e.approve.member = member
    return e


def message_event(eid, t, member, text):
    e = event_pb2.Event(id=eid, time_ms=t, actor=member, group="circle")
    e.message.message_id = "m-" + eid
    e.message.text = text
    return e


def step(server, community, event, token=ADMIN):
    return server.call("Step", pb.StepRequest(community_id=community, event=event), token)


def snapshot(server, community):
    return server.call("GetSnapshot", pb.CommunityRef(community_id=community)).snapshot


def refused(code, call, *args, **kwargs):
    with pytest.raises(grpc.RpcError) as err:
        call(*args, **kwargs)
    assert err.value.code() == code, err.value.details()
    return err.value.details()


@pytest.fixture(scope="module")
def club(server):
    """A knowledge community where ann applied, was approved and swore."""
    server.call("CreateCommunity",
                pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
    step(server, "club", apply_event("e1", T0, "ann", "Ann"))
    step(server, "club", apply_event("e2", T0 + MINUTE, "bob", "Bob"))
    step(server, "club", approve_event("e3", T0 + 2 * MINUTE, "ann"))
    step(server, "club", message_event("e4", T0 + 3 * MINUTE, "ann", "you idiot"))
    return "club"


def test_an_application_waits_for_the_founder_then_the_member_is_in(server, club):
    pending = server.call("GetPending", pb.CommunityRef(community_id=club)).members
    assert [m.id for m in pending] == ["bob"]
    ann = server.call("GetMember", pb.MemberQuery(community_id=club, member_id="ann"))
    assert ann.status == common_pb2.MEMBER_STATUS_ACTIVE
    found = server.call("SearchMembers", pb.SearchQuery(community_id=club, nickname_prefix="An"))
    assert [m.id for m in found.members] == ["ann"]
    assert len(server.call("GetWaitlist", pb.CommunityRef(community_id=club)).members) == 0


def test_why_was_ann_warned_the_audit_names_the_rule(server, club):
    audit = server.call("GetAudit", pb.MemberQuery(community_id=club, member_id="ann")).entries
    assert len(audit) == 1 and "abuse" in str(audit[0])
    strikes = server.call("GetStrikes", pb.MemberQuery(community_id=club, member_id="ann"))
    assert strikes.live_strikes == 1


def test_boards_ledger_report_and_listing_answer(server, club):
    board = server.call("GetLeaderboard", pb.BoardRequest(community_id=club, k=5))
    assert board.ranked >= 1
    server.call("GetLedger", pb.MemberQuery(community_id=club, member_id="ann"))
    server.call("GetReport", pb.ReportQuery(community_id=club, now_ms=T0 + 10 * MINUTE))
    listed = server.call("ListCommunities", pb.ListCommunitiesRequest()).communities
    assert "club" in [c.community_id for c in listed]


def test_a_retry_returns_the_stored_outcome_and_changes_nothing(server, club):
    before = snapshot(server, club)
    again = step(server, club, message_event("e4", T0 + 3 * MINUTE, "ann", "you idiot"))
    assert again.outcome.duplicate and again.seq == 4
    assert len(again.outcome.actions) > 0
    assert snapshot(server, club) == before


def test_the_same_id_with_other_content_is_refused(server, club):
    before = snapshot(server, club)
    details = refused(grpc.StatusCode.ALREADY_EXISTS, step, server, club,
                      message_event("e4", T0 + 3 * MINUTE, "ann", "something else"))
    assert "event.id" in details
    assert snapshot(server, club) == before


def test_a_batch_is_applied_in_order_each_event_on_its_own(server):
    server.call("CreateCommunity", pb.CreateCommunityRequest(community_id="batch", preset="knowledge_community"))
    events = [apply_event("b1", T0, "cat", "Cat"),
              approve_event("b2", T0 + MINUTE, "nobody"),  # unknown member: rejected
              approve_event("b3", T0 + 2 * MINUTE, "cat")]
    results = server.call("StepBatch", pb.StepBatchRequest(community_id="batch", events=events)).results
    assert [r.WhichOneof("result") for r in results] == ["outcome", "rejection", "outcome"]
    assert results[1].rejection.code == grpc.StatusCode.NOT_FOUND.value[0]
    assert [r.seq for r in results] == [1, 2, 3]
    again = server.call("StepBatch", pb.StepBatchRequest(community_id="batch", events=events)).results
    assert again[1].rejection == results[1].rejection and again[2].outcome.duplicate


def test_a_bot_watches_every_action_and_resumes_where_it_stopped(server, club):
    def watch(after, count):
        stream = server.call("WatchActions", pb.WatchActionsRequest(
            communities=[pb.WatchFrom(community_id=club, after_seq=after)]))
        got = []
        for item in stream:
            got.append(item)
            if len(got) == count:
                stream.cancel()
                break
        return got

    first = watch(0, 4)
    assert [w.seq for w in first] == [1, 2, 3, 4]
    assert first[3].outcome.event_id == "e4"
    live = []
    watcher = threading.Thread(target=lambda: live.extend(watch(4, 1)))
    watcher.start()
    step(server, club, message_event("e5", T0 + 4 * MINUTE, "ann", "thanks all"))
    watcher.join(timeout=30)
    assert [w.outcome.event_id for w in live] == ["e5"]


# ---- Access control: each refusal changes nothing ---------------------------

def test_refused_without_a_valid_token_or_outside_its_scope(server, club):
    before = snapshot(server, club)
    event = message_event("x1", T0 + 5 * MINUTE, "ann", "hello")
    for token, code in [(None, grpc.StatusCode.UNAUTHENTICATED),
                        ("not-a-token-000000000000000", grpc.StatusCode.UNAUTHENTICATED),
                        (READER, grpc.StatusCode.PERMISSION_DENIED),
                        (OTHER, grpc.StatusCode.PERMISSION_DENIED)]:
        refused(code, step, server, club, event, token)
        refused(code, server.call, "UpdateConfig",
                pb.UpdateConfigRequest(community_id=club, config=config_pb2.CommunityConfig()), token)
        refused(code, server.call, "DeleteCommunity", pb.DeleteCommunityRequest(community_id=club), token)
    refused(grpc.StatusCode.PERMISSION_DENIED, server.call, "GetMember",
            pb.MemberQuery(community_id=club, member_id="ann"), OTHER)
    refused(grpc.StatusCode.PERMISSION_DENIED, server.call, "CreateCommunity",
            pb.CreateCommunityRequest(community_id="club2", preset="knowledge_community"), READER)
    assert snapshot(server, club) == before
    names = [c.community_id for c in server.call("ListCommunities", pb.ListCommunitiesRequest()).communities]
    assert "club2" not in names


def test_a_read_token_reads_and_lists_only_its_communities(server, club):
    member = server.call("GetMember", pb.MemberQuery(community_id=club, member_id="ann"), READER)
    assert member.id == "ann"
    listed = server.call("ListCommunities", pb.ListCommunitiesRequest(), READER).communities
    assert [c.community_id for c in listed] == ["club"]


# ---- Bad input: the status names the field, nothing changes ------------------

def test_a_malformed_config_is_refused_naming_the_field(server):
    config = config_pb2.CommunityConfig(id="bad")
    config.groups.add(id="g1", stage=common_pb2.FUNNEL_STAGE_RETENTION)
    config.groups.add(id="g1", stage=common_pb2.FUNNEL_STAGE_RETENTION)
    details = refused(grpc.StatusCode.INVALID_ARGUMENT, server.call, "CreateCommunity",
                      pb.CreateCommunityRequest(community_id="bad", config=config))
    assert details.startswith("config: groups[1].id") and "g1" in details, details
    names = [c.community_id for c in server.call("ListCommunities", pb.ListCommunitiesRequest()).communities]
    assert "bad" not in names
    refused(grpc.StatusCode.NOT_FOUND, server.call, "CreateCommunity",
            pb.CreateCommunityRequest(community_id="bad", preset="no_such_preset"))
    refused(grpc.StatusCode.INVALID_ARGUMENT, server.call, "CreateCommunity",
            pb.CreateCommunityRequest(community_id="bad"))


def test_a_rule_change_keeps_the_members_and_a_bad_one_changes_nothing(server, club):
    before = snapshot(server, club)
    broken = config_pb2.CommunityConfig(id="knowledge")  # drops the group its members are in
    refused(grpc.StatusCode.INVALID_ARGUMENT, server.call, "UpdateConfig",
            pb.UpdateConfigRequest(community_id=club, config=broken))
    assert snapshot(server, club) == before


def test_oversized_and_invalid_events_are_refused_naming_the_field(server, club):
    before = snapshot(server, club)
    big = event_pb2.Event(id="big", time_ms=T0 + 6 * MINUTE, actor="ann")
    big.rename.nickname = "x" * (1 << 20)
    assert "nickname" in refused(grpc.StatusCode.INVALID_ARGUMENT, step, server, club, big)
    no_id = message_event("", T0 + 6 * MINUTE, "ann", "hi")
    assert "id" in refused(grpc.StatusCode.INVALID_ARGUMENT, step, server, club, no_id)
    too_many = [message_event(f"n{i}", T0 + 6 * MINUTE, "ann", "hi") for i in range(1001)]
    assert "events" in refused(grpc.StatusCode.INVALID_ARGUMENT, server.call, "StepBatch",
                               pb.StepBatchRequest(community_id=club, events=too_many))
    assert "community_id" in refused(grpc.StatusCode.INVALID_ARGUMENT, step, server, "no spaces!", no_id)
    assert snapshot(server, club) == before


def test_unknown_and_deleted_communities_are_not_found(server):
    event = apply_event("d1", T0, "dan", "Dan")
    assert "unknown community" in refused(grpc.StatusCode.NOT_FOUND, step, server, "nowhere", event)
    server.call("CreateCommunity", pb.CreateCommunityRequest(community_id="gone", preset="knowledge_community"))
    step(server, "gone", event)
    server.call("DeleteCommunity", pb.DeleteCommunityRequest(community_id="gone"))
    assert "deleted" in refused(grpc.StatusCode.NOT_FOUND, step, server, "gone", event)
    assert "deleted" in refused(grpc.StatusCode.NOT_FOUND, server.call, "GetMember",
                                pb.MemberQuery(community_id="gone", member_id="dan"))
    refused(grpc.StatusCode.ALREADY_EXISTS, server.call, "CreateCommunity",
            pb.CreateCommunityRequest(community_id="gone", preset="knowledge_community"))


# ---- Restarts ------------------------------------------------------------------

def test_a_killed_server_restarts_with_every_acknowledged_event(tmp_path):
    s = Server(str(tmp_path))
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
        for i in range(12):  # past two snapshots (every 5 events) and a log tail
            step(s, "club", apply_event(f"k{i}", T0 + i * MINUTE, f"m{i}", f"M{i}"))
        before = snapshot(s, "club")
        s.stop(signal.SIGKILL)
        s.start()
        assert snapshot(s, "club") == before
        assert step(s, "club", apply_event("k3", T0 + 3 * MINUTE, "m3", "M3")).outcome.duplicate
    finally:
        s.stop()


def test_a_rule_change_applies_at_once_and_survives_a_crash(tmp_path):
    preset = pathlib.Path(__file__).parents[2] / "examples" / "presets" / "knowledge_community.textproto"
    config = text_format.Parse(preset.read_text(encoding="utf-8"), config_pb2.CommunityConfig())
    s = Server(str(tmp_path))
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", config=config))
        step(s, "club", apply_event("r1", T0, "ann", "Ann"))
        step(s, "club", approve_event("r2", T0 + MINUTE, "ann"))
        quiet = step(s, "club", message_event("r3", T0 + 2 * MINUTE, "ann", "what a dummkopf"))
        assert not any(a.kind == action_pb2.ACTION_KIND_WARN_PRIVATELY for a in quiet.outcome.actions)
        for words in config.rules.word_lists:
            if words.category == "abuse":
                words.words.append("dummkopf")
        s.call("UpdateConfig", pb.UpdateConfigRequest(community_id="club", config=config))
        s.stop(signal.SIGKILL)
        s.start()
        warned = step(s, "club", message_event("r4", T0 + 3 * MINUTE, "ann", "such a dummkopf"))
        assert any(a.kind == action_pb2.ACTION_KIND_WARN_PRIVATELY for a in warned.outcome.actions)
    finally:
        s.stop()


def test_with_a_certificate_configured_the_server_speaks_only_tls(tmp_path):
    s = Server(str(tmp_path), tls=True)
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
        listed = s.call("ListCommunities", pb.ListCommunitiesRequest()).communities
        assert [c.community_id for c in listed] == ["club"]
        with grpc.insecure_channel(s.address) as plain:
            stub = pb_grpc.ShequnStub(plain)
            with pytest.raises(grpc.RpcError) as err:
                stub.ListCommunities(pb.ListCommunitiesRequest(),
                                     metadata=[("authorization", f"Bearer {ADMIN}")], timeout=10)
            assert err.value.code() == grpc.StatusCode.UNAVAILABLE
    finally:
        s.stop()


def test_an_idle_community_is_evicted_to_its_snapshot_and_loads_again(tmp_path):
    # Snapshots by count or age never come due here: only eviction writes one.
    s = Server(str(tmp_path), flags=["--evict-seconds", "1", "--snapshot-every", "1000000",
                                     "--snapshot-seconds", "1000000"])
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
        for i in range(3):
            step(s, "club", apply_event(f"v{i}", T0 + i * MINUTE, f"m{i}", f"M{i}"))
        before = snapshot(s, "club")
        db = sqlite3.connect(os.path.join(str(tmp_path), "shequn.db"))
        deadline = time.monotonic() + 60
        while db.execute("SELECT MAX(seq) FROM snapshots WHERE community = 'club'").fetchone()[0] != 3:
            assert time.monotonic() < deadline, "the idle community was never evicted"
            time.sleep(0.2)
        db.close()
        assert snapshot(s, "club") == before
        assert step(s, "club", apply_event("v1", T0 + MINUTE, "m1", "M1")).outcome.duplicate
    finally:
        s.stop()


# ---- The server clock --------------------------------------------------------

DAY = 24 * 60 * MINUTE


def test_the_clock_removes_a_silent_newcomer_without_any_event_and_a_replay_repeats_it(tmp_path):
    # Ann was approved four days ago and never introduced herself: the
    # preset reminds at 48 hours and removes a day later. No event has come
    # since (an event's time would run the timers); the server restarts
    # with the clock on and nobody sends anything.
    now = int(time.time() * 1000)
    s = Server(str(tmp_path))
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
        step(s, "club", apply_event("c1", now - 4 * DAY, "ann", "Ann"))
        step(s, "club", approve_event("c2", now - 4 * DAY + MINUTE, "ann"))
    finally:
        s.stop(signal.SIGKILL)
    s.flags = ["--clock", "on"]
    s.start()
    try:
        watch = s.stub.WatchActions(
            pb.WatchActionsRequest(communities=[pb.WatchFrom(community_id="club", after_seq=2)]),
            metadata=[("authorization", f"Bearer {ADMIN}")], timeout=60)
        ran = next(watch)
        watch.cancel()
        assert ran.seq == 3 and ran.clock_ms >= now - 2_000, ran
        kinds = {(a.kind, a.member) for a in ran.outcome.actions}
        assert (action_pb2.ACTION_KIND_REMIND, "ann") in kinds
        assert (action_pb2.ACTION_KIND_REMOVE, "ann") in kinds
        member = lambda m: s.call("GetMember", pb.MemberQuery(community_id="club", member_id=m))
        assert member("ann").status == common_pb2.MEMBER_STATUS_REMOVED
        # An event stamped before the clock's run is refused like any late event.
        refused(grpc.StatusCode.OUT_OF_RANGE, step, s, "club",
                apply_event("c3", now - 2 * DAY, "bob", "Bob"))
        after_clock = snapshot(s, "club")
    finally:
        s.stop(signal.SIGKILL)
    s.flags = []  # clock off: the state after a restart is the log's replay alone
    s.start()
    try:
        assert snapshot(s, "club") == after_clock
    finally:
        s.stop()


def test_the_clock_wakes_an_evicted_community_when_its_timer_falls_due(tmp_path):
    # Ann's 48-hour reminder falls due a few seconds from now; the community
    # is evicted after a second idle and must be loaded again for it.
    now = int(time.time() * 1000)
    s = Server(str(tmp_path), flags=["--clock", "on", "--clock-lag-ms", "0", "--evict-seconds", "1"])
    try:
        s.call("CreateCommunity", pb.CreateCommunityRequest(community_id="club", preset="knowledge_community"))
        step(s, "club", apply_event("w1", now - 2 * DAY, "ann", "Ann"))
        step(s, "club", approve_event("w2", now - 2 * DAY + 4_000, "ann"))
        watch = s.stub.WatchActions(
            pb.WatchActionsRequest(communities=[pb.WatchFrom(community_id="club", after_seq=2)]),
            metadata=[("authorization", f"Bearer {ADMIN}")], timeout=60)
        ran = next(watch)
        watch.cancel()
        assert ran.clock_ms >= now + 4_000, ran
        assert [(a.kind, a.member) for a in ran.outcome.actions] == [(action_pb2.ACTION_KIND_REMIND, "ann")]
    finally:
        s.stop()
