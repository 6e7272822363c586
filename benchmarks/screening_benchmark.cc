// Screening throughput, side by side with what a host would write instead:
//   (a) shequn::Screener       one pass: words + whitelist + 5 detectors
//   (b) naive find loop        lowercase the line, text.find(word) per word
//   (c) RE2::Set               the words (quoted) + detector regexes, one set
//   (d) Hyperscan              the words as literals + detector regexes, with
//                              HS_FLAG_SOM_LEFTMOST (match offsets) and
//                              without (end offsets only)
//   (e) one lookup per byte    a table read per byte: the floor any
//                              byte-at-a-time scanner pays
// over the same corpus of chat lines (Chinese and English, ~1 in 4 carrying
// a banned word or contact pattern), one line at a time as messages arrive.
// 10,000 banned words: real seed words plus generated plausible ones.
// Everything is generated from fixed seeds, so every run screens the same
// bytes. Prints a ratio table after the Google Benchmark output.
//
//   build/benchmarks/screening_benchmark
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "shequn/screening.h"
#include "smoke.h"

#ifdef SHEQUN_HAVE_RE2
#include "re2/re2.h"
#include "re2/set.h"
#endif
#ifdef SHEQUN_HAVE_HYPERSCAN
#include <hs/hs.h>
#endif

