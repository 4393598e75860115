package discord

import (
	"cmp"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"paperboy/bot"
)

// Modes of receiving interactions.
const (
	ModeGateway = "gateway"
	ModeHTTP    = "http"
)

// Defaults of the Config durations.
const (
	DefaultDeferAfter   = 1500 * time.Millisecond
	DefaultReplyTimeout = 30 * time.Second
)

// callTimeout bounds one HTTP attempt of a REST call; retries get their own.
const callTimeout = 15 * time.Second

var _ bot.Chat = (*Adapter)(nil)

// Handler answers commands; *bot.Engine satisfies it.
type Handler interface {
	Handle(ctx context.Context, cmd bot.Command) (bot.Reply, error)
}

// Config configures an Adapter. Token, ApplicationID and, in HTTP mode,
// PublicKey are required; everything else has a default.
type Config struct {
	// Token is the bot token, with or without the "Bot " prefix. It is never
	// logged or put in an error.
	Token bot.Secret
	// ApplicationID is the application's id (a snowflake).
	ApplicationID string
	// PublicKey is the application's hex Ed25519 public key, which signs
	// HTTP interactions. Required in HTTP mode.
	PublicKey string
	// Mode is ModeGateway (the default when "") or ModeHTTP.
	Mode string
	// APIBaseURL sends REST calls (and so the gateway URL that REST
	// returns) to a compatible server instead of https://discord.com: its
	// origin, or its API address ending in /api or /api/vN (see APIOrigin).
	APIBaseURL string
	// GuildIDs are guilds to register /papers in as well, where it is
	// available at once (global commands can take a while to appear).
	GuildIDs []string
	// Replays remembers the interactions answered already, so that each is
	// answered once; nil means memory, which a restart forgets.
	Replays Replays
	// Logger receives the adapter's logs; nil means slog.Default().
	Logger *slog.Logger
	// Budget shares the bot token's global rate limit with the other
	// processes using the token (replicas on one PostgreSQL store); nil
	// keeps it in this process alone.
	Budget Budget
	// HTTPClient makes the REST calls; nil means a client with a timeout.
	HTTPClient *http.Client
	// DeferAfter is how long an interaction may take before it is deferred
	// and answered by editing; 0 means DefaultDeferAfter.
	DeferAfter time.Duration
	// ReplyTimeout bounds an interaction's whole answer; after it the user
	// gets an apology instead. 0 means DefaultReplyTimeout.
	ReplyTimeout time.Duration
	// Now returns the current time, for checking interaction timestamps;
	// nil means time.Now.
	Now func() time.Time
}

// String describes the config without its token.
func (c Config) String() string {
	return fmt.Sprintf("discord.Config{Token:%s ApplicationID:%s Mode:%s APIBaseURL:%s GuildIDs:%v}",
		c.Token, c.ApplicationID, c.Mode, c.APIBaseURL, c.GuildIDs)
}

// LogValue logs the config without its token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("token", c.Token),
		slog.String("application_id", c.ApplicationID),
		slog.String("mode", c.Mode),
		slog.String("api_base_url", c.APIBaseURL),
		slog.Any("guild_ids", c.GuildIDs),
	)
}

// Replays remembers the interactions answered already; store.DB implements
// it, so that the memory survives a restart.
type Replays interface {
	// Seen records key until the time until and reports whether it was
	// recorded already and has not expired.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// Adapter is paperboy's Discord bot: it serves /papers interactions and
// implements bot.Chat. It is safe for concurrent use.
type Adapter struct {
	cfg       Config
	h         Handler
	log       *slog.Logger
	session   *discordgo.Session
	publicKey ed25519.PublicKey
	token     string // without "Bot ", for scrubbing errors
	now       func() time.Time
	replays   Replays
	// sleep waits between retries; tests replace it to skip the wall clock.
	sleep func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	closing bool
	work    sync.WaitGroup // answers still being worked on
	botID   string         // the bot's user id, looked up once
}

// New validates cfg and returns an Adapter that answers commands with h.
func New(cfg Config, h Handler) (*Adapter, error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeGateway
	}
	cfg.Token = bot.Secret(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(string(cfg.Token)), "Bot ")))
	key, err := validate(cfg, h)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	cfg.APIBaseURL, _ = APIOrigin(cfg.APIBaseURL) // checked by validate
	a := &Adapter{cfg: cfg, h: h, publicKey: key, token: string(cfg.Token), now: cfg.Now, sleep: bot.Sleep}
	a.cfg.DeferAfter = orDefault(cfg.DeferAfter, DefaultDeferAfter)
	a.cfg.ReplyTimeout = orDefault(cfg.ReplyTimeout, DefaultReplyTimeout)
	if a.now == nil {
		a.now = time.Now
	}
	a.replays = cfg.Replays
	if a.replays == nil {
		a.replays = &bot.RecentKeys{Now: a.now}
	}
	a.log = cfg.Logger
	if a.log == nil {
		a.log = slog.Default()
	}
	a.log = a.log.With("adapter", "discord")
	a.session, err = newSession(cfg)
	if err != nil {
		return nil, fmt.Errorf("discord: %w", err)
	}
	a.routeLibraryLogs()
	return a, nil
}

