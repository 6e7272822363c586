// Quality measured, not asserted: recall over the committed evasion set
// (tests/screening/data/evasions.tsv, from make_evasions.py) and the share
// of sentences flagged in real text nobody here wrote (Debian's fortunes
// and fortunes-zh). The thresholds hold the level reached; README.md shows
// the figures this test prints.
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "shequn/screening.h"

namespace shequn {
namespace {

const std::string kData = SHEQUN_SCREENING_DATA;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> ReadList(const std::string& name) {
  std::vector<std::string> words;
  for (absl::string_view line : absl::StrSplit(ReadFile(kData + "/" + name), '\n')) {
    if (!line.empty() && line[0] != '#') words.emplace_back(line);
  }
  return words;
}

// The English and Chinese profanity and advertising lists, all detectors.
Screener FixtureScreener() {
  ScreenerOptions options;
  const std::map<std::string, std::vector<std::string>> lists = {
      {"abuse", {"words_en_abuse.txt", "words_zh_abuse.txt"}},
      {"indecent", {"words_en_indecent.txt", "words_zh_indecent.txt"}},
      {"gambling", {"words_zh_gambling.txt"}},
      {"advertising", {"words_advertising.txt"}},
  };
  for (const auto& [category, files] : lists) {
    WordList list{category, {}};
    for (const std::string& f : files) {
      for (std::string& w : ReadList(f)) list.words.push_back(std::move(w));
    }
    EXPECT_FALSE(list.words.empty()) << category;
    options.word_lists.push_back(std::move(list));
  }
  absl::StatusOr<Screener> s = Screener::Create(options);
  EXPECT_TRUE(s.ok()) << s.status();
  return *std::move(s);
}

TEST(Quality, RecallOnTheEvasionSetIsAtLeast99Percent) {
  const Screener screener = FixtureScreener();
  std::map<std::string, std::pair<int, int>> by_kind;  // caught, total
  int caught = 0, total = 0;
  for (absl::string_view line : absl::StrSplit(ReadFile(kData + "/evasions.tsv"), '\n')) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> f = absl::StrSplit(line, '\t');
    ASSERT_EQ(f.size(), 4u) << line;
    const std::string& sentence = f[0];
    const size_t at = sentence.find(f[1]);
    ASSERT_NE(at, std::string::npos) << line;
    bool hit = false;
    for (const ScreenMatch& m : screener.Screen(sentence).matches) {
      hit |= m.category == f[2] && m.begin < at + f[1].size() && m.end > at;
    }
    ++total;
    caught += hit;
    ++by_kind[f[3]].second;
    by_kind[f[3]].first += hit;
    if (!hit) std::printf("missed [%s] %s\n", f[3].c_str(), sentence.c_str());
  }
  for (const auto& [kind, n] : by_kind) {
    std::printf("recall %-22s %4d/%4d\n", kind.c_str(), n.first, n.second);
  }
  const double recall = static_cast<double>(caught) / total;
  std::printf("recall overall %d/%d = %.2f%%\n", caught, total, 100 * recall);
  EXPECT_GE(total, 1000);
  EXPECT_GE(recall, 0.99);
}

// A fortune file's text cut into sentences: fortunes are apart by "%"
// lines; a sentence ends at . ! ? 。 ！ ？ or a blank line.
std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  const auto flush = [&] {
    if (current.find_first_not_of(" \t\n") != std::string::npos) out.push_back(current);
    current.clear();
  };
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line == "%" || line.empty()) {
      flush();
      continue;
    }
    for (size_t i = 0; i < line.size(); ++i) {
      current += line[i];
      const absl::string_view rest = line.substr(i);
      if (line[i] == '.' || line[i] == '!' || line[i] == '?') {
        flush();
      } else if (absl::StartsWith(rest, "。") || absl::StartsWith(rest, "！") ||
                 absl::StartsWith(rest, "？")) {
        current.append(rest.data() + 1, 2);
        i += 2;
        flush();
      }
    }
    current += ' ';
  }
  flush();
  return out;
}

struct Corpus {
  std::string name;
  std::vector<std::string> files;
  double limit;  // flagged share held by the test (the level reached)
};

TEST(Quality, OrdinaryTextIsRarelyFlagged) {
  const Screener screener = FixtureScreener();
  const std::string dir = "/usr/share/games/fortunes/";
  const std::vector<Corpus> corpora = {
      {"fortunes (English)",
       {"art", "computers", "cookie", "debian", "definitions", "disclaimer", "drugs",
        "education", "ethnic", "food", "goedel", "humorists", "kids", "knghtbrd", "law",
        "linux", "linuxcookie", "love", "magic", "medicine", "men-women", "miscellaneous",
        "news", "paradoxum", "people", "perl", "pets", "platitudes", "politics",
        "pratchett", "science", "songs-poems", "sports", "startrek", "tao",
        "translate-me", "wisdom", "work", "zippy"},
       0.0022},
      {"fortunes-zh (Chinese)", {"chinese.u8", "tang300.u8", "song100.u8"}, 0.0024},
  };
  for (const Corpus& corpus : corpora) {
    std::map<std::string, int> flagged_by_category;
    int sentences = 0, flagged = 0;
    for (const std::string& file : corpus.files) {
      const std::string text = ReadFile(dir + file);
      // tests/run.sh installs them; a missing corpus is a failure, not a pass.
      ASSERT_FALSE(text.empty()) << dir << file
                                 << " missing or empty: apt-get install fortunes fortunes-zh";
      for (const std::string& s : Sentences(text)) {
        ++sentences;
        const ScreenResult r = screener.Screen(s);
        flagged += !r.matches.empty();
        std::map<std::string, bool> seen;
        for (const ScreenMatch& m : r.matches) {
          const std::string key = std::string(m.category) + "/" + std::string(MatchSourceName(m.source));
          if (!seen[key]) ++flagged_by_category[key];
          seen[key] = true;
          if (m.source != MatchSource::kPhone) {
            std::printf("flagged [%s] %s: %s\n", key.c_str(),
                        std::string(s.substr(m.begin, m.end - m.begin)).c_str(), s.c_str());
          }
        }
      }
    }
    const double share = static_cast<double>(flagged) / sentences;
    std::printf("%s: %d sentences, %d flagged = %.3f%%\n", corpus.name.c_str(), sentences,
                flagged, 100 * share);
    for (const auto& [key, n] : flagged_by_category) {
      std::printf("  %-28s %5d = %.3f%%\n", key.c_str(), n, 100.0 * n / sentences);
    }
    EXPECT_GT(sentences, 1000) << corpus.name;
    EXPECT_LE(share, corpus.limit) << corpus.name;
  }
}

}  // namespace
}  // namespace shequn