namespace {

const size_t kWordCount = shequn_bench::Sized<size_t>(10'000, 100);
const size_t kLineCount = shequn_bench::Sized<size_t>(4'000, 20);

// ---- Deterministic word list and corpus ------------------------------------

const std::vector<std::string> kSeedWords = {
    "傻逼", "操你妈", "草泥马", "废物", "脑残", "滚蛋", "去死", "贱人",
    "fuck", "shit", "bitch", "asshole", "idiot", "moron", "loser",
    "黑鬼", "支那", "娘炮", "retard", "色情", "约炮", "裸聊", "porn",
    "加微信", "代购", "刷单", "兼职日结", "网赌", "博彩", "贷款", "办证",
    "免费领取", "点击链接", "扫码进群", "casino", "crypto pump", "free money",
    "法轮", "翻墙", "vpn", "游行", "股票推荐", "带你赚钱", "内部消息"};

// Characters for generated Chinese words: common in spam and abuse, so
// generated words are plausible and sometimes collide with real text.
const std::u32string kHanPool =
    U"赌博彩票代理刷单兼职返利贷款套现发票办证色情裸聊约炮援交黄片"
    U"傻蠢贱狗猪滚死废物垃圾脑残畜生杂种反动邪教翻墙暴乱独立游行示威"
    U"免费领取红包现金充值提现投资理财股票基金虚拟货币挖矿空投"
    U"私聊加群扫码进群客服咨询优惠秒杀特价包邮直播带货网红";

std::string Utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string HanWord(std::mt19937_64& rng) {
  std::u32string w;
  const int len = 2 + static_cast<int>(rng() % 3);
  while (static_cast<int>(w.size()) < len) {
    const char32_t c = kHanPool[rng() % kHanPool.size()];
    if (w.empty() || w.back() != c) w += c;  // no "死死": words, not stutter
  }
  return Utf8(w);
}

std::string LatinWord(std::mt19937_64& rng) {
  static constexpr char kConsonants[] = "bcdfghjklmnprstvwxz";
  static constexpr char kVowels[] = "aeiou";
  std::string w;
  const int syllables = 2 + static_cast<int>(rng() % 3);
  for (int i = 0; i < syllables; ++i) {
    w += kConsonants[rng() % (sizeof kConsonants - 1)];
    w += kVowels[rng() % (sizeof kVowels - 1)];
  }
  if (rng() % 2) w += kConsonants[rng() % (sizeof kConsonants - 1)];
  return w;
}

std::vector<std::string> BannedWords() {
  std::mt19937_64 rng(20261126);
  std::vector<std::string> words = kSeedWords;
  while (words.size() < kWordCount) {
    words.push_back(rng() % 2 ? HanWord(rng) : LatinWord(rng));
  }
  return words;
}

const std::vector<std::string> kCleanLines = {
    "大家好，今天的作业已经提交了，请老师查收",
    "明天早上八点准时打卡，别忘了",
    "这本书的第三章讲得真好，推荐大家看看",
    "周末有人一起去爬山吗？天气预报说是晴天",
    "谢谢群主分享的资料，学到了很多",
    "我这周的读书笔记写完了，欢迎指正",
    "有没有人知道报名截止时间是哪天",
    "收到，马上处理",
    "Good morning everyone, the meetup starts at 7pm tonight",
    "Thanks for the notes, the second chapter finally makes sense",
    "Can someone share the slides from yesterday's session?",
    "I finished the exercise, took me about two hours",
    "Reminder: please check in before Friday",
    "新品试用的反馈表我已经填好了",
    "这个产品的续航真的不错，用了一周才充一次电",
    "哈哈哈哈笑死我了",
    "今天的直播几点开始？",
    "Welcome to the group! Please introduce yourself",
};

const std::vector<std::string> kPatternSnippets = {
    "加我微信 abc12345 详聊", "vx: wxid_88aa99 拉你进群", "电话 138 0013 8000",
    "联系 +86 139-1234-5678", "QQ号：12345678", "扣扣 987654321",
    "点这里 https://t.cn/A6abcd 领红包", "www.cheap-deals.com/promo",
    "DM me for the link", "私聊我有福利", "去 baidu . com 搜一下",
    "１３９ ８８８８ ６６６６ 随时打"};

// SHEQUN_BENCH_ASCII=1 screens English lines only (ASCII-heavy text); the
// summary then also prints the 1 GB/s goal for such text.
bool AsciiOnly() {
  const char* v = std::getenv("SHEQUN_BENCH_ASCII");
  return v != nullptr && v[0] == '1';
}

std::vector<std::string> Corpus(const std::vector<std::string>& words) {
  std::mt19937_64 rng(7);
  std::vector<std::string> lines;
  std::vector<std::string> clean;
  for (const std::string& l : kCleanLines) {
    if (!AsciiOnly() || static_cast<unsigned char>(l[0]) < 0x80) clean.push_back(l);
  }
  for (size_t i = 0; i < kLineCount; ++i) {
    std::string line = clean[rng() % clean.size()];
    switch (rng() % 8) {
      case 0:  // a banned word, sometimes spaced out to dodge filters
        line += rng() % 2 ? " " + words[rng() % words.size()] + " 真的"
                          : " " + words[rng() % kSeedWords.size()];
        break;
      case 1:
        line += " " + kPatternSnippets[rng() % kPatternSnippets.size()];
        break;
      default:
        line += " " + clean[rng() % clean.size()];
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

struct Fixture {
  std::vector<std::string> words = BannedWords();
  std::vector<std::string> lines = Corpus(words);
  size_t bytes = 0;
  Fixture() {
    for (const std::string& l : lines) bytes += l.size();
  }
};

const Fixture& Data() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

// Build times and throughput, filled as the benchmarks run, for the table.
std::map<std::string, double> g_build_ms;

double MsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(
             std::chrono::steady_clock::now() - start)
      .count();
}

// ---- (a) shequn::Screener ---------------------------------------------------

const shequn::Screener& Shequn() {
  static const shequn::Screener* screener = [] {
    Data();  // generate the corpus outside the timed build
    const auto start = std::chrono::steady_clock::now();
    shequn::ScreenerOptions options;
    options.word_lists.push_back({"banned", Data().words});
    options.whitelist = {"scunthorpe", "习惯"};
    auto built = shequn::Screener::Create(options);
    if (!built.ok()) std::abort();
    g_build_ms["shequn"] = MsSince(start);
    return new shequn::Screener(*std::move(built));
  }();
  return *screener;
}

void BM_Shequn(benchmark::State& state) {
  const shequn::Screener& screener = Shequn();
  shequn::ScreenResult result;
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : Data().lines) {
      screener.Screen(line, &result);
      flagged += !result.matches.empty();
    }
    benchmark::DoNotOptimize(flagged);
  }
  state.SetBytesProcessed(state.iterations() * Data().bytes);
  state.counters["flagged_lines"] = flagged;
  state.counters["automaton_MiB"] = screener.MemoryBytes() / 1048576.0;
}
BENCHMARK(BM_Shequn)->Unit(benchmark::kMillisecond)->MinTime(shequn_bench::MinTime(0.5));

// ---- (b) naive: lowercase, then find each word ------------------------------

void BM_NaiveFind(benchmark::State& state) {
  const std::vector<std::string>& words = Data().words;
  std::string lower;
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : Data().lines) {
      lower = line;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t hits = 0;
      for (const std::string& w : words) {
        for (size_t p = lower.find(w); p != std::string::npos;
             p = lower.find(w, p + 1)) {
          ++hits;
        }
      }
      flagged += hits > 0;
    }
    benchmark::DoNotOptimize(flagged);
  }
  state.SetBytesProcessed(state.iterations() * Data().bytes);
  state.counters["flagged_lines"] = flagged;
}
BENCHMARK(BM_NaiveFind)->Unit(benchmark::kMillisecond)->MinTime(shequn_bench::MinTime(0.5));

// ---- (c) RE2::Set -----------------------------------------------------------

#ifdef SHEQUN_HAVE_RE2
// The detectors written as regexes a host might use.
const std::vector<std::string> kPatternRegexes = {
    R"((?:https?://|www\.)[a-z0-9./?=&%_-]+)",
    R"([a-z0-9-]+\s*\.\s*(?:com|cn|net|org|io|cc|top|xyz|vip)\b)",
    R"((?:\+?86[\s-]*)?1[3-9](?:[\s-]*[0-9]){9})",
    R"((?:wx|vx|v信|微信|威信|加v|加我)[\s:：号]*[a-z0-9_-]{5,20})",
    R"((?:qq|扣扣)[\s:：号]*[0-9]{5,11})",
    R"(加我|加好友|私聊我|私信我|add me|dm me|pm me)"};

const RE2::Set& Re2Set() {
  static const RE2::Set* set = [] {
    Data();  // generate the corpus outside the timed build
    const auto start = std::chrono::steady_clock::now();
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_max_mem(int64_t{1} << 30);
    auto* s = new RE2::Set(options, RE2::UNANCHORED);
    for (const std::string& w : Data().words) {
      if (s->Add(RE2::QuoteMeta(w), nullptr) < 0) std::abort();
    }
    for (const std::string& p : kPatternRegexes) {
      if (s->Add(p, nullptr) < 0) std::abort();
    }
    if (!s->Compile()) std::abort();
    g_build_ms["RE2::Set"] = MsSince(start);
    return s;
  }();
  return *set;
}

void BM_Re2Set(benchmark::State& state) {
  const RE2::Set& set = Re2Set();
  std::vector<int> which;
  RE2::Set::ErrorInfo error;
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : Data().lines) {
      which.clear();
      if (!set.Match(line, &which, &error) &&
          error.kind != RE2::Set::kNoError) {
        state.SkipWithError("RE2::Set ran out of DFA memory");
        return;
      }
      flagged += !which.empty();
    }
    benchmark::DoNotOptimize(flagged);
  }
  state.SetBytesProcessed(state.iterations() * Data().bytes);
  state.counters["flagged_lines"] = flagged;
}
BENCHMARK(BM_Re2Set)->Unit(benchmark::kMillisecond)->MinTime(shequn_bench::MinTime(0.5));
#endif

