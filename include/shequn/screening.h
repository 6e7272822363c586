// Text screening: banned words per category and contact/link detectors,
// matched in one pass over evasion-resistant normalised text.
//
//   shequn::ScreenerOptions options;
//   options.word_lists.push_back({"abuse", {"傻逼", "fuck"}});
//   options.whitelist = {"scunthorpe"};
//   absl::StatusOr<shequn::Screener> screener =
//       shequn::Screener::Create(options);               // validates, builds
//   shequn::ScreenResult r = screener->Screen("加 微 信 abc123");
//   for (const shequn::ScreenMatch& m : r.matches) ...  // m.category, bytes
//   std::string shown = shequn::Mask(text, r.matches);  // "***" over each
//
// Normalisation (applied the same way to word lists and to screened text),
// from tables generated at build time (examples/tools/make_fold_tables.cc):
//  * UTF-8 is decoded; each byte of an invalid sequence is a separator.
//  * Traditional Chinese folds to simplified (OpenCC's t2s, every
//    character it maps one to one: 維信 → 维信, 網賭 → 网赌).
//  * Compatibility forms, accents, circled and mathematical letters fold
//    by Unicode decomposition (NFKD, marks dropped): Ｆ, ü, ⓦ, 𝓮 → f, u,
//    w, e. Look-alike letters of other scripts fold by ICU's confusable
//    skeletons: Cyrillic "а", Greek "ο" → a, o. Then lower case.
//  * Zero-width and format characters and combining marks are ignored as
//    if absent ("b\u200Book" reads "book").
//
// Words. A word is a run of letters and digits; these rules decide where
// one ends, so a moderator can predict a match:
//  * A Latin entry matches whole words only: "ass" is not found in "class"
//    or "assume", "smut" is found in "is smut", "wechat" in "new wechat".
//    WordList::substring lifts this for a list ("ass" in "kickass").
//  * Letters joined by symbols without a space are one word: "w.e.c.h.a.t",
//    "sh*it", "fu🖕ck". Single letters apart by spaces are one word:
//    "s h i t", "w e c h a t"; "I was hit" stays three words.
//  * A letter repeated inside a word may stand for one or more of it, but
//    never for fewer than the entry has: "fuuuck" and "asss" match "fuck"
//    and "ass"; "as", "but", "con" do not match "ass", "butt", "coon".
//  * Digits inside a word with letters read as leetspeak (0→o 1→i 3→e 4→a
//    5→s 7→t 8→b): "w3ch4t", "sh1t". A number alone is not a word: "455"
//    does not match "ass".
//  * CJK entries match anywhere, across spaces and symbols between the
//    characters ("加 微 信", "加微♥信"), never across sentence punctuation
//    (, ; : ! ? 。 ， 、 and line breaks: "成，人" is not "成人").
//  * Between CJK and Latin there is always a word edge: "加v" is "加" then
//    the word "v".
//  * An entry that normalises to nothing (an emoji, punctuation) is
//    skipped and listed in Screener::skipped(); the rest of the list works.
// NormalizeForScreening() shows what a text becomes. Not handled:
// homophones other than the triggers below; pinyin of list words unless
// asked for (below).
//
// Pinyin (WordList::pinyin). A CJK entry of two or more characters also
// matches how it is written in pinyin, from Unicode's Unihan_Readings
// (kMandarin, its preferred reading, tone marks off; generated at build
// time by examples/tools/make_pinyin_table.cc):
//  * as whole Latin words only, whatever WordList::substring says:
//    "赌博" catches "dubo", "DuBo", "du bo", "du-bo", "d u b o" and "dǔbó"
//    (accents fold away), not "dubois" or "fondu boat";
//  * the syllables joined or apart: "cao ni ma", "caonima" and, up to four
//    syllables, every mix ("caoni ma"); ü as 'v' or 'u' ("meinv", "meinu");
//    at most 16 spellings per entry, each held to limits::kMaxWordCodePoints
//    letters (a longer one is not added);
//  * matches report the CJK entry (same category, same `entry`).
// Not matched, on purpose: one-character entries ("赌" → "du", "鸡" → "ji":
// one syllable is an ordinary word or name in English, French, pinyin
// names), initials ("db", "sb", "tmd": two or three letters are everyday
// abbreviations, "db" a database, "nm" nanometres; list such an
// abbreviation as a word if the community uses it so), other readings of a
// character with several (行 is read "xing", not "hang"), tone numbers
// ("du3bo2"), entries mixing CJK and Latin ("AV女优"). A spelling that is
// also an English word ("妈的" → "made", "ma de") will misfire: whitelist
// it ("made") or keep such entries out of the pinyin list.
//
// Detectors look at the folded text with its separators, because a link or
// an id is recognised by them:
//   "url"          http(s)://…, www.…, domain-like a.b.com/.cn/.net/… with
//                  path; dots may be '.', '。' or '点'. A host right after
//                  '@' is not a link ("dave@qq.com": see "email"). → link_category
//   "phone"        Chinese mobile 1[3-9] + 9 digits, optionally +86/0086,
//                  digits may be full-width, circled or Chinese numerals
//                  (一三八…, 壹叁捌…) and split by spaces, dashes, dots or
//                  emoji (at most 3 between two digits).
//   "wechat"       wx, vx, v信, 微信, 威信, 薇信, 维信, 徽信, 加v, 加vx, 加薇,
//                  加微, 加我, wechat, weixin, wei xin, jia wo (as words)
//                  then, after up to 8 filler characters (spaces,
//                  punctuation, 号, 是, 为, :), an id: 6..20 of [a-z0-9_-]
//                  with a digit, or 5..15 digits; characters of an id may
//                  be apart by spaces ("d a v e 2 0 2 6"); and WeChat's
//                  generated ids "wxid_…" anywhere.
//   "qq"           qq, q群, 扣扣, 企鹅, 企鹅号, 球球 then filler then 5..11
//                  digits.
//   "solicitation" 加我, 加好友, 私聊我, 私信我, 私我, 滴滴我, 联系我, 扫码,
//                  扫一扫, 扫描二维码, jia wo, add me, dm me, pm me,
//                  contact me, text me, scan qr, scan the qr, scan my qr.
//   "email"        an e-mail address: a local part (letters, digits and
//                  . _ % + -), an at, and a domain of two or more labels
//                  ending in a top-level domain the url detector knows
//                  (com, cn, net, org, io, ...; not edu, de, ...). The at
//                  may be '@' (also ＠), "at" as a word, "(at)", "[at]",
//                  艾特; a dot may be '.', '。', '点', "dot" as a word,
//                  "(dot)"; up to 3 spaces around either: "dave2026@qq.com",
//                  "dave2026 @ qq . com", "dave2026 at qq dot com",
//                  "dave[at]163[dot]com", "dave2026艾特qq点com". The match
//                  runs from the local part to the end of the top-level
//                  domain; a link inside it is not reported too. What is
//                  not an address, so ordinary text does not misfire:
//                    - nothing before the at: "@someone", "@here";
//                    - a space before '@' and none after: "thanks @bob.net"
//                      is a mention;
//                    - no known top-level domain: "a@b", "x@y.z" in code,
//                      "user@localhost", "me@example.edu";
//                    - a mail or news Message-ID, whose left part has a
//                      run of 8 or more digits before a dot or of 6 or
//                      more between two dots:
//                      "<199705101952.MAA00756@wall.org>",
//                      "1992Aug26.184221.29627@netlabs.com" (an address
//                      like "13812345678.a@qq.com" is taken for one too);
//                    - spaces after a plain '.' without spaces before it:
//                      "me@home. Com" ends a sentence;
//                    - "at" with plain dots, unless the local part looks
//                      like an id (a digit or a symbol inside): "look at
//                      google.com" is a phrase (the url detector reports the
//                      link), "dave2026 at qq.com" an address. With a
//                      spelled dot it is always an address ("john at gmail
//                      dot com"), so "the dot com boom" after "at" is one
//                      too.
//                  Not handled: letters of the address spaced apart
//                  ("d a v e @ q q . c o m"), '#' for the at.
// All but "url" report contact_category. Latin triggers are whole words
// ("new xbox" is not "wx"); a mobile number ending a word is still found
// ("vx13800138000").
//
// Whitelist: a match (word or detector) lying entirely inside a match of a
// whitelisted word is dropped: "scunthorpe" keeps "cunt" from matching
// inside it, "习惯" keeps a banned "习" from matching inside it.
//
// Limits (shequn/limits.h; InvalidArgument when exceeded at Create):
//   limits::kMaxWords            200,000 words plus whitelist entries in total
//   limits::kMaxWordCodePoints   64 letters after normalisation
//   limits::kMaxCategoryBytes    64 bytes for a category name
// Texts longer than ScreenerOptions::max_text_bytes are screened on their
// first max_text_bytes (cut back to a UTF-8 boundary) and the result says
// truncated; nothing past the cut is looked at.
#ifndef SHEQUN_SCREENING_H_
#define SHEQUN_SCREENING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "shequn/export.h"
#include "shequn/limits.h"

