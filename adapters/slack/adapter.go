// Package slack connects paperboy to Slack workspaces: the /papers slash
// command and its buttons, over Socket Mode or signed HTTP requests, and the
// daily post (bot.Chat).
//
// It only translates. An inbound request is verified, parsed into a
// bot.Command, answered by a Handler (the bot.Engine), and the bot.Reply is
// rendered as Block Kit within Slack's limits, with paper text escaped so that
// it can never ping anyone. Slash commands and button presses are
// acknowledged at once and answered through their response_url, so Slack's
// 3-second deadline never shows the user an error.
package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slackgo "github.com/slack-go/slack"

	"paperboy/bot"
)

var _ bot.Chat = (*Adapter)(nil)

// Handler answers one command. *bot.Engine satisfies it.
type Handler interface {
	Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error)
}

// Modes of receiving commands.
const (
	// ModeSocket receives commands over a Socket Mode websocket, opened with
	// the app-level token: no public URL is needed.
	ModeSocket = "socket"
	// ModeHTTP receives commands as signed POST requests on
	// CommandsHandler and InteractionsHandler.
	ModeHTTP = "http"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// DefaultReplyTimeout bounds the answer to one command when
// Config.ReplyTimeout is zero. It leaves room for one LLM call (the engine
// gives one 20 s).
const DefaultReplyTimeout = 25 * time.Second

// Config configures an Adapter. BotToken, AppToken and SigningSecret are
// bot.Secrets: every way of printing them redacts them, and no error or log
// line of this package contains them.
type Config struct {
	BotToken      bot.Secret // xoxb-…, for the Web API
	AppToken      bot.Secret // xapp-…, for Socket Mode
	SigningSecret bot.Secret // verifies HTTP-mode requests

	// Mode is ModeSocket (the default when "") or ModeHTTP.
	Mode string
	// APIURL points the Web API at a compatible server; "" means
	// DefaultAPIURL. A trailing slash is added when missing.
	APIURL string
	// Admins are user ids allowed to subscribe and unsubscribe channels, in
	// addition to the workspace's admins and owners.
	Admins []string
	// Replays remembers the HTTP-mode requests answered already, so that a
	// replay is refused; nil means memory, which a restart forgets.
	Replays Replays
	// Logger receives the adapter's logs; nil means slog.Default().
	Logger *slog.Logger
	// Budget shares the bot token's chat.postMessage pauses with the other
	// processes using the token (replicas on one PostgreSQL store); nil
	// keeps them in this process alone.
	Budget Budget
	// HTTPClient makes every outbound request (Web API, response_url); nil
	// means a client with a 10 s timeout.
	HTTPClient *http.Client
	// ReplyTimeout is the hard overall bound for answering a command; then
	// the user gets a polite message instead. 0 means DefaultReplyTimeout.
	ReplyTimeout time.Duration
	// Now returns the current time; nil means time.Now. It checks request
	// timestamps and paces posts.
	Now func() time.Time
	// Sleep waits for d or until ctx ends, whichever comes first, returning
	// ctx.Err() in the second case; nil means a timer. Waits for rate limits
	// and retries go through it, so tests can skip them.
	Sleep func(ctx context.Context, d time.Duration) error
}

// String describes the configuration with its secrets redacted.
func (c Config) String() string {
	return fmt.Sprintf("slack.Config{Mode:%q APIURL:%q BotToken:%s AppToken:%s SigningSecret:%s Admins:%d ReplyTimeout:%s}",
		c.Mode, redactURL(c.APIURL), c.BotToken, c.AppToken, c.SigningSecret, len(c.Admins), c.ReplyTimeout)
}

// GoString is String, so that %#v redacts the secrets too.
func (c Config) GoString() string { return c.String() }

// LogValue logs the configuration with its secrets redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mode", c.Mode),
		slog.String("api_url", redactURL(c.APIURL)),
		slog.Any("bot_token", c.BotToken),
		slog.Any("app_token", c.AppToken),
		slog.Any("signing_secret", c.SigningSecret),
		slog.Int("admins", len(c.Admins)),
	)
}

func redactURL(s string) string { return bot.RedactURL(s) }

// Adapter is paperboy in one Slack workspace. It is safe for concurrent use.
type Adapter struct {
	cfg     Config
	h       Handler
	api     *slackgo.Client
	log     *slog.Logger
	http    *http.Client
	admins  map[string]bool
	replays Replays
	pacer   pacer
	gate    postGate
	shared  sharedState // the shared pause, as last read
	updates updateLimit
	self    identity

	bg   context.Context // in-flight work; cancelled when Run returns
	stop context.CancelFunc

	mu     sync.Mutex
	closed bool
	work   sync.WaitGroup
}

