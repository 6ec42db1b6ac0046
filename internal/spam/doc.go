// Package spam defends the public inputs without any outside service: a
// proof-of-work challenge the browser solves (the ALTCHA protocol), text
// normalised against the tricks spam uses, rules a moderator can read, and
// a logistic regression over character n-grams trained on the project's
// labelled set and on moderators' decisions.
// It imports pinyin only; package public puts it in front of the public
// inputs, and the moderators' decisions reach the model through cppcc's
// samples.
//
// # Proof of work
//
// Work implements the server side of the ALTCHA protocol (pow.go): a SHA-256
// challenge of a salt and a secret number up to MaxNumber (100,000: about
// 50,000 tries on average), signed with HMAC — the signature here covers the
// salt too, whose form is fixed, so that an expiry cannot be forged from the
// number's digits — valid for its TTL (10 minutes) and spent once in the
// transaction that stores the submission (pow_spent). The browser's side is
// static/pow.js of the pages (docs/LIBRARIES.md says why not the npm widget).
//
// # Scoring
//
// Normalize reads a text in the forms the checks use: NFKC (full-width and
// styled characters), traditional to simplified (OpenCC), lower case; Compact
// drops everything between the characters and replaces known variant
// spellings (威信/薇信/V信 → 微信, 扣扣 → qq, 菠菜 → 博彩, pinyin such as bocai,
// 噢门 → 澳门, 点com → .com); Unquoted is Compact of what lies outside quotation
// marks (a reporter's quotes); Syllables reads Compact as pinyin, for
// homophones.
//
// The score is the logistic of the model's log-odds plus the rules' weights
// (Check), of the title and body together and of the body alone, the higher
// kept, so a neutral title cannot lower what the body scores. The model
// (Model, model.go) is a logistic regression over the character unigrams and
// bigrams of the compact text, trained by stochastic gradient descent with L2,
// classes weighed equally, its settings chosen by 5-fold cross-validation on
// the learnt part; it replaced a naive Bayes model, which let the common
// characters of letters outvote soft-sell spam on a held-out set. It learns
// from the labelled set (corpus/) and every moderator's decision; its log-odds
// are bounded to ±4, and to no less than −2 for a text whose pitches weigh as
// much as three of the sender's own. The rules (Rules, rules.go), each a
// Reason the moderator reads with its weight: links and hosts, more for
// several and for a host written apart; contact handles (QQ, 微信, mobile and
// landline numbers and UnionPay card numbers, shown masked, Telegram); the
// spam vocabulary as written or as a homophone; chains of pornographic-site
// words; the ways a pitch speaks (Pitches: offers and returns, a call to
// contact, a seller's self-introduction, health claims, notice-style fraud,
// personal testimony, urgent transfers, addressing the reader); and, lowering
// the score by at most 6, the words of someone reporting or asking
// (ReportWords: 举报, 被骗, 请…查处; MildReportWords a third as much: 反映,
// 部门, 希望). Vocabulary, chains and pitches found only inside quotation
// marks weigh half.
//
// At Threshold (50) or more a text is held: it is still a letter with its
// receipt code (or a comment with its code), shown to the moderator with its
// score and reasons, released or judged spam there; nothing is dropped. The
// rates on the labelled set are measured by dangjian bench --public and
// TestHeldShares with 5-fold cross-validation (each text checked by a model
// that never learnt it) and a held-out set, spam in six disguises (Forms):
// see docs/BENCHMARKS.md. What it does not catch: spam that borrows a
// reporter's words (the rule lowering the score can be gamed; the model still
// weighs the rest), images, and spam in languages other than Chinese.
package spam
