// Package summarize asks an OpenAI-compatible chat completions endpoint
// (OpenAI, Ollama, vLLM, llama.cpp server) for one-line TL;DRs of papers.
//
// A Client implements bot.Summarizer. It only asks: the engine in package bot
// owns the cache, checks each answer with check.TLDR (bot/check) and falls
// back to Hugging Face's summary or the abstract when the LLM fails, and
// makes one call per paper however many users ask at once. The Client bounds how many
// calls are in flight and the size of an answer, retries once on 429, 5xx
// and timeouts (by bot.Retry), and keeps its API key out of every error and
// log line.
package summarize

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sashabaranov/go-openai"
	"golang.org/x/sync/semaphore"

	"paperboy/bot"
)

// Defaults for the zero values of Config.
const (
	DefaultTimeout        = 30 * time.Second
	DefaultMaxConcurrency = 2
	DefaultMaxTokens      = 80
)

// Config configures a Client.
type Config struct {
	// BaseURL is the server's API root, version path included:
	// http://localhost:11434/v1 (Ollama), http://host:8000/v1 (vLLM),
	// http://host:8080/v1 (llama.cpp), https://api.openai.com/v1.
	BaseURL string
	// APIKey is sent as a bearer token when set; local servers need none. It
	// never appears in errors or logs.
	APIKey bot.Secret
	// Model is the model name the server knows ("llama3.1:8b", "gpt-4o-mini").
	Model string
	// Timeout bounds each HTTP attempt (default 30s).
	Timeout time.Duration
	// MaxConcurrency bounds the calls in flight at once (default 2).
	MaxConcurrency int
	// MaxTokens bounds the answer's length (default 80).
	MaxTokens int
	// Logger receives debug lines about each attempt (default slog.Default()).
	Logger *slog.Logger
	// Sleep waits between attempts, or until ctx is done (default
	// bot.Sleep); tests replace it to skip the waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// LogValue logs the configuration with its API key redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("base_url", hostOf(c.BaseURL)),
		slog.Any("api_key", c.APIKey),
		slog.String("model", c.Model),
		slog.Duration("timeout", c.Timeout),
		slog.Int("max_concurrency", c.MaxConcurrency),
		slog.Int("max_tokens", c.MaxTokens),
	)
}

// String formats the configuration with its API key redacted, for %v and %s.
func (c Config) String() string {
	return fmt.Sprintf("{BaseURL:%s APIKey:%v Model:%s Timeout:%v MaxConcurrency:%d MaxTokens:%d}",
		hostOf(c.BaseURL), c.APIKey, c.Model, c.Timeout, c.MaxConcurrency, c.MaxTokens)
}

// GoString formats the configuration with its API key redacted, for %#v.
func (c Config) GoString() string { return "summarize.Config" + c.String() }

// Client asks an LLM for TL;DRs. It is safe for concurrent use.
type Client struct {
	api       *openai.Client
	model     string
	host      string // where errors say the LLM is: host[:port], never a path
	timeout   time.Duration
	maxTokens int
	apiKey    bot.Secret // kept only to scrub it from upstream messages
	logger    *slog.Logger
	sem       *semaphore.Weighted
	queued    atomic.Int32 // calls waiting for a slot

	// sleep waits between attempts; tests replace it to skip the wait.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ bot.Summarizer = (*Client)(nil)

// New returns a Client for cfg. BaseURL must be an http or https URL and
// Model must be set; zero Timeout, MaxConcurrency and MaxTokens get defaults.
func New(cfg Config) (*Client, error) {
	base, model, err := checkEndpoint(cfg.BaseURL, cfg.Model, CheckModel)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 || cfg.MaxConcurrency < 0 || cfg.MaxTokens < 0 {
		return nil, errors.New("timeout, max_concurrency and max_tokens must not be negative")
	}
	cfg.Timeout = orDefault(cfg.Timeout, DefaultTimeout)
	cfg.MaxConcurrency = orDefault(cfg.MaxConcurrency, DefaultMaxConcurrency)
	cfg.MaxTokens = orDefault(cfg.MaxTokens, DefaultMaxTokens)

	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	return &Client{
		api:       newAPI(base, cfg.APIKey, cfg.Timeout, maxResponseBody),
		model:     model,
		host:      hostOf(base),
		timeout:   cfg.Timeout,
		maxTokens: cfg.MaxTokens,
		apiKey:    cfg.APIKey,
		logger:    logger,
		sem:       semaphore.NewWeighted(int64(cfg.MaxConcurrency)),
		sleep:     cfg.Sleep,
	}, nil
}

// CheckModel is the rule for the LLM's model name, which New and config
// loading both apply: it must be set.
func CheckModel(model string) error {
	if strings.TrimSpace(model) == "" {
		return errors.New("model is required, e.g. llama3.1:8b or gpt-4o-mini")
	}
	return nil
}

// CheckEmbedModel is the rule for the embeddings model's name, which
// NewEmbedder and config loading both apply: it must be set.
func CheckEmbedModel(model string) error {
	if strings.TrimSpace(model) == "" {
		return errors.New("model is required, e.g. nomic-embed-text or text-embedding-3-small")
	}
	return nil
}

// checkEndpoint is the rule New and NewEmbedder share: baseURL (trimmed, no
// trailing slash) an http or https URL, model set by checkModel's rule. It
// returns both trimmed.
func checkEndpoint(baseURL, model string, checkModel func(string) error) (string, string, error) {
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if err := checkBaseURL(base); err != nil {
		return "", "", err
	}
	if err := checkModel(model); err != nil {
		return "", "", err
	}
	return base, strings.TrimSpace(model), nil
}

// newAPI returns a go-openai client of base. Its HTTP client has a timeout
// and reads at most maxBody bytes of an answer: go-openai's default has no
// timeout and reads any answer whole. An empty key sends no Authorization
// header.
func newAPI(base string, key bot.Secret, timeout time.Duration, maxBody int64) *openai.Client {
	oc := openai.DefaultConfig(string(key))
	oc.BaseURL = base
	oc.HTTPClient = &http.Client{Timeout: timeout, Transport: newTransport(maxBody)}
	return openai.NewClientWithConfig(oc)
}

// checkBaseURL rejects what is not an http(s) URL, without echoing it: a
// base URL can carry credentials.
func checkBaseURL(base string) error {
	if base == "" {
		return errors.New("base_url is required, e.g. http://localhost:11434/v1")
	}
	if !bot.IsHTTPURL(base) {
		return errors.New("base_url must be an http or https URL, e.g. http://localhost:11434/v1")
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// hostOf returns the host[:port] of a URL, never its user info, path or query.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the configured URL"
	}
	return u.Host
}

// Version returns the model and PromptVersion, which key the TL;DR cache.
func (c *Client) Version() (model, prompt string) { return c.model, PromptVersion }

// Summarize asks the LLM for a TL;DR of p and returns its answer as received
// (a leading <think>…</think> block aside); the engine validates it with
// check.TLDR. It waits for a slot among MaxConcurrency, then asks, all
// within ctx and Budget; a retry starts only when ctx's deadline leaves
// room for a whole attempt. Errors are ctx.Err() when ctx ended before the
// call started, else EUNAVAILABLE *bot.Errors that name the server's host
// and nothing more.
func (c *Client) Summarize(ctx context.Context, p bot.Paper) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Budget())
	defer cancel()
	c.queued.Add(1)
	err := c.sem.Acquire(ctx, 1)
	c.queued.Add(-1)
	if err != nil {
		return "", bot.Errorf(bot.EUNAVAILABLE, "The LLM at %s is busy: too many TL;DRs are waiting for it.", c.host)
	}
	defer c.sem.Release(1)
	return c.ask(ctx, p)
}