namespace shequn {
namespace screening {
struct ScreenerData;
}  // namespace screening

// Built-in category names. Word lists may use any other non-empty name too.
inline constexpr absl::string_view kCategoryAbuse = "abuse";
inline constexpr absl::string_view kCategoryDiscrimination = "discrimination";
inline constexpr absl::string_view kCategoryPolitical = "political";
inline constexpr absl::string_view kCategoryIndecent = "indecent";
inline constexpr absl::string_view kCategoryAdvertising = "advertising";
inline constexpr absl::string_view kCategoryOffTopic = "off_topic";
inline constexpr absl::string_view kCategoryPoaching = "poaching";

// Detector names, as ScreenerOptions::detectors spells them.
inline constexpr absl::string_view kDetectorUrl = "url";
inline constexpr absl::string_view kDetectorPhone = "phone";
inline constexpr absl::string_view kDetectorWeChat = "wechat";
inline constexpr absl::string_view kDetectorQq = "qq";
inline constexpr absl::string_view kDetectorSolicitation = "solicitation";
inline constexpr absl::string_view kDetectorEmail = "email";

// What found a match: a listed word or one of the detectors.
enum class MatchSource : uint8_t {
  kWord,
  kUrl,
  kPhone,
  kWeChat,
  kQq,
  kSolicitation,
  kEmail,
};

// "word", or the detector's name ("url", "phone", ...). O(1).
SHEQUN_EXPORT absl::string_view MatchSourceName(MatchSource source);

// One banned word list: its category and its words (UTF-8, any script).
// Mirrors RulesConfig.WordList.
struct WordList {
  std::string category;
  std::vector<std::string> words;
  // Latin words match inside longer words too ("ass" in "class"); default:
  // whole words only. CJK words always match anywhere.
  bool substring = false;
  // Each CJK word of two or more characters also matches its pinyin as
  // whole Latin words: "赌博" catches "dubo", "du bo", "DuBo", "dǔbó";
  // see "Pinyin" above. Default: off. For some words only, put them in a
  // second list of the same category with pinyin on.
  bool pinyin = false;
};

// How to build a Screener. Plain data; mirrors RulesConfig field by field.
struct ScreenerOptions {
  // Banned words by category. The same word may appear in several lists
  // (each match is reported once per category); repeats within one list
  // count once. Default: none.
  std::vector<WordList> word_lists;

