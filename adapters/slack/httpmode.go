package slack

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"

	slackgo "github.com/slack-go/slack"
)

// maxBody bounds a request body. Interaction payloads carry the whole
// message whose button was pressed, up to 50 blocks.
const maxBody = 1 << 20

// CommandsHandler serves POST /slack/commands in HTTP mode: the /papers
// slash command. A request that fails the signature or timestamp check gets
// 401 and changes nothing. A valid one gets an empty 200 at once, and the
// answer follows through its response_url.
func (a *Adapter) CommandsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := a.verified(w, r)
		if !ok {
			return
		}
		sc := slashCommand(form)
		a.accept(w, func(ctx context.Context) { a.onSlash(ctx, sc) })
	})
}

// InteractionsHandler serves POST /slack/interactions in HTTP mode: button
// presses. Like CommandsHandler, it checks the signature, acknowledges at
// once and answers through the response_url.
func (a *Adapter) InteractionsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := a.verified(w, r)
		if !ok {
			return
		}
		var cb slackgo.InteractionCallback
		if err := json.Unmarshal([]byte(form.Get("payload")), &cb); err != nil {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		if isAskSubmit(cb) { // an empty 200 closes the modal; the answer follows
			a.accept(w, func(ctx context.Context) { a.onAskSubmit(ctx, cb) })
			return
		}
		if cb.Type != slackgo.InteractionTypeBlockActions {
			w.WriteHeader(http.StatusOK) // nothing else is asked of paperboy
			return
		}
		a.accept(w, func(ctx context.Context) { a.onAction(ctx, cb) })
	})
}

// verified reads and checks a request, and returns its form. When it
// reports false it has answered the request already.
func (a *Adapter) verified(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		http.Error(w, "bad body", http.StatusBadRequest)
		return nil, false
	}
	if err := a.verify(r.Context(), r.Header, body); err != nil {
		if !refused(err) {
			a.log.Error("cannot check the request for a replay", "path", r.URL.Path, "error", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return nil, false
		}
		a.log.Warn("refused unverified request", "path", r.URL.Path, "reason", err.Error())
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return nil, false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return nil, false
	}
	return form, true
}

// accept acknowledges a verified request and starts its answer.
func (a *Adapter) accept(w http.ResponseWriter, answer func(ctx context.Context)) {
	if !a.spawn(answer) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// slashCommand reads a slash command from its form.
func slashCommand(f url.Values) slackgo.SlashCommand {
	return slackgo.SlashCommand{
		TeamID:      f.Get("team_id"),
		ChannelID:   f.Get("channel_id"),
		UserID:      f.Get("user_id"),
		Command:     f.Get("command"),
		Text:        f.Get("text"),
		ResponseURL: f.Get("response_url"),
		TriggerID:   f.Get("trigger_id"),
		APIAppID:    f.Get("api_app_id"),
	}
}
