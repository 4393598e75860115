// Package discord connects paperboy to Discord: it answers the /papers slash
// command and its buttons, and posts the daily papers (bot.Chat).
//
// # Modes
//
// In gateway mode (the default) the Adapter opens a discordgo session with no
// gateway intents at all (interactions need none, and it never reads message
// content) and answers interactions through REST. In HTTP mode Discord POSTs
// interactions to InteractionsHandler, which checks the Ed25519 signature and
// the timestamp's freshness before anything else happens, and answers in the
// HTTP response. Posting always uses REST.
//
// # The flow of an interaction
//
// verify (HTTP mode) → translate into a bot.Command → Handler.Handle in a
// goroutine → if it answers within Config.DeferAfter, reply directly; else
// send a deferred response ("thinking…") and edit it when the answer comes,
// or with a polite apology when Config.ReplyTimeout passes first.
//
// # Safety
//
// Every message and interaction response carries allowed_mentions
// {"parse": []}, paper text is markdown-escaped and mention syntax
// (@everyone, <@…>, <@&…>, <#…>) is broken with a zero-width space, and
// every payload is kept within Discord's size limits by splitting a reply
// into several messages. REST calls run through one retry policy: 429s
// are waited out as Discord asks (discordgo's own endless retry is off),
// 5xx and network errors are retried a few times with backoff, every
// attempt has its own deadline, and channel messages carry a nonce with
// enforce_nonce so that a retry never posts twice.
package discord