// validate checks cfg and decodes the public key. Each rule is one of the
// Check functions, which config loading calls too.
func validate(cfg Config, h Handler) (ed25519.PublicKey, error) {
	var errs []error
	if cfg.Token == "" {
		errs = append(errs, errors.New("token is empty"))
	}
	if err := CheckApplicationID(cfg.ApplicationID); err != nil {
		errs = append(errs, fmt.Errorf("application id %w", err))
	}
	if err := CheckMode(cfg.Mode); err != nil {
		errs = append(errs, fmt.Errorf("mode %w", err))
	}
	key, _ := decodePublicKey(cfg.PublicKey) // checked by CheckPublicKey
	if err := CheckPublicKey(cfg.Mode, cfg.PublicKey); err != nil {
		errs = append(errs, fmt.Errorf("public key: %w", err))
	}
	if _, err := APIOrigin(cfg.APIBaseURL); err != nil {
		errs = append(errs, fmt.Errorf("api base url: %w", err))
	}
	for _, g := range cfg.GuildIDs {
		if err := CheckGuildID(g); err != nil {
			errs = append(errs, fmt.Errorf("guild id %w", err))
		}
	}
	if h == nil {
		errs = append(errs, errors.New("no handler"))
	}
	return key, errors.Join(errs...)
}

// CheckMode says what is wrong with a mode: it is ModeGateway or ModeHTTP.
func CheckMode(mode string) error {
	if mode != ModeGateway && mode != ModeHTTP {
		return fmt.Errorf("%q is not one of gateway, http", mode)
	}
	return nil
}

// CheckApplicationID says what is wrong with an application id: it is a
// Discord id, digits only.
func CheckApplicationID(id string) error {
	if !isSnowflake(id) {
		return fmt.Errorf("%q is not a Discord id (digits only)", id)
	}
	return nil
}

// CheckGuildID says what is wrong with a guild id: it is a Discord id.
func CheckGuildID(id string) error {
	if !isSnowflake(id) {
		return fmt.Errorf("%q is not a Discord id", id)
	}
	return nil
}

// CheckPublicKey says what is wrong with the public key for mode: the
// application's Ed25519 key in hex, required in HTTP mode. The error never
// quotes the key.
func CheckPublicKey(mode, key string) error {
	k, err := decodePublicKey(key)
	if err != nil || (k == nil && mode == ModeHTTP) {
		return errors.New("must be the application's 64 hex digits in http mode")
	}
	return nil
}

// decodePublicKey decodes a hex Ed25519 public key; "" gives nil.
func decodePublicKey(s string) (ed25519.PublicKey, error) {
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("bad public key")
	}
	return ed25519.PublicKey(b), nil
}

func isSnowflake(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// newSession makes the discordgo session: no intents, no state cache, and
// discordgo's own retries off, because call retries with its own policy.
func newSession(cfg Config) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + string(cfg.Token))
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	s.Identify.Intents = discordgo.IntentsNone
	s.StateEnabled = false
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	client := &http.Client{Timeout: 2 * callTimeout, Transport: bot.NewTransport()}
	if cfg.HTTPClient != nil {
		c := *cfg.HTTPClient
		client = &c
	}
	if cfg.APIBaseURL != "" {
		target, _ := url.Parse(cfg.APIBaseURL) // checked by validate
		client.Transport = rewrite{target: target, next: client.Transport}
	}
	// Every request, whoever makes it, keeps Discord's global limit.
	limiter := newGlobalLimiter()
	if cfg.Budget != nil {
		limiter.shared, limiter.name = cfg.Budget, budgetName(strings.TrimPrefix(string(cfg.Token), "Bot "), "global")
		if cfg.Logger != nil {
			limiter.log = cfg.Logger.With("adapter", "discord")
		}
	}
	client.Transport = limitedTransport{limiter: limiter, next: client.Transport}
	s.Client = client
	return s, nil
}