// ---- (d) Hyperscan ------------------------------------------------------------

#ifdef SHEQUN_HAVE_HYPERSCAN
// The same detectors as for RE2, in Hyperscan's PCRE dialect.
const std::vector<std::string> kHsRegexes = {
    R"((?:https?://|www\.)[a-z0-9./?=&%_-]+)",
    R"([a-z0-9-]+\s*\.\s*(?:com|cn|net|org|io|cc|top|xyz|vip)\b)",
    R"((?:\+?86[\s-]*)?1[3-9](?:[\s-]*[0-9]){9})",
    R"((?:wx|vx|v信|微信|威信|加v|加我)[\s:：号]*[a-z0-9_-]{5,20})",
    R"((?:qq|扣扣)[\s:：号]*[0-9]{5,11})",
    R"(加我|加好友|私聊我|私信我|add me|dm me|pm me)"};

std::string HexEscape(const std::string& w) {
  std::string out;
  char buf[8];
  for (unsigned char c : w) {
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
  }
  return out;
}

struct HsDb {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
};

const HsDb& Hyperscan(bool som) {
  static HsDb dbs[2];
  HsDb& d = dbs[som];
  if (d.db != nullptr) return d;
  Data();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> patterns;
  for (const std::string& w : Data().words) patterns.push_back(HexEscape(w));
  for (const std::string& p : kHsRegexes) patterns.push_back(p);
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < patterns.size(); ++i) {
    exprs.push_back(patterns[i].c_str());
    flags.push_back(HS_FLAG_CASELESS |
                    (som ? HS_FLAG_SOM_LEFTMOST : HS_FLAG_SINGLEMATCH));
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr,
                       &d.db, &error) != HS_SUCCESS) {
    std::fprintf(stderr, "hyperscan: %s\n", error->message);
    std::abort();
  }
  if (hs_alloc_scratch(d.db, &d.scratch) != HS_SUCCESS) std::abort();
  g_build_ms[som ? "hs-som" : "hs"] = MsSince(start);
  return d;
}

int CountMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
  ++*static_cast<size_t*>(ctx);
  return 0;
}

void BM_Hyperscan(benchmark::State& state) {
  const HsDb& d = Hyperscan(state.range(0) != 0);
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : Data().lines) {
      size_t hits = 0;
      hs_scan(d.db, line.data(), static_cast<unsigned>(line.size()), 0, d.scratch,
              CountMatch, &hits);
      flagged += hits > 0;
    }
    benchmark::DoNotOptimize(flagged);
  }
  state.SetBytesProcessed(state.iterations() * Data().bytes);
  state.counters["flagged_lines"] = flagged;
}
BENCHMARK(BM_Hyperscan)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(shequn_bench::MinTime(0.5));
#endif

// ---- (e) one table lookup per byte ---------------------------------------------

void BM_LookupPerByte(benchmark::State& state) {
  std::array<uint8_t, 256> table{};
  for (int i = 0; i < 256; ++i) table[i] = static_cast<uint8_t>(i * 7 + 1);
  size_t flagged = 0;
  for (auto _ : state) {
    flagged = 0;
    for (const std::string& line : Data().lines) {
      uint32_t h = 0;
      for (unsigned char c : line) h = h * 31 + table[c];
      flagged += (h & 1023) == 0;
    }
    benchmark::DoNotOptimize(flagged);
  }
  state.SetBytesProcessed(state.iterations() * Data().bytes);
}
BENCHMARK(BM_LookupPerByte)->Unit(benchmark::kMillisecond)->MinTime(shequn_bench::MinTime(0.5));

// Keeps each run's bytes/second for the summary table.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> rate;
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("bytes_per_second");
      if (it != run.counters.end()) rate[run.benchmark_name()] = it->second;
    }
    ConsoleReporter::ReportRuns(runs);
  }
};

void PrintSummary(const std::map<std::string, double>& rate) {
  // Run names carry suffixes such as "/min_time:0.500": match the prefix.
  const auto mb = [&](const std::string& name) {
    for (const auto& [run, value] : rate) {
      if (run.rfind(name, 0) == 0) return value / 1e6;
    }
    return 0.0;
  };
  const double shequn = mb("BM_Shequn"), naive = mb("BM_NaiveFind"),
               re2 = mb("BM_Re2Set"), hs_som = mb("BM_Hyperscan/1"),
               hs = mb("BM_Hyperscan/0"), lookup = mb("BM_LookupPerByte");
  std::printf("\nScreening %zu words over %zu %s chat lines (%zu bytes), one "
              "line at a time\n",
              kWordCount, kLineCount, AsciiOnly() ? "English" : "mixed Chinese/English",
              Data().bytes);
  std::printf("| engine | MB/s | shequn speed vs it | build ms |\n");
  std::printf("| --- | ---: | ---: | ---: |\n");
  const auto row = [&](const char* name, double v, const char* build) {
    auto b = g_build_ms.find(build);
    std::printf("| %s | %.1f | ", name, v);
    if (v > 0) {
      std::printf("%.2fx", shequn / v);
    } else {
      std::printf("-");
    }
    if (b != g_build_ms.end()) {
      std::printf(" | %.0f |\n", b->second);
    } else {
      std::printf(" | - |\n");
    }
  };
  row("shequn::Screener", shequn, "shequn");
  row("naive lowercase+find", naive, "");
  row("RE2::Set", re2, "RE2::Set");
  row("Hyperscan, HS_FLAG_SOM_LEFTMOST", hs_som, "hs-som");
  row("Hyperscan, end offsets only", hs, "hs");
  row("one table lookup per byte", lookup, "");
  // Issue #22's speed goals, read off this run.
  if (hs_som > 0) {
    std::printf("\nGoal: the screener at least as fast as Hyperscan with start offsets: "
                "%.2fx (%s)\n", shequn / hs_som, shequn >= hs_som ? "met" : "not met");
  }
  if (AsciiOnly()) {
    std::printf("Goal: >= 1,000 MB/s on ASCII-heavy text: %.0f MB/s (%s)\n", shequn,
                shequn >= 1000 ? "met" : "not met");
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  PrintSummary(reporter.rate);
  benchmark::Shutdown();
  return 0;
}
