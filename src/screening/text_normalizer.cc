#include "screening/text_normalizer.h"

#include "base/utf8.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <utility>

namespace shequn::screening {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
using text::DecodeUtf8;
using text::CountCodePoints;

// Traditional → simplified pairs, traditional first. Curated by hand for
// the vocabulary screening meets (contact, money, gambling, fraud, sex,
// abuse, politics) plus everyday characters that build those words. Only
// characters that are never themselves simplified forms are listed, so
// folding never turns one valid simplified word into another.
constexpr std::string_view kTraditionalSimplifiedPairs =
    "亂乱佈布佔占併并來来係系倆俩倉仓個个們们倫伦偉伟側侧偵侦偽伪傑杰傘伞備备傢家傭佣"
    "傳传債债傷伤僅仅價价儀仪億亿償偿優优儲储兇凶兌兑兒儿內内兩两冊册凍冻則则剛刚創创"
    "劃划劇剧劉刘勁劲動动務务勝胜勞劳勢势勵励勸劝匯汇區区協协卻却厲厉參参叢丛吳吴員员"
    "問问啟启喪丧單单嗎吗嚴严囉啰國国圍围園园圓圆圖图團团執执堅坚報报場场塊块塵尘墳坟"
    "壇坛壓压壞坏壯壮壺壶夠够夢梦夥伙奪夺奮奋妳你姦奸婦妇媽妈孫孙學学實实寧宁審审寫写"
    "寬宽寶宝將将專专尋寻對对導导屆届屍尸屬属島岛峽峡嶺岭帥帅師师帳帐帶带幣币幫帮幹干"
    "幾几庫库廁厕廚厨廟庙廠厂廢废廣广張张強强彈弹彎弯彙汇後后徑径從从復复徹彻恆恒恥耻"
    "悶闷惡恶惱恼愛爱態态慘惨慣惯慶庆憂忧憐怜憑凭憤愤憲宪憶忆應应懶懒懷怀戀恋戰战戲戏"
    "戶户拋抛掃扫掛挂採采揀拣揚扬換换損损搖摇搶抢撐撑撥拨擁拥擇择擊击擋挡擔担據据擠挤"
    "擬拟擴扩擺摆擾扰攜携攝摄攤摊敗败敵敌數数斂敛斬斩斷断於于時时晉晋晝昼暈晕曆历曉晓"
    "書书會会東东條条業业極极構构槍枪樂乐樓楼標标樣样樹树橋桥機机檔档檢检櫃柜權权歐欧"
    "歡欢歲岁歷历歸归殘残殺杀殼壳毀毁氣气決决沒没況况測测湯汤準准溫温滅灭滬沪滾滚滿满"
    "漁渔漢汉漲涨潔洁澀涩澤泽濃浓濕湿濟济濤涛瀏浏灑洒灣湾災灾為为烏乌無无煙烟熱热燈灯"
    "燒烧營营爛烂爭争爺爷爾尔牆墙牽牵狀状狹狭猶犹獄狱獅狮獎奖獨独獲获獻献現现瑪玛環环"
    "產产畢毕畫画異异當当瘋疯療疗癡痴癮瘾發发皺皱盜盗盞盏盡尽監监盤盘眾众睏困矚瞩矯矫"
    "砲炮確确碼码礎础礙碍禍祸禪禅禮礼稅税種种稱称積积穢秽穩稳窩窝窮穷竊窃競竞筆笔節节"
    "範范築筑簡简簽签籃篮籌筹粵粤糞粪糧粮紀纪約约紅红納纳純纯紙纸級级紮扎細细紹绍終终"
    "組组結结絕绝絡络給给統统絲丝綁绑經经綜综綠绿維维綱纲網网緊紧緒绪線线締缔緣缘編编"
    "緩缓練练縣县縮缩總总績绩織织繩绳繫系繼继續续纏缠纔才罰罚罵骂罷罢羅罗義义習习聖圣"
    "聞闻聯联聰聪聲声職职聽听肅肃脅胁脫脱腎肾腦脑腫肿腳脚膚肤膠胶膽胆臉脸臨临臺台與与"
    "舉举舊旧艦舰艱艰艷艳莊庄華华萬万葉叶蔣蒋蕩荡薦荐薩萨藍蓝藝艺藥药蘇苏蘋苹蘭兰處处"
    "虛虚號号虧亏蝦虾螢萤蟲虫蠟蜡蠻蛮衆众術术衛卫衝冲裏里補补裝装裡里製制複复襪袜襯衬"
    "襲袭見见規规視视親亲覺觉覽览觀观觸触訂订計计訊讯討讨訓训託托記记訪访設设許许訴诉"
    "診诊註注詐诈評评詞词詢询試试詩诗話话該该詳详誇夸誌志認认語语誠诚誤误說说誰谁課课"
    "調调談谈請请論论諮咨諸诸諾诺謀谋謊谎謎谜講讲謝谢謹谨證证識识譜谱譯译議议護护譽誉"
    "讀读變变讓让讚赞豈岂豐丰豔艳豬猪貓猫貝贝貞贞負负財财貢贡貧贫貨货販贩貪贪貫贯責责"
    "貴贵買买貸贷費费貼贴貿贸賀贺資资賊贼賓宾賜赐賞赏賠赔賢贤賣卖賤贱質质賬账賭赌賴赖"
    "賺赚購购賽赛贈赠贊赞贏赢趕赶趙赵趨趋跡迹踐践蹤踪躍跃車车軌轨軍军軟软較较載载輔辅"
    "輕轻輛辆輝辉輩辈輪轮輯辑輸输轉转辦办辭辞農农迴回這这連连週周進进遊游運运過过達达"
    "違违遙遥遞递遠远適适遲迟遷迁選选遺遗遼辽還还邊边邏逻郵邮鄉乡鄧邓鄭郑鄰邻醜丑醫医"
    "醬酱釋释針针釣钓鈔钞鈴铃鉛铅銀银銳锐銷销鋪铺鋼钢錄录錢钱錦锦錯错錶表鍋锅鍛锻鍵键"
    "鎖锁鎮镇鏈链鏡镜鐘钟鐵铁鑽钻長长門门閃闪閉闭開开閑闲閒闲間间閣阁閱阅闆板闊阔闖闯"
    "關关闢辟陝陕陣阵陰阴陳陈陸陆陽阳隊队階阶際际隨随險险隱隐隻只雖虽雙双雜杂雞鸡離离"
    "難难雲云電电霧雾靈灵靜静韓韩韻韵響响頁页頂顶項项順顺須须預预頓顿領领頭头頻频顆颗"
    "題题額额顏颜願愿顛颠類类顧顾顯显風风飄飘飛飞飢饥飯饭飲饮飽饱餅饼養养餓饿餘余館馆"
    "饒饶馬马駐驻駕驾騎骑騙骗騰腾騷骚驅驱驗验驚惊髒脏體体髮发鬆松鬍胡鬥斗鬧闹魚鱼魯鲁"
    "鮮鲜鳥鸟鳳凤鳴鸣鴨鸭鴻鸿鵝鹅鹽盐麗丽麥麦麵面麼么黃黄點点黨党黴霉齊齐齒齿齡龄龍龙"
    "龜龟"
    ;

constexpr size_t kPairCount = CountCodePoints(kTraditionalSimplifiedPairs) / 2;

// Sorted by traditional code point at compile time, for binary search.
constexpr std::array<std::pair<char32_t, char32_t>, kPairCount>
SortedPairs() {
  std::array<std::pair<char32_t, char32_t>, kPairCount> pairs{};
  size_t pos = 0, len = 0;
  for (auto& [from, to] : pairs) {
    from = DecodeUtf8(kTraditionalSimplifiedPairs, pos, &len);
    pos += len;
    to = DecodeUtf8(kTraditionalSimplifiedPairs, pos, &len);
    pos += len;
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

constexpr auto kTradToSimp = SortedPairs();
constexpr char32_t kTradFirst = 0x3400;
constexpr char32_t kTradLast = 0x9FFF;

constexpr bool TableIsWellFormed() {
  if (CountCodePoints(kTraditionalSimplifiedPairs) % 2 != 0) return false;
  for (size_t i = 0; i < kTradToSimp.size(); ++i) {
    if (kTradToSimp[i].first < kTradFirst || kTradToSimp[i].first > kTradLast) {
      return false;
    }
    if (i > 0 && kTradToSimp[i - 1].first == kTradToSimp[i].first) {
      return false;
    }
  }
  return true;
}
static_assert(TableIsWellFormed(), "duplicate or non-CJK traditional entry");

// One bit per code point in the table's range: most Chinese text is
// simplified, and a bit test rejects a character faster than the search.
constexpr std::array<uint64_t, (kTradLast - kTradFirst) / 64 + 1> TradBitmap() {
  std::array<uint64_t, (kTradLast - kTradFirst) / 64 + 1> bits{};
  for (const auto& [from, to] : kTradToSimp) {
    bits[(from - kTradFirst) / 64] |= uint64_t{1} << ((from - kTradFirst) % 64);
  }
  return bits;
}
constexpr auto kTradBits = TradBitmap();

char32_t TraditionalToSimplified(char32_t c) {
  const char32_t i = c - kTradFirst;
  if (((kTradBits[i / 64] >> (i % 64)) & 1) == 0) return c;
  const auto it = std::lower_bound(
      kTradToSimp.begin(), kTradToSimp.end(), c,
      [](const std::pair<char32_t, char32_t>& p, char32_t v) {
        return p.first < v;
      });
  return it != kTradToSimp.end() && it->first == c ? it->second : c;
}

// Mathematical alphanumeric symbols (U+1D400..U+1D7FF): 13 alphabets of
// 52 letters, then 5 sets of 10 digits. The few reserved holes fold too,
// harmlessly.
char32_t FoldMathematical(char32_t c) {
  if (c >= 0x1D400 && c < 0x1D400 + 13 * 52) {
    const char32_t i = (c - 0x1D400) % 52;
    return i < 26 ? U'a' + i : U'a' + (i - 26);
  }
  if (c >= 0x1D7CE && c <= 0x1D7FF) return U'0' + (c - 0x1D7CE) % 10;
  return c;
}

}  // namespace

char32_t FoldCodePoint(char32_t c) {
  if (c < 0x80) return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
  if (c >= 0xFF01 && c <= 0xFF5E) return FoldCodePoint(c - 0xFEE0);
  if (c == 0x3000) return U' ';
  if (c >= 0x2460 && c <= 0x2468) return U'1' + (c - 0x2460);  // ①..⑨
  if (c == 0x24EA || c == 0x24FF) return U'0';                  // ⓪ ⓿
  if (c >= 0x2776 && c <= 0x277E) return U'1' + (c - 0x2776);  // ❶..❾
  if (c >= 0x24B6 && c <= 0x24CF) return U'a' + (c - 0x24B6);  // Ⓐ..Ⓩ
  if (c >= 0x24D0 && c <= 0x24E9) return U'a' + (c - 0x24D0);  // ⓐ..ⓩ
  if (c >= 0x1D400 && c <= 0x1D7FF) return FoldMathematical(c);
  if (c >= kTradFirst && c <= kTradLast) return TraditionalToSimplified(c);
  return c;
}

CharClass Classify(char32_t c) {
  if (c < 0x80) {
    if (c >= 'a' && c <= 'z') return CharClass::kLatin;
    if (c >= '0' && c <= '9') return CharClass::kDigit;
    return c <= 0x20 || c == 0x7F ? CharClass::kSpace : CharClass::kPunct;
  }
  if (c >= 0x4E00 && c <= 0x9FFF) return CharClass::kWord;  // most of CJK
  if (c <= 0xA0) return CharClass::kSpace;  // C1 controls, no-break space
  if (c <= 0xBF || c == 0xD7 || c == 0xF7) return CharClass::kPunct;
  if (c < 0x0300) return CharClass::kWord;
  if (c <= 0x036F) return CharClass::kPunct;  // combining marks (zalgo)
  if (c >= 0x2000 && c <= 0x200F) return CharClass::kSpace;  // spaces, ZW
  if (c >= 0x2028 && c <= 0x202F) return CharClass::kSpace;
  if (c >= 0x205F && c <= 0x206F) return CharClass::kSpace;  // word joiner
  if (c >= 0x2010 && c <= 0x2BFF) return CharClass::kPunct;  // symbols
  if (c >= 0x3000 && c <= 0x303F && (c < 0x3005 || c > 0x3007)) {
    return CharClass::kPunct;  // CJK punctuation, except 々〆〇
  }
  if (c == 0x30FB) return CharClass::kPunct;                 // ・
  if (c >= 0xE000 && c <= 0xF8FF) return CharClass::kPunct;  // private use
  if (c >= 0xFE00 && c <= 0xFE0F) return CharClass::kSpace;  // VS1..VS16
  if (c >= 0xFE10 && c <= 0xFE6F) return CharClass::kPunct;  // small forms
  if (c == 0xFEFF) return CharClass::kSpace;                 // BOM
  if (c >= 0xFF00 && c <= 0xFF65) return CharClass::kPunct;
  if (c >= 0xFFE0 && c <= 0xFFFF) return CharClass::kPunct;
  if (c >= 0x1F000 && c <= 0x1FAFF) return CharClass::kPunct;  // emoji
  if (c >= 0xE0000 && c <= 0xE0FFF) return CharClass::kSpace;  // tags, VS
  return CharClass::kWord;
}

void FoldedCursor::DecodeMultibyte(uint32_t pos, FoldedChar* out) const {
  size_t len = 0;
  const char32_t raw = DecodeUtf8(text_, pos, &len);
  out->begin = pos;
  out->end = pos + static_cast<uint32_t>(len);
  out->count = 1;
  out->invalid = raw == text::kInvalidCodePoint;
  if (out->invalid) {
    out->c = kReplacement;
    out->cls = CharClass::kPunct;
  } else {
    out->c = FoldCodePoint(raw);
    out->cls = Classify(out->c);
  }
}

bool KeyFilter::Accept(const FoldedChar& ch) {
  if (!IsWordClass(ch.cls)) return false;
  if (ch.c == last_ && ch.cls == CharClass::kLatin) return false;
  last_ = ch.c;
  return true;
}

bool NormalizeKey(std::string_view text, std::u32string* key) {
  bool valid = true;
  FoldedCursor cursor(text);
  KeyFilter filter;
  for (FoldedChar ch; cursor.Next(&ch);) {
    valid &= !ch.invalid;
    if (filter.Accept(ch)) key->push_back(ch.c);
  }
  return valid;
}

}  // namespace shequn::screening
