// Package email delivers paperboy's posts by email: a third chat platform
// whose channels are addresses. Adapter implements bot.Chat through an
// SMTP server (github.com/wneessen/go-mail), one email per post, with an
// HTML part and a plain-text part that show the same cards as Discord and
// Slack, a List-Unsubscribe header, and a Message-ID derived from the
// delivery key.
//
// Email cannot be read back, so Find can never see what was sent: it
// reports false. What the ledger records is never sent again; the only
// email that can go out twice is one whose send failed ambiguously (the
// server took the message, and the answer was lost) and was retried, and
// that copy carries the same Message-ID, by which mail systems such as
// Gmail drop a duplicate.
package email
