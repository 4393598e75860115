package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"paperboy/bot"
)

// Discord's limits on a modal.
const (
	maxModalTitle = 45
	maxQuestion   = 400
)

// questionInput is the custom id of the question box in the Ask modal.
const questionInput = "question"

// modal is the data of a modal response: a form Discord shows the user.
type modal struct {
	CustomID   string                       `json:"custom_id"`
	Title      string                       `json:"title"`
	Components []discordgo.MessageComponent `json:"components"`
}

// askModal is the response to an "Ask" button: a box for a question about
// the button's paper, when i is such a button. Submitting it comes back as
// a modal-submit interaction with the button's custom id (see parseModal).
func askModal(i *discordgo.Interaction) (response, bool) {
	if i.Type != discordgo.InteractionMessageComponent {
		return response{}, false
	}
	id := i.MessageComponentData().CustomID
	verb, cmd, err := bot.DecodeAction(id)
	if err != nil || verb != bot.ActionAsk {
		return response{}, false
	}
	input := discordgo.TextInput{
		CustomID: questionInput, Label: "Your question", Style: discordgo.TextInputParagraph,
		Placeholder: "What did they measure?", Required: true, MaxLength: maxQuestion,
	}
	return response{Type: discordgo.InteractionResponseModal, Data: &modal{
		CustomID:   id,
		Title:      fitPlain("Ask about "+cmd.Args, maxModalTitle),
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{input}}},
	}}, true
}

// parseModal turns a submitted Ask modal into the question about its paper,
// run for the user alone (bot.ActionRun).
func parseModal(data discordgo.ModalSubmitInteractionData) (request, error) {
	verb, cmd, err := bot.DecodeAction(data.CustomID)
	if err != nil || verb != bot.ActionAsk {
		return request{}, bot.Errorf(bot.EINVALID, "That form is no longer valid; press Ask again.")
	}
	var question []string
	for _, row := range data.Components {
		if r, ok := row.(*discordgo.ActionsRow); ok {
			for _, c := range r.Components {
				if in, ok := c.(*discordgo.TextInput); ok && in.CustomID == questionInput {
					question = append(question, in.Value)
				}
			}
		}
	}
	ask, err := bot.AskAbout(cmd.Args, strings.Join(question, " "))
	return request{cmd: ask, verb: bot.ActionRun}, err
}
