// Package hf reads Hugging Face Daily Papers: the JSON API, as a bot.Source
// (Client), and the files `paperboy import` accepts (ParseDailyPapers,
// ParsePaper, ParsePage).
//
// It only translates. Ranking and dedup rules live in package bot, and text
// is kept as Hugging Face sent it (only trimmed): renderers clean TeX, hard
// wraps and markup at display time.
//
// # What is read from the API
//
// Items of /api/daily_papers wrap the paper in a "paper" object. Every field
// is read from there (the outer copies of the AI and GitHub fields are never
// filled in), except that the outer title stands in for a missing
// paper.title and the outer thumbnail (or the legacy mediaUrl of data from
// before 2024-06-12) gives the picture. Item.Date is the UTC day of
// paper.submittedOnDailyAt, the Daily Papers bucket the item belongs to; it
// is "" for data from before 2025-03, which lacks the field. The outer
// publishedAt is never used: its meaning changed twice.
//
// # Decisions
//
//   - Ids must be JSON strings holding an arXiv id. A number is refused,
//     because float parsing turns 2503.02130 into 2503.0213, and an id that
//     is not an arXiv id is refused too; no derived id is made for either,
//     so a broken record can never shadow the real paper. Such items are
//     skipped with a reason.
//   - Authors marked hidden:true are left out, as on the paper's Hugging
//     Face page; the order of the others is kept, and long lists (664
//     authors) are kept whole.
//   - Only paper.id and a title are required. Every other field is optional:
//     a null, a missing field or a field of the wrong type leaves that field
//     empty and keeps the paper.
//   - Links must be http(s) URLs with a host; anything else is dropped. A
//     github.com project page with no githubRepo becomes the GitHub link.
//   - A title longer than 2,000 bytes or an abstract longer than 20,000
//     bytes marks the record as garbage and it is skipped.
package hf
