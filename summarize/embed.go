package summarize

import (
	"context"
	"errors"
	"time"

	"github.com/sashabaranov/go-openai"

	"paperboy/bot"
)

// DefaultEmbedTimeout bounds one embeddings request when
// EmbedderConfig.Timeout is 0.
const DefaultEmbedTimeout = 30 * time.Second

// The embeddings retry policy (see Embedder.retry). Embedding the store is
// a batch job: it waits out a busy or restarting endpoint (a local server
// loading its model answers 503 for seconds) rather than fail the batch.
// A query's embedding has a deadline of seconds, which leaves no room for
// a retry, so search still falls back to words at once.
const (
	embedAttempts   = 4
	embedBackoff    = time.Second
	embedMaxBackoff = 8 * time.Second
	embedMaxWait    = time.Minute // a longer Retry-After is not waited for
)

// EmbedderConfig configures an Embedder.
type EmbedderConfig struct {
	// BaseURL is the server's API root, version path included:
	// http://localhost:11434/v1 (Ollama), https://api.openai.com/v1.
	BaseURL string
	// APIKey is sent as a bearer token when set; local servers need none.
	APIKey bot.Secret
	// Model is the embedding model the server knows ("nomic-embed-text",
	// "text-embedding-3-small").
	Model string
	// Timeout bounds each request (default 30s).
	Timeout time.Duration
	// Sleep waits between attempts, or until ctx is done (default
	// bot.Sleep); tests replace it to skip the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Embedder asks an OpenAI-compatible /v1/embeddings endpoint (OpenAI,
// Ollama, vLLM, llama.cpp server) for the vectors of texts, for search by
// meaning. It implements bot.Embedder and only asks: the engine decides what
// to embed, stores the vectors with their model, and falls back to words
// alone when the endpoint fails. Like Client, it keeps its API key out of
// every error and names the server by host only. It is safe for concurrent
// use.
type Embedder struct {
	api     *openai.Client
	model   string
	host    string // where errors say the endpoint is: host[:port] only
	timeout time.Duration
	apiKey  bot.Secret // redacted from the server's messages
	// sleep waits between attempts; tests replace it to skip the wait.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ bot.Embedder = (*Embedder)(nil)

// NewEmbedder returns an Embedder for cfg. BaseURL must be an http or https
// URL and Model must be set.
func NewEmbedder(cfg EmbedderConfig) (*Embedder, error) {
	base, model, err := checkEndpoint(cfg.BaseURL, cfg.Model, CheckEmbedModel)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 {
		return nil, errors.New("timeout must not be negative")
	}
	cfg.Timeout = orDefault(cfg.Timeout, DefaultEmbedTimeout)
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	return &Embedder{api: newAPI(base, cfg.APIKey, cfg.Timeout, maxEmbedBody), model: model, host: hostOf(base), timeout: cfg.Timeout,
		apiKey: cfg.APIKey, sleep: cfg.Sleep}, nil
}

// EmbedModel returns the model name, which the engine stores with every
// vector.
func (c *Embedder) EmbedModel() string { return c.model }

// Embed returns the vectors of texts, in order. Every vector has the same,
// non-zero length. A transient failure (429, a 5xx, a timeout or a refused
// connection) is tried again by the embeddings retry policy, when ctx's
// deadline leaves room for another whole request. Errors are EUNAVAILABLE
// *bot.Errors that name the server's host, the HTTP status and the
// server's own message with the key redacted, or ctx.Err() when ctx ended
// before the call started.
func (c *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(texts) == 0 {
		return nil, nil
	}
	req := openai.EmbeddingRequestStrings{Input: texts, Model: openai.EmbeddingModel(c.model)}
	var resp openai.EmbeddingResponse
	err := c.retry().Do(ctx, func(int) error {
		hint := new(retryHint)
		var err error
		resp, err = c.api.CreateEmbeddings(context.WithValue(ctx, hintKey{}, hint), req)
		if err != nil && retryable(err) {
			return bot.Transient(err, hint.after)
		}
		return err
	})
	if err != nil {
		return nil, c.embedError(err)
	}
	return c.vectors(resp, len(texts))
}

// retry is the Embedder's bot.Retry: see the policy's constants.
func (c *Embedder) retry() bot.Retry {
	return bot.Retry{
		Attempts:       embedAttempts,
		Backoff:        embedBackoff,
		MaxBackoff:     embedMaxBackoff,
		MaxWait:        embedMaxWait,
		AttemptTimeout: c.timeout,
		Sleep:          c.sleep,
	}
}

// vectors orders the response's vectors by index and checks them.
func (c *Embedder) vectors(resp openai.EmbeddingResponse, n int) ([][]float32, error) {
	out := make([][]float32, n)
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= n || out[d.Index] != nil {
			return nil, bot.Errorf(bot.EUNAVAILABLE, "The embeddings endpoint at %s sent a vector for an input it was not given.", c.host)
		}
		out[d.Index] = d.Embedding
	}
	for _, v := range out {
		if len(v) == 0 || len(v) != len(out[0]) {
			return nil, bot.Errorf(bot.EUNAVAILABLE, "The embeddings endpoint at %s sent %d vectors of mixed or no length for %d texts.", c.host, len(resp.Data), n)
		}
	}
	return out, nil
}

// embedError turns a failure into an EUNAVAILABLE error that names the
// host, the status and the server's message: never a path, the key or the
// rest of a body.
func (c *Embedder) embedError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return endpoint{name: "The embeddings endpoint at " + c.host, timeout: c.timeout, limit: maxEmbedBody, said: serverMessage(err, c.apiKey),
		key: "embeddings.api_key", url: "embeddings.base_url (it usually ends in /v1) and embeddings.model"}.error(err)
}