// New returns an Adapter that sends commands to h. It checks the
// configuration for the mode: Socket Mode needs the bot and app tokens, HTTP
// mode the bot token and the signing secret.
func New(cfg Config, h Handler) (*Adapter, error) {
	cfg, err := withDefaults(cfg)
	if err != nil {
		return nil, err
	}
	if h == nil {
		return nil, errors.New("slack: no command handler")
	}
	a := &Adapter{cfg: cfg, h: h, http: cfg.HTTPClient, admins: make(map[string]bool), replays: cfg.Replays}
	if a.replays == nil {
		a.replays = &bot.RecentKeys{Now: func() time.Time { return a.cfg.Now() }}
	}
	a.log = cfg.Logger.With("adapter", "slack")
	for _, id := range cfg.Admins {
		a.admins[strings.TrimSpace(id)] = true
	}
	// slack-go's own lines (it logs in debug mode and for RTM) go through
	// slog too, like socketmode's (runSocket), never to the standard logger.
	opts := []slackgo.Option{slackgo.OptionAPIURL(cfg.APIURL), slackgo.OptionHTTPClient(cfg.HTTPClient), slackgo.OptionLog(logBridge{a.log})}
	if cfg.AppToken != "" {
		opts = append(opts, slackgo.OptionAppLevelToken(string(cfg.AppToken)))
	}
	a.api = slackgo.New(string(cfg.BotToken), opts...)
	a.bg, a.stop = context.WithCancel(context.Background())
	return a, nil
}

// withDefaults validates cfg and fills in its defaults. Each rule of a
// mode's secrets is one of the Check functions, which config loading calls
// too.
func withDefaults(cfg Config) (Config, error) {
	var errs []error
	mode, err := ParseMode(cfg.Mode)
	if err != nil {
		errs = append(errs, fmt.Errorf("slack: mode %w", err))
	} else {
		cfg.Mode = mode
		if strings.TrimSpace(string(cfg.BotToken)) == "" {
			errs = append(errs, fmt.Errorf("slack: %s mode needs a bot token (xoxb-…)", cfg.Mode))
		}
		for _, err := range []error{CheckAppToken(cfg.Mode, cfg.AppToken), CheckSigningSecret(cfg.Mode, cfg.SigningSecret)} {
			if err != nil {
				errs = append(errs, fmt.Errorf("slack: %w", err))
			}
		}
	}
	api, err := apiURL(cfg.APIURL)
	if err != nil {
		errs = append(errs, err)
	}
	cfg.APIURL = api
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: bot.NewTransport()}
	}
	if cfg.ReplyTimeout <= 0 {
		cfg.ReplyTimeout = DefaultReplyTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = bot.Sleep
	}
	return cfg, errors.Join(errs...)
}

// ParseMode returns the mode a configured one names: ModeSocket (also for
// ""), or ModeHTTP, in any case.
func ParseMode(mode string) (string, error) {
	switch m := strings.ToLower(strings.TrimSpace(mode)); m {
	case "", ModeSocket:
		return ModeSocket, nil
	case ModeHTTP:
		return m, nil
	}
	return "", fmt.Errorf("%q is not one of socket, http", mode)
}

// CheckAppToken says what is wrong with the app-level token for mode:
// Socket Mode needs one, and it starts with xapp-. The error never quotes
// the token.
func CheckAppToken(mode string, token bot.Secret) error {
	switch {
	case mode != ModeSocket:
		return nil
	case strings.TrimSpace(string(token)) == "":
		return errors.New("socket mode needs an app-level token (xapp-…) with connections:write")
	case !strings.HasPrefix(string(token), "xapp-"):
		return errors.New("the app-level token must start with xapp-")
	}
	return nil
}

// CheckSigningSecret says what is wrong with the signing secret for mode:
// HTTP mode needs one.
func CheckSigningSecret(mode string, secret bot.Secret) error {
	if mode == ModeHTTP && strings.TrimSpace(string(secret)) == "" {
		return errors.New("http mode needs a signing secret, from the app's Basic Information page")
	}
	return nil
}

// apiURL checks a Web API base URL and gives it the trailing slash that
// slack-go needs (it appends method names).
func apiURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultAPIURL, nil
	}
	if !bot.IsHTTPURL(s) {
		return "", fmt.Errorf("slack: api url %q is not an http(s) URL", redactURL(s))
	}
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s, nil
}

// Run serves until ctx ends and returns nil then. In Socket Mode it holds
// the websocket (reconnecting as Slack asks); in HTTP mode the requests
// arrive on CommandsHandler and InteractionsHandler, and Run only waits.
// Before returning it refuses new requests, gives the answers in flight up
// to ShutdownGrace to finish, then cancels them and waits for them. Run is
// called once.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.shutdown()
	a.log.Info("slack adapter running", "mode", a.cfg.Mode)
	if a.cfg.Mode == ModeHTTP {
		<-ctx.Done()
		return nil
	}
	return a.runSocket(ctx)
}

// ShutdownGrace is how long Run lets answers in flight finish once its
// context ends.
const ShutdownGrace = 5 * time.Second

// shutdown refuses new work, lets what is in flight finish within
// ShutdownGrace, then cancels the rest and waits for it.
func (a *Adapter) shutdown() {
	a.mu.Lock()
	a.closed = true
	a.mu.Unlock()
	done := make(chan struct{})
	go func() {
		a.work.Wait()
		close(done)
	}()
	grace := time.NewTimer(ShutdownGrace)
	defer grace.Stop()
	select {
	case <-done:
	case <-grace.C:
		a.log.Warn("cancelling answers still in flight")
	}
	a.stop()
	<-done
}

// spawn runs fn in a goroutine that Run waits for, with a context that
// Run cancels. It reports false, and runs nothing, once Run has returned.
func (a *Adapter) spawn(fn func(ctx context.Context)) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return false
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer bot.Recover(a.log, "slack", nil)
		fn(a.bg)
	}()
	return true
}
