// Package forum is the public forum (公开建议) of a committee: the replied
// letters published with their senders' consent, the visitors' comments,
// supports, ratings and reports, and their moderation, with its own steps
// (Steps) and figures ("f:…" in cppcc_stats, counted again by Recount).
//
// Arrows: forum imports committee (the committee, its rules, the audit),
// cppcc (the figures, the receipt codes, the proof of work, the public
// history) and letters (the letter it publishes, the notice to its
// sender); nothing of the consultative work imports forum but the pages,
// the API and the composition that builds the services.
//
// The office publishes a replied letter whose sender agreed, with the name only
// if they agreed to that too (forum_posts: the text and the reply as they
// stood). Visitors comment (spam-checked and compared with the post's earlier
// comments; a held comment waits for a moderator, and its author gets a code to
// follow it), support and rate once per visitor (a keyed hash of the address),
// and report; at the committee's limit of reports (committee.Rules.ReportLimit,
// 3 by default) an item is hidden pending review and its author told (the
// letter's sender through the receipt code, a commenter through theirs). The
// moderation queue shows each held or hidden comment with its score and
// reasons; a moderator releases, removes (marking spam or not, which the
// classifier learns from, spam_samples) or edits, the original kept. Figures
// (f:…): posts and comments by state, held and released.
package forum