// invitePermissions are what the bot needs in a channel: see it, read its
// history (Find), post with embeds, start a thread from the daily post and
// post in it.
const invitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// InviteURL returns the link that adds the bot to a server, with the bot and
// applications.commands scopes and the permissions it needs: on discord.com,
// or on the compatible server of Config.APIBaseURL.
func (a *Adapter) InviteURL() string {
	return cmp.Or(a.cfg.APIBaseURL, "https://discord.com") + "/oauth2/authorize?client_id=" + url.QueryEscape(a.cfg.ApplicationID) +
		"&permissions=" + strconv.FormatInt(int64(invitePermissions), 10) + "&scope=bot%20applications.commands"
}

// Run serves until ctx ends and returns nil then. In gateway mode it opens
// the session, registers the commands and answers interactions; in HTTP mode
// it registers the commands and waits (InteractionsHandler does the
// serving). A bad token is an error; other registration failures are logged
// (registerAtStart). Before returning it
// waits for answers in progress, which ReplyTimeout bounds.
func (a *Adapter) Run(ctx context.Context) error {
	defer a.drain()
	if a.cfg.Mode == ModeHTTP {
		if err := a.registerAtStart(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
	return a.runGateway(ctx)
}

// runGateway holds the gateway session open until ctx ends.
func (a *Adapter) runGateway(ctx context.Context) error {
	base := context.WithoutCancel(ctx)
	remove := a.session.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		defer bot.Recover(a.log, "discord gateway", nil)
		a.track(func() { a.serveGateway(base, ic.Interaction) })
	})
	defer remove()
	if err := a.openGateway(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	a.log.Info("connected to the discord gateway")
	err := a.registerAtStart(ctx)
	if err == nil {
		<-ctx.Done()
	}
	if cerr := a.session.Close(); cerr != nil {
		a.log.Warn("close discord gateway", "error", a.scrub(cerr))
	}
	return err
}

// Gateway opening policy: a gateway that cannot be opened (Discord or the
// network down at start) is tried again, waiting gatewayBackoff, doubling up
// to gatewayMaxBackoff, for as long as it takes; the rest of run (HTTP, the
// scheduler's deliveries over REST) works meanwhile. Only a bad token ends
// the tries: the process cannot do better by waiting.
const (
	gatewayBackoff    = time.Second
	gatewayMaxBackoff = 2 * time.Minute
)

// openGateway opens the session under the gateway opening policy, logging
// each failure.
func (a *Adapter) openGateway(ctx context.Context) error {
	policy := bot.Retry{
		Attempts: math.MaxInt32, Backoff: gatewayBackoff, MaxBackoff: gatewayMaxBackoff, Sleep: a.sleep,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			a.log.Warn("cannot open the discord gateway; retrying", "attempt", attempt, "wait", wait, "error", err)
		},
	}
	return policy.Do(ctx, func(int) error {
		err := a.session.Open()
		if err == nil {
			return nil
		}
		msg := a.scrub(errors.New(describe(err))).Error()
		if statusOf(err) == http.StatusNotFound && a.cfg.APIBaseURL != "" {
			msg += " (" + a.cfg.APIBaseURL + " has no Discord API; " + OriginForm + ")"
		}
		rerr := &restError{op: "open discord gateway", msg: msg, err: err}
		if badToken(err) {
			return &restError{op: "open discord gateway", msg: "discord refused the bot token (" + msg + "); check discord.token", err: err}
		}
		return bot.Transient(rerr, 0)
	})
}

// badToken reports whether err says the bot token is wrong: a 401 from the
// REST API, or the gateway closing with 4004 (authentication failed).
func badToken(err error) bool {
	var ce *websocket.CloseError
	return statusOf(err) == http.StatusUnauthorized || (errors.As(err, &ce) && ce.Code == 4004)
}

// track runs fn as an answer in progress unless the adapter is shutting
// down, and reports whether it ran.
func (a *Adapter) track(fn func()) bool {
	a.mu.Lock()
	if a.closing {
		a.mu.Unlock()
		return false
	}
	a.work.Add(1)
	a.mu.Unlock()
	defer a.work.Done()
	fn()
	return true
}

// goTrack runs fn in a goroutine tracked like track, and reports whether
// it started it.
func (a *Adapter) goTrack(fn func()) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closing {
		return false
	}
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		defer bot.Recover(a.log, "discord", nil)
		fn()
	}()
	return true
}

// drain stops taking new work and waits for the work in progress.
func (a *Adapter) drain() {
	a.mu.Lock()
	a.closing = true
	a.mu.Unlock()
	a.work.Wait()
}