// Budget bounds one call to Summarize: every attempt and the wait between
// them. The engine gives its calls this long (bot.Engine.SummaryBudget).
func (c *Client) Budget() time.Duration {
	return maxAttempts*c.timeout + maxRetryWait
}

// ask makes up to maxAttempts attempts, by the policy of retry.
func (c *Client) ask(ctx context.Context, p bot.Paper) (string, error) {
	req := c.request(p)
	var answer string
	start := time.Now()
	err := c.retry(p).Do(ctx, func(attempt int) error {
		start = time.Now()
		text, hinted, err := c.call(ctx, req)
		if err == nil {
			answer = text
			c.logger.Debug("llm answered", "paper_id", p.ID, "model", c.model, "attempt", attempt,
				"duration", time.Since(start).Round(time.Millisecond))
			return nil
		}
		if retryable(err) {
			return bot.Transient(err, hinted)
		}
		return err
	})
	if err != nil {
		c.logger.Debug("llm call failed", "paper_id", p.ID, "model", c.model,
			"duration", time.Since(start).Round(time.Millisecond), "error", c.describe(err))
		return "", c.userError(err)
	}
	return answer, nil
}

// retry is the client's bot.Retry: a TL;DR is worth one more try, not a
// long wait, and only a try that can finish within ctx's deadline.
func (c *Client) retry(p bot.Paper) bot.Retry {
	return bot.Retry{
		Attempts:       maxAttempts,
		Backoff:        retryBackoff,
		MaxWait:        maxRetryWait,
		AttemptTimeout: c.timeout,
		Sleep:          c.sleep,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			c.logger.Debug("llm attempt failed; retrying", "paper_id", p.ID, "model", c.model,
				"attempt", attempt, "wait", wait, "error", c.describe(err))
		},
	}
}

// call makes one attempt and returns the answer, or the error and the wait
// the server asked for (Retry-After).
func (c *Client) call(ctx context.Context, req openai.ChatCompletionRequest) (string, time.Duration, error) {
	hint := new(retryHint)
	resp, err := c.api.CreateChatCompletion(context.WithValue(ctx, hintKey{}, hint), req)
	if err != nil {
		return "", hint.after, err
	}
	if len(resp.Choices) == 0 {
		return "", 0, errEmpty
	}
	if resp.Choices[0].FinishReason == openai.FinishReasonLength {
		return "", 0, errCutOff
	}
	answer := stripThinking(resp.Choices[0].Message.Content)
	if answer == "" {
		return "", 0, errEmpty
	}
	return answer, 0, nil
}

// stripThinking drops the <think>…</think> block that local reasoning models
// (DeepSeek-R1, QwQ) put before their answer in the content itself.
func stripThinking(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "<think>") {
		if _, after, ok := strings.Cut(s, "</think>"); ok {
			s = strings.TrimSpace(after)
		}
	}
	return s
}
