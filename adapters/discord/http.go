package discord

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Limits on an HTTP interaction.
const (
	// maxSkew is how far an interaction's timestamp may be from Now: an
	// older one is a replay.
	maxSkew = 5 * time.Minute
	// maxBody bounds an interaction's body; real ones are a few kB.
	maxBody = 1 << 20
)

// InteractionsHandler returns the handler for POST /discord/interactions
// (HTTP mode). A request whose Ed25519 signature does not verify with
// Config.PublicKey, or whose timestamp is more than five minutes from Now,
// gets 401 and causes nothing else. A PING gets a PONG; commands,
// autocomplete and buttons are answered in the response body, and later
// through REST when deferred.
func (a *Adapter) InteractionsHandler() http.Handler {
	return http.HandlerFunc(a.serveHTTP)
}

func (a *Adapter) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := a.verify(w, r)
	if err != nil {
		a.log.Debug("rejected interaction", "reason", err.Error())
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if !a.answerable(&i) {
		http.Error(w, "interaction without id or token", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, response{Type: discordgo.InteractionResponsePong})
		return
	}
	switch seen, err := a.seen(r.Context(), &i); {
	case err != nil:
		a.log.Error("cannot check the interaction for a replay", "interaction_id", i.ID, "error", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	case seen:
		a.log.Warn("refused replayed interaction", "interaction_id", i.ID)
		http.Error(w, "interaction answered already", http.StatusUnauthorized)
		return
	}
	a.answerHTTP(w, r, &i)
}

// verify reads the body and checks the signature and timestamp.
func (a *Adapter) verify(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if a.publicKey == nil {
		return nil, errors.New("no public key configured")
	}
	sig, err := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return nil, errors.New("missing or malformed signature")
	}
	ts := r.Header.Get("X-Signature-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, errors.New("missing or malformed timestamp")
	}
	if d := a.now().Sub(time.Unix(sec, 0)); d > maxSkew || d < -maxSkew {
		return nil, errors.New("stale timestamp")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, errors.New("unreadable body")
	}
	if !ed25519.Verify(a.publicKey, append([]byte(ts), body...), sig) {
		return nil, errors.New("bad signature")
	}
	return body, nil
}

// answerHTTP serves an interaction whose first response is this HTTP
// response. serve runs in a goroutine that outlives the request (to edit a
// deferred answer); its ack hands the response over here and returns only
// once it has been written and flushed, so later REST calls come after it.
func (a *Adapter) answerHTTP(w http.ResponseWriter, r *http.Request, i *discordgo.Interaction) {
	first := make(chan response, 1)
	written := make(chan struct{})
	finished := make(chan struct{})
	var ackErr error
	ack := func(_ context.Context, resp response) error {
		first <- resp
		<-written
		return ackErr
	}
	base := context.WithoutCancel(r.Context())
	if !a.goTrack(func() { defer close(finished); a.serve(base, i, ack) }) {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	select {
	case resp := <-first:
		writeJSON(w, resp)
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	case <-finished:
		http.Error(w, "no answer", http.StatusInternalServerError)
	case <-r.Context().Done():
		ackErr = r.Context().Err()
	}
	close(written)
}

// writeJSON writes v as the JSON response.
func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// serveGateway answers an interaction that came over the gateway: the first
// response is a REST callback, made within the interaction's window. An
// interaction answered already (delivered twice) is dropped; when the
// store cannot say, it is answered, since the gateway is Discord itself.
func (a *Adapter) serveGateway(ctx context.Context, i *discordgo.Interaction) {
	if !a.answerable(i) {
		return
	}
	if seen, err := a.seen(ctx, i); err != nil {
		a.log.Warn("cannot check the interaction for a replay; answering it", "interaction_id", i.ID, "error", err)
	} else if seen {
		a.log.Debug("dropped an interaction answered already", "interaction_id", i.ID)
		return
	}
	deadline := window(i, time.Now())
	ack := func(ctx context.Context, resp response) error {
		actx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		endpoint := discordgo.EndpointInteractionResponse(i.ID, i.Token)
		return a.call(actx, "interaction callback", i.Token, func(opts ...discordgo.RequestOption) error {
			_, err := a.session.RequestWithBucketID("POST", endpoint, resp, tokenBucket("callback", i.Token), opts...)
			return err
		})
	}
	a.serve(ctx, i, ack)
}

// window returns when Discord stops waiting for the first response to i:
// interactionDeadline after it was made, according to its id, or after now
// when the id's time is not within the last interactionDeadline (a clock
// that disagrees with Discord's).
func window(i *discordgo.Interaction, now time.Time) time.Time {
	created, err := discordgo.SnowflakeTimestamp(i.ID)
	if err != nil || created.After(now) || now.Sub(created) > interactionDeadline {
		created = now
	}
	return created.Add(interactionDeadline)
}

// answerable reports whether i can be answered at all. discordgo hands over
// an empty interaction when it cannot decode one, and a callback without an
// id or token would only earn a 404; such an interaction is dropped.
func (a *Adapter) answerable(i *discordgo.Interaction) bool {
	if i.ID == "" || i.Token == "" {
		a.log.Debug("dropped an interaction without id or token", "type", int(i.Type))
		return false
	}
	return true
}

// interactionLifetime is how long an interaction's token works. Its id is
// remembered that long: a replay after it could not be answered anyway.
const interactionLifetime = 15 * time.Minute

// seen records i as answered and reports whether it was already.
func (a *Adapter) seen(ctx context.Context, i *discordgo.Interaction) (bool, error) {
	return a.replays.Seen(ctx, "discord:"+i.ID, a.now().Add(interactionLifetime))
}
