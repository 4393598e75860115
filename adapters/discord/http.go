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
	if i.Type == discordgo.InteractionPing {
		writeJSON(w, response{Type: discordgo.InteractionResponsePong})
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
// response is a REST callback, made within Discord's deadline.
func (a *Adapter) serveGateway(ctx context.Context, i *discordgo.Interaction) {
	deadline := time.Now().Add(interactionDeadline)
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
