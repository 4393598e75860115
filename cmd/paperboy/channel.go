package main

import (
	"fmt"
	"regexp"
)

// Channel ids, as the platforms' APIs need them. A Slack channel name
// ("papers", "#papers") would post once, then fail every look at the
// channel's history (conversations.replies takes ids only), so names are
// rejected at load rather than resolved: resolving needs channels:read and
// groups:read, scopes paperboy does not otherwise ask for. The rules are
// loose on length on purpose (emulators hand out short ids): a Slack id is
// C, G or D and upper-case letters and digits, which no channel name is
// (names are lower case); a Discord id (a snowflake) is all digits.
var (
	slackChannelID   = regexp.MustCompile(`^[CGD][A-Z0-9]+$`)
	discordChannelID = regexp.MustCompile(`^[0-9]+$`)
)

// checkChannel returns an error that says how to find the id when channel
// is not a channel id of the platform.
func checkChannel(platform, channel string) error {
	switch {
	case platform == "slack" && !slackChannelID.MatchString(channel):
		return fmt.Errorf("%q is not a Slack channel id; use the id (like C0123ABCDE), not the name: "+
			"in Slack, open the channel's name → About; the id is at the bottom", channel)
	case platform == "discord" && !discordChannelID.MatchString(channel):
		return fmt.Errorf("%q is not a Discord channel id; use the id (a number like 1234567890123456789): "+
			"turn on Developer Mode (User Settings → Advanced), then right-click the channel → Copy Channel ID", channel)
	case platform == "email":
		return checkAddress(channel)
	}
	return nil
}