  // Allowed words that contain a banned one. Default: none.
  std::vector<std::string> whitelist;

  // Enabled detectors, by name (kDetector*). Default: all six.
  std::vector<std::string> detectors = {
      std::string(kDetectorUrl), std::string(kDetectorPhone),
      std::string(kDetectorWeChat), std::string(kDetectorQq),
      std::string(kDetectorSolicitation), std::string(kDetectorEmail)};

  // Category reported by the url detector. Default: "advertising".
  std::string link_category = std::string(kCategoryAdvertising);

  // Category reported by the phone, wechat, qq, solicitation and email
  // detectors.
  // Default: "poaching".
  std::string contact_category = std::string(kCategoryPoaching);

  // Longer texts are screened on this many leading bytes only.
  // Default: limits::kMaxMessageBytes (1 MiB). Must be in
  // 1..limits::kMaxScreenedTextBytes (4 GiB - 1).
  size_t max_text_bytes = limits::kMaxMessageBytes;
};

// One hit. Offsets are bytes into the ORIGINAL text: text.substr(begin,
// end - begin) is what matched, separators and repeats included.
struct ScreenMatch {
  // Points into the Screener; valid while the Screener that returned it
  // (or the one it was moved into) lives.
  absl::string_view category;
  uint32_t begin = 0;
  uint32_t end = 0;
  MatchSource source = MatchSource::kWord;
  // kWord: the word's position in the flattened word lists (all of
  // word_lists[0].words, then word_lists[1].words, ...); see
  // Screener::WordText(). Detectors: 0.
  uint32_t entry = 0;

