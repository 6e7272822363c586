// The demo's simulation: a seeded multi-group community fed day by day
// through the real shequn::Engine, as a host would feed it, and what came of
// it. Deterministic: the same seed and days give the same Result.
#ifndef SHEQUN_EXAMPLES_DEMO_SIMULATION_H_
#define SHEQUN_EXAMPLES_DEMO_SIMULATION_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace demo {

// What one local day looked like, sampled from Engine::Report at its end
// and from the actions and events of the day.
struct DaySample {
  int day = 0;                 // 0 = the first simulated day
  std::string date;            // YYYY-MM-DD
  uint32_t headcount = 0;      // community headcount
  uint32_t active = 0, moderate = 0, lurker = 0, inactive = 0;  // tiers
  uint32_t messages = 0;       // messages the engine accepted that day
  uint32_t check_ins = 0;      // check-ins the engine accepted that day
  uint32_t warn = 0, mute = 0, remove = 0, ban = 0;  // sanctions that day
  std::map<std::string, double> health;  // group id -> health score (0-100)
};

struct BoardEntry {
  uint32_t rank = 0;  // 1 = first
  std::string member, name, persona;
  int64_t score = 0;
};

struct GroupRow {
  std::string id, stage, opened_from;
  uint32_t headcount = 0, capacity = 0;
  double health = 0, participation = 0;
  bool dying = false;
};

struct Result {
  uint32_t seed = 0;
  int days = 0;
  std::string community;  // display name
  std::vector<DaySample> samples;
  std::vector<std::string> group_ids;  // every group, configured then opened

  // Admission: each application ends admitted, waitlisted, refused or
  // rejected by the engine (an error status, e.g. a banned applicant).
  int applications = 0, admitted = 0, waitlisted = 0, refused = 0, rejected_applications = 0;
  std::map<std::string, int> refused_by_reason;
  std::vector<std::string> groups_opened;
  int seated_from_waitlist = 0;
  int waitlist_at_end = 0;
  std::map<std::string, int> personas;  // applicants by personality

  // Onboarding ritual.
  int ritual_completed = 0, ritual_reminded = 0, ritual_removed = 0;

  // Rules.
  std::map<std::string, int> sanctions;  // warn, mute, remove, ban
  std::map<std::string, int> violations_by_category;
  int hidden_messages = 0, mediations = 0, risk_alerts = 0;

  // Funnel, points and the rest.
  int left = 0, promotions_suggested = 0, moves = 0, purchases = 0;
  int titles_granted = 0, split_suggestions = 0;
  std::vector<std::string> awards;       // "monthly-top3 2026-03-01 – 2026-03-31: a, b, c"
  std::string poll;                      // the poll's question and winner
  std::vector<BoardEntry> leaderboard;   // all-time community top 10
  std::vector<GroupRow> groups;          // at the end
  std::vector<std::string> dying_alerts;  // "2026-04-02 lobby-2"
  std::map<std::string, uint32_t> segments;  // operator segments' sizes at the end
  uint32_t core_users = 0;

  // Events fed to the engine.
  int64_t events_applied = 0, duplicates = 0;
  std::map<std::string, int> rejected_by_code;  // absl status code name -> count
  int64_t actions = 0;
};

// Runs the simulation: `days` local days from 2026-03-01 (UTC+8).
Result Simulate(uint32_t seed, int days);

// The short text summary printed on stdout and shown atop the HTML.
std::string TextSummary(const Result& r, const std::string& html_path);

}  // namespace demo

#endif  // SHEQUN_EXAMPLES_DEMO_SIMULATION_H_
