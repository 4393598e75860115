// Package arxiv reads papers from arXiv: the parsers for the files arXiv
// publishes, and a Client that fetches a day's batch from arXiv's API.
//
// The parsers translate one format each into bot.Items, streaming, and
// report records they cannot read as bot.Skips instead of failing:
//
//   - ParseAtom: API responses (2026 and legacy 2016 formats) and the Atom
//     listing feed (rss.arxiv.org/atom/…);
//   - ParseRSS: the RSS 2.0 listing feed (rss.arxiv.org/rss/…);
//   - ParseSnapshot: arXiv's metadata snapshot, JSON Lines, millions of
//     records, read with bounded memory.
//
// Papers keep arXiv's text as received (TeX, hard wraps) and canonical,
// version-free ids and links; renderers clean the text. A listing's new
// submissions are dated with the listing's day, so that only they join the
// day's batch; replacements and cross-lists are papers with no day.
//
// Client implements bot.Source. Fetch maps a calendar day onto the
// submission window of the listing arXiv dates that day (see Fetch), asks
// the API for it at most once every 3 seconds, as arXiv's terms require,
// and retries what arXiv's throttling and outages make fail.
package arxiv