  friend bool operator==(const ScreenMatch&, const ScreenMatch&) = default;
};

// Everything Screen() found, ordered by (begin, end, source, entry).
struct ScreenResult {
  std::vector<ScreenMatch> matches;
  // True if the text exceeded max_text_bytes and only its head was screened.
  bool truncated = false;
};

// An immutable automaton over every word, whitelist entry and detector
// trigger: Aho–Corasick over normalised code points, edges kept as sorted
// arrays (17 bytes per trie state + 8 per edge + 4 per word, plus a direct
// table for the root: up to 160 KiB once words include CJK), and a full
// 128-byte transition row for each state a Latin letter leads to, so Latin
// text costs one table read per letter. The benchmark's 10,000 words (half
// Chinese, half Latin) take 3.5 MiB; see MemoryBytes().
//
// Thread-safety: const after Create(), so Screen() may run concurrently
// from any number of threads without synchronization. Move-only (a
// moved-from Screener may only be assigned or destroyed); wrap it in a
// std::shared_ptr<const Screener> to share one between engines.
class SHEQUN_EXPORT Screener {
 public:
  // Validates `options` and builds the automaton. O(L log L) for L code
  // points in all words; never quadratic (10,000 words: ~25 ms). Errors
  // are InvalidArgument naming the entry and the reason, e.g.
  //   "word_lists[0].words[3]: invalid UTF-8"
  //   "whitelist[4]: 70 code points after normalisation, limit 64"
  //   "word_lists[1].category: empty"
  //   "detectors[0]: unknown detector 'fax' (known: url, phone, wechat, qq,
  //    solicitation, email)"
  static absl::StatusOr<Screener> Create(const ScreenerOptions& options);

  Screener(Screener&&) noexcept;
  Screener& operator=(Screener&&) noexcept;
  Screener(const Screener&) = delete;
  Screener& operator=(const Screener&) = delete;
  ~Screener();

  // Screens `text` (any bytes; invalid UTF-8 is tolerated). One pass:
  // O(n log(alphabet) + m log m) for n bytes and m matches; allocates
  // nothing but the result's vector.
  ScreenResult Screen(absl::string_view text) const;

  // As above, but reuses `*result` (cleared first), so a caller screening
  // many texts allocates only when a text has more matches than any before.
  void Screen(absl::string_view text, ScreenResult* result) const;

  // The word as configured, for a kWord match's `entry`; "" if out of
  // range. O(1).
  absl::string_view WordText(uint32_t entry) const;

  // Words (after removing repeats) plus whitelist entries. O(1).
  size_t size() const;

  // Entries skipped because they normalise to nothing (an emoji, a
  // punctuation mark), e.g. "word_lists[0].words[3]: empty after
  // normalisation". The rest of the list is in force. O(1).
  const std::vector<std::string>& skipped() const;

  // Bytes held by the automaton and word tables. O(1).
  size_t MemoryBytes() const;

 private:
  explicit Screener(std::unique_ptr<const screening::ScreenerData> impl);
  std::unique_ptr<const screening::ScreenerData> impl_;
};

// The normalised form used for matching, as UTF-8: e.g. "Ｆ.u.U.u ck" →
// "fuck", "加 微 信" → "加微信", "維信" → "维信". Invalid bytes are dropped.
// O(n). For inspecting word lists; Screen() does not call it. Pure and
// thread-safe, like Mask().
SHEQUN_EXPORT std::string NormalizeForScreening(absl::string_view text);

// `text` with each matched span replaced by `mask`; overlapping or touching
// spans merge into one mask. Spans outside `text` are ignored. `matches`
// need not be sorted. O(n + m log m).
SHEQUN_EXPORT std::string Mask(absl::string_view text, absl::Span<const ScreenMatch> matches,
                 absl::string_view mask = "***");

}  // namespace shequn

#endif  // SHEQUN_SCREENING_H_
