package main

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"paperboy/adapters/arxiv"
	"paperboy/adapters/discord"
	"paperboy/adapters/slack"
	"paperboy/bot"
	"paperboy/bot/delivery"
	"paperboy/summarize"
)

// Config is paperboy's configuration, read from one YAML file. Every key is
// described in config.example.yaml. Packages never see Config: Main copies
// the fields each one needs.
type Config struct {
	Database string    `yaml:"database"`
	Timezone string    `yaml:"timezone"`
	Log      LogConfig `yaml:"log"`
	HTTP     struct {
		Listen string `yaml:"listen"`
	} `yaml:"http"`
	Source        SourceConfig         `yaml:"source"`
	Summarize     SummarizeConfig      `yaml:"summarize"`
	Embeddings    EmbeddingsConfig     `yaml:"embeddings"`
	Discord       DiscordConfig        `yaml:"discord"`
	Slack         SlackConfig          `yaml:"slack"`
	Delivery      DeliveryConfig       `yaml:"delivery"`
	SMTP          SMTPConfig           `yaml:"smtp"`
	Subscriptions []SubscriptionConfig `yaml:"subscriptions"`

	// written is what the file wrote for each key it set, by path
	// ("slack.bot_token", "subscriptions[0].platform"): the text before
	// ${VAR} expansion, "" for a section. Validation uses it to tell what
	// came from the environment (never shown) and which sections are set.
	written  map[string]string
	expanded bool // whether ${VAR} was expanded (no --no-expand-env)
	// unexpand shows each value the expansion put in as its ${VAR} in an
	// error. A func, so that no way of printing Config shows the values.
	unexpand func(error) error
}

// DeliveryConfig sets how daily posts go out.
type DeliveryConfig struct {
	// Schedule is the cron expression of subscriptions that set none.
	Schedule string `yaml:"schedule"`
	// CatchUp is how far back missed deliveries are still made, as one digest.
	CatchUp time.Duration `yaml:"catch_up"`
	// Concurrency bounds the channels posted to at once, per platform.
	Concurrency int `yaml:"concurrency"`
	// NotifyEmpty posts "No new papers" on a due day without a batch.
	NotifyEmpty bool `yaml:"notify_empty"`
	// Lease is how long a process's claim on a delivery holds after its
	// last renewal; the owner renews it every lease/3 while it works. After
	// a crash, another process (or the restarted one) resumes the delivery
	// once the claim has run out, or at once on the same host.
	Lease time.Duration `yaml:"lease"`
	// Refresh is how long after a day's post its messages are kept current
	// (edited with new upvotes, late papers added); 0 turns it off.
	Refresh time.Duration `yaml:"refresh"`
}

// LogConfig sets the log level (debug, info, warn, error) and format (text, json).
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// SourceConfig chooses where daily batches come from.
type SourceConfig struct {
	Kind string `yaml:"kind"`
	HF   struct {
		BaseURL string     `yaml:"base_url"`
		Token   bot.Secret `yaml:"token"`
	} `yaml:"hf"`
	Arxiv struct {
		BaseURL    string   `yaml:"base_url"`
		RSSURL     string   `yaml:"rss_url"`
		Categories []string `yaml:"categories"`
	} `yaml:"arxiv"`
}

// SummarizeConfig points at an OpenAI-compatible endpoint for TL;DRs.
type SummarizeConfig struct {
	BaseURL        string        `yaml:"base_url"`
	APIKey         bot.Secret    `yaml:"api_key"`
	Model          string        `yaml:"model"`
	Timeout        time.Duration `yaml:"timeout"`
	MaxConcurrency int           `yaml:"max_concurrency"`
}

// DiscordConfig configures the Discord adapter.
type DiscordConfig struct {
	Token         bot.Secret `yaml:"token"`
	ApplicationID string     `yaml:"application_id"`
	PublicKey     string     `yaml:"public_key"`
	Mode          string     `yaml:"mode"`
	APIBaseURL    string     `yaml:"api_base_url"`
	GuildIDs      []string   `yaml:"guild_ids"`
}

// SlackConfig configures the Slack adapter.
type SlackConfig struct {
	BotToken      bot.Secret `yaml:"bot_token"`
	AppToken      bot.Secret `yaml:"app_token"`
	SigningSecret bot.Secret `yaml:"signing_secret"`
	Mode          string     `yaml:"mode"`
	APIURL        string     `yaml:"api_url"`
	Admins        []string   `yaml:"admins"`
}

// SubscriptionConfig is one channel that gets the daily batch.
type SubscriptionConfig struct {
	Platform   string   `yaml:"platform"`
	Channel    string   `yaml:"channel"`
	Schedule   string   `yaml:"schedule"`
	Timezone   string   `yaml:"timezone"`
	Top        int      `yaml:"top"`
	MinUpvotes int      `yaml:"min_upvotes"`
	Include    []string `yaml:"include"`
	Exclude    []string `yaml:"exclude"`
	Style      string   `yaml:"style"`
	// Period is day (the default), week or month: see period.go.
	Period string `yaml:"period"`
	// Rank and Interests order the candidates by the channel's taste:
	// see taste.go.
	Rank      string `yaml:"rank"`
	Interests string `yaml:"interests"`
}

// DefaultConfig returns the embedded defaults: a local SQLite file, Hugging
// Face as the source, no LLM, no chat platform (so `run` uses the console).
func DefaultConfig() Config {
	var c Config
	c.Database = "paperboy.db"
	c.Timezone = "UTC"
	c.Log.Level, c.Log.Format = "info", "text"
	c.Source.Kind = "hf"
	// One LLM attempt, and the longest a user waits for it. Any value is
	// safe with the chats' reply deadlines: the engine stops waiting 2 s
	// before the deadline and answers with the fallback (bot.Engine.
	// SummaryTimeout), so Validate sets no upper bound.
	c.Summarize.Timeout = 15 * time.Second
	c.Summarize.MaxConcurrency = 2
	c.Embeddings = defaultEmbeddings()
	c.Delivery.Schedule = "0 9 * * 1-5"
	c.Delivery.CatchUp = 72 * time.Hour
	// Enough deliveries in flight to keep Slack's workspace rate busy while
	// each channel waits its 1 s between posts (docs/benchmarks.md); the
	// adapters keep the platforms' limits themselves, so more costs no 429s.
	c.Delivery.Concurrency = 64
	c.Delivery.Lease = delivery.DefaultLease
	c.Discord.Mode = "gateway"
	c.Slack.Mode = "socket"
	return c
}

// ParseConfig reads YAML over DefaultConfig. When expandEnv is set, each
// ${VAR} inside a scalar value is replaced from the environment after the
// YAML is parsed, so that secrets stay out of the file. A value from the
// environment is taken as it is, never read as YAML: a token "*abc",
// "tok #x" or one holding a newline stays intact and cannot add keys. Bare
// $VAR is left as it is (a password may hold a "$"), and so are keys.
// Unknown keys are errors: a typo must not silently leave a default in
// place. No error quotes a value that came from the environment.
func ParseConfig(data []byte, expandEnv bool, getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Config{}, syntaxError(data, err)
	}
	if doc.Kind == 0 { // an empty file means "all defaults"
		return c, nil
	}
	written := map[string]string{}
	writtenKeys(&doc, "", written)
	var env envValues
	if expandEnv {
		env = expandNode(&doc, getenv)
	}
	if errs := knownKeys(&doc, reflect.TypeFor[Config](), nil); len(errs) > 0 {
		return Config{}, fmt.Errorf("%w; see config.example.yaml for the keys", errors.Join(errs...))
	}
	if err := doc.Decode(&c); err != nil {
		return Config{}, env.errorf(err)
	}
	c.written, c.expanded, c.unexpand = written, expandEnv, env.errorf
	return c, nil
}

// knownKeys appends to errs every mapping key under n that names no field
// of t, the struct it decodes into: yaml.Node.Decode has no KnownFields
// switch. Keys are never expanded, so the errors quote the file, not the
// environment.
func knownKeys(n *yaml.Node, t reflect.Type, errs []error) []error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.DocumentNode || n.Kind == yaml.SequenceNode:
		for _, c := range n.Content {
			errs = knownKeys(c, t, errs)
		}
	case n.Kind == yaml.AliasNode && n.Alias != nil:
		errs = knownKeys(n.Alias, t, errs)
	case n.Kind == yaml.MappingNode && t.Kind() == reflect.Struct:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			f, ok := yamlField(t, k.Value)
			if !ok {
				errs = append(errs, fmt.Errorf("line %d: unknown key %q (in %s)", k.Line, k.Value, t.Name()))
				continue
			}
			errs = knownKeys(n.Content[i+1], f.Type, errs)
		}
	}
	return errs
}

// syntaxError returns a YAML syntax error as one line, on the line where
// the file stops being YAML. The parser names the line where the
// construct it gave up on began, or a comment before the culprit, for an
// indentation error; the first line from there whose prefix of the file
// does not parse is the one to fix. An unfinished construct (an open quote)
// fails at the parser's line already, which then stands.
func syntaxError(data []byte, err error) error {
	msg := oneLine(err.Error())
	var reported int
	if _, serr := fmt.Sscanf(msg, "yaml: line %d:", &reported); serr != nil || reported < 1 {
		return errors.New(msg)
	}
	lines := strings.SplitAfter(string(data), "\n")
	for n := reported; n <= len(lines); n++ {
		var doc yaml.Node
		if yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc) == nil {
			continue
		}
		if n > reported {
			msg = strings.Replace(msg, fmt.Sprintf("line %d:", reported), fmt.Sprintf("line %d:", n), 1)
		}
		break
	}
	return errors.New(msg)
}

// yamlField returns the field of struct t that the YAML key name sets.
func yamlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// envRef matches ${VAR}: the one form of reference expanded.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// envValues records what expansion put in, so errors can show "${VAR}"
// instead of a value: by value, and by the line of the value.
type envValues struct {
	refs  map[string]string // value → "${VAR}"
	lines map[int][]string  // line → the references expanded on it
}

// expandNode replaces ${VAR} in every scalar value under n (never in keys),
// and returns what it put in.
func expandNode(n *yaml.Node, getenv func(string) string) envValues {
	env := envValues{refs: map[string]string{}, lines: map[int][]string{}}
	var walk func(n *yaml.Node, isKey bool)
	walk = func(n *yaml.Node, isKey bool) {
		switch n.Kind {
		case yaml.ScalarNode:
			if !isKey && n.Tag == "!!str" && envRef.MatchString(n.Value) {
				env.expand(n, getenv)
			}
		case yaml.MappingNode:
			for i, c := range n.Content {
				walk(c, i%2 == 0)
			}
		default:
			for _, c := range n.Content {
				walk(c, false)
			}
		}
	}
	walk(n, false)
	return env
}

// expand replaces the references in one scalar node.
func (env envValues) expand(n *yaml.Node, getenv func(string) string) {
	env.lines[n.Line] = append(env.lines[n.Line], n.Value)
	n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
		v := getenv(ref[2 : len(ref)-1])
		env.refs[v] = ref
		return v
	})
	// A plain ${VAR} may stand for a number or a boolean (top: ${TOP}):
	// let the decoder resolve its type. Any other value stays a string,
	// exactly as it came.
	if n.Style == 0 && looksScalar(n.Value) {
		n.Tag = ""
	}
}

// quoted matches the values YAML quotes in its errors, `like this...`.
var quoted = regexp.MustCompile("`[^`]*`")

// errorf returns err as one line that quotes no value from the
// environment: on a line where a value was expanded, YAML's quote of it
// (which may be a prefix of a token) shows as the reference written in the
// file instead, and any value left anywhere (whole, quoted with escapes,
// or cut short by a message that shortens what it quotes) is replaced by
// its reference. Values shorter than 4 bytes are left: they would match
// unrelated text ("line 1"), and no secret is that short.
func (env envValues) errorf(err error) error {
	parts := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		parts = te.Errors
	}
	for i, p := range parts {
		var line int
		if _, serr := fmt.Sscanf(p, "line %d:", &line); serr == nil && len(env.lines[line]) > 0 {
			parts[i] = quoted.ReplaceAllLiteralString(p, "`"+strings.Join(env.lines[line], " ")+"`")
		}
	}
	msg := oneLine(strings.Join(parts, "; "))
	for v, ref := range env.refs {
		msg = scrubValue(msg, v, ref)
	}
	return errors.New(msg)
}

// scrubValue replaces v in msg by ref: v whole, v as %q writes it, and the
// longest start of v of 8 bytes or more that msg still holds.
func scrubValue(msg, v, ref string) string {
	if len(v) < 4 {
		return msg
	}
	q := strconv.Quote(v)
	msg = strings.ReplaceAll(strings.ReplaceAll(msg, v, ref), q[1:len(q)-1], ref)
	for n := len(v) - 1; n >= 8; n-- {
		if strings.Contains(msg, v[:n]) {
			return strings.ReplaceAll(msg, v[:n], ref)
		}
	}
	return msg
}

// looksScalar reports whether s reads as a YAML number or boolean.
func looksScalar(s string) bool {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return true
	}
	return oneOf(strings.ToLower(s), "true", "false")
}

// logLevels are the levels log.level and $LOG_LEVEL accept, in any case.
var logLevels = []string{"debug", "info", "warn", "error"}

// Validate reports every problem of the configuration at once, each naming
// its key.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if _, err := bot.LoadTimezone(c.Timezone); err != nil {
		bad("timezone", "%s", bot.ErrorMessage(err))
	}
	if strings.TrimSpace(c.Database) == "" {
		bad("database", "empty; name the SQLite file, e.g. paperboy.db, or leave the key out")
	}
	if !oneOf(strings.ToLower(c.Log.Level), logLevels...) {
		bad("log.level", "%q is not one of %s", c.Log.Level, strings.Join(logLevels, ", "))
	}
	if !oneOf(c.Log.Format, "text", "json") {
		bad("log.format", "%q is not one of text, json", c.Log.Format)
	}
	if !oneOf(c.Source.Kind, "hf", "arxiv") {
		bad("source.kind", "%q is not one of hf, arxiv", c.Source.Kind)
	}
	c.checkURL(bad, "source.hf.base_url", c.Source.HF.BaseURL)
	c.checkURL(bad, "source.arxiv.base_url", c.Source.Arxiv.BaseURL)
	c.checkURL(bad, "source.arxiv.rss_url", c.Source.Arxiv.RSSURL)
	if c.Source.Kind == "arxiv" {
		if err := arxiv.CheckCategories(c.Source.Arxiv.Categories); err != nil {
			bad("source.arxiv.categories", "%s", bot.ErrorMessage(err))
		}
	}
	c.validateSummarize(bad)
	c.checkURL(bad, "embeddings.base_url", c.Embeddings.BaseURL)
	c.Embeddings.validate(bad)
	c.validateChat(bad)
	c.validateDelivery(bad)
	c.validateRefresh(bad)
	c.validateEmail(bad)
	for i, s := range c.Subscriptions {
		s.validate(fmt.Sprintf("subscriptions[%d]", i), bad)
	}
	return errors.Join(errs...)
}

func (c Config) validateSummarize(bad func(key, format string, args ...any)) {
	s := c.Summarize
	c.checkURL(bad, "summarize.base_url", s.BaseURL)
	if s.BaseURL != "" {
		if err := summarize.CheckModel(s.Model); err != nil {
			bad("summarize.model", "%v (summarize.base_url is set)", err)
		}
	}
	if s.Timeout <= 0 {
		bad("summarize.timeout", "must be a positive duration like 30s")
	}
	if s.MaxConcurrency < 1 {
		bad("summarize.max_concurrency", "must be at least 1")
	}
}

func (c Config) validateDelivery(bad func(key, format string, args ...any)) {
	if _, err := parseSchedule(c.Delivery.Schedule, "UTC"); err != nil {
		bad("delivery.schedule", "%s", bot.ErrorMessage(err))
	}
	if c.Delivery.CatchUp < 0 || c.Delivery.CatchUp > 30*24*time.Hour {
		bad("delivery.catch_up", "must be between 0s and 720h")
	}
	if c.Delivery.Concurrency < 1 {
		bad("delivery.concurrency", "must be at least 1")
	}
	if c.Delivery.Lease < time.Second || c.Delivery.Lease > time.Hour {
		bad("delivery.lease", "must be between 1s and 1h; 30s suits most setups: a crashed process's "+
			"deliveries wait up to one lease, and a shorter one risks losing a claim when the database is busy")
	}
	seen := map[[2]string]bool{}
	for i, s := range c.Subscriptions {
		k := [2]string{s.Platform, s.Channel}
		if seen[k] {
			bad(fmt.Sprintf("subscriptions[%d]", i), "channel %s %s is listed twice", s.Platform, s.Channel)
		}
		seen[k] = true
	}
}

func (c Config) validateChat(bad func(key, format string, args ...any)) {
	d := c.Discord
	if err := discord.CheckMode(d.Mode); err != nil {
		bad("discord.mode", "%s", err)
	}
	if _, err := discord.APIOrigin(d.APIBaseURL); err != nil {
		bad("discord.api_base_url", "%s is not an address Discord's API is under; %s", c.show("discord.api_base_url", d.APIBaseURL), discord.OriginForm)
	}
	if d.Token != "" {
		c.validateDiscord(bad)
	}
	s := c.Slack
	mode, err := slack.ParseMode(s.Mode)
	if err != nil {
		bad("slack.mode", "%s", err)
	}
	c.checkURL(bad, "slack.api_url", s.APIURL)
	if s.BotToken != "" {
		if err := slack.CheckAppToken(mode, s.AppToken); err != nil {
			bad("slack.app_token", "%s", err)
		}
		if err := slack.CheckSigningSecret(mode, s.SigningSecret); err != nil {
			bad("slack.signing_secret", "%s", err)
		}
	}
	if s.BotToken != "" && mode == slack.ModeHTTP {
		if c.HTTP.Listen == "" {
			bad("http.listen", "required when slack.mode is http: Slack posts to /slack/commands and /slack/interactions")
		}
	}
}

// validateDiscord checks the keys the Discord adapter needs once it has a
// token, by the adapter's own rules (discord.Check…).
func (c Config) validateDiscord(bad func(key, format string, args ...any)) {
	d := c.Discord
	if d.ApplicationID == "" {
		bad("discord.application_id", "required with discord.token: the application id from the Developer Portal")
	} else if err := discord.CheckApplicationID(d.ApplicationID); err != nil {
		bad("discord.application_id", "%s", err)
	}
	for i, g := range d.GuildIDs {
		if err := discord.CheckGuildID(g); err != nil {
			bad(fmt.Sprintf("discord.guild_ids[%d]", i), "%s", err)
		}
	}
	if d.PublicKey == "" && d.Mode == discord.ModeHTTP {
		bad("discord.public_key", "required when discord.mode is http: the application's public key (hex)")
	} else if err := discord.CheckPublicKey(d.Mode, d.PublicKey); err != nil {
		bad("discord.public_key", "%s", err)
	}
	if d.Mode == discord.ModeHTTP && c.HTTP.Listen == "" {
		bad("http.listen", "required when discord.mode is http: Discord posts interactions to /discord/interactions")
	}
}

func (s SubscriptionConfig) validate(key string, bad func(key, format string, args ...any)) {
	if !oneOf(s.Platform, "discord", "slack", "email") {
		bad(key+".platform", "%q is not one of discord, slack, email", s.Platform)
	}
	if strings.TrimSpace(s.Channel) == "" {
		bad(key+".channel", "required: the channel id to post to")
	} else if err := checkChannel(s.Platform, s.Channel); err != nil {
		bad(key+".channel", "%s", err)
	}
	if s.Timezone != "" {
		if _, err := bot.LoadTimezone(s.Timezone); err != nil {
			bad(key+".timezone", "%s", bot.ErrorMessage(err))
		}
	}
	if s.Schedule != "" {
		if _, err := parseSchedule(s.Schedule, "UTC"); err != nil {
			bad(key+".schedule", "%s", bot.ErrorMessage(err))
		}
	}
	if s.Top < 0 || s.MinUpvotes < 0 {
		bad(key, "top and min_upvotes must not be negative")
	}
	if s.Style != "" && !oneOf(s.Style, "thread", "digest", "inline") {
		bad(key+".style", "%q is not one of thread, digest, inline", s.Style)
	}
	s.validatePeriod(key, bad)
	s.validateTaste(key, bad)
}

func (c Config) checkURL(bad func(key, format string, args ...any), key, raw string) {
	if raw == "" {
		return
	}
	if !bot.IsHTTPURL(raw) {
		bad(key, "%s is not an http(s) URL", c.show(key, raw))
		return
	}
	// A user name or password in a URL would show in the errors and logs
	// of every failed request (Go's HTTP client keeps the user name), and
	// paperboy sends its credentials as headers anyway.
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		bad(key, "%s holds a user name or password; leave them out of the URL (the API key or token has a setting of its own)", c.show(key, raw))
	}
}

// show is how an error quotes the value of key: quoted, with a URL's
// userinfo redacted; or, when the value came from the environment, only
// the variables it came from, which are never echoed.
func (c Config) show(key, value string) string {
	if vars := c.fromEnv(key); vars != "" {
		return "the value of " + vars
	}
	return strconv.Quote(bot.RedactURL(value))
}

func oneOf(s string, allowed ...string) bool {
	for _, a := range allowed {
		if s == a {
			return true
		}
	}
	return false
}

// oneLine joins the lines of a multi-line message, so errors stay one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// writtenKeys records under out the text of every key set under n, by
// path, as written in the file.
func writtenKeys(n *yaml.Node, path string, out map[string]string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			writtenKeys(c, path, out)
		}
	case yaml.AliasNode:
		if n.Alias != nil {
			writtenKeys(n.Alias, path, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			out[p] = ""
			writtenKeys(n.Content[i+1], p, out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			writtenKeys(c, fmt.Sprintf("%s[%d]", path, i), out)
		}
	case yaml.ScalarNode:
		out[path] = n.Value
	}
}

// fromEnv returns the variables the value of key was expanded from, as
// "$SLACK_BOT_TOKEN", or "" when it came from the file (or the defaults).
func (c Config) fromEnv(key string) string {
	if !c.expanded {
		return ""
	}
	var vars []string
	for _, m := range envRef.FindAllStringSubmatch(c.written[key], -1) {
		vars = append(vars, "$"+m[1])
	}
	return strings.Join(vars, ", ")
}

// missingTokens reports each chat platform that the configuration sets up
// (a section with any key set, or a subscription for it) but whose token is
// empty, naming the key and the variable it was to come from: `run` would
// otherwise start without it, or fall back to the console and exit at once
// under a service manager.
func (c Config) missingTokens() error {
	var errs []error
	for _, p := range []struct {
		name, key, env string
		token          bot.Secret
	}{{"discord", "discord.token", "DISCORD_BOT_TOKEN", c.Discord.Token}, {"slack", "slack.bot_token", "SLACK_BOT_TOKEN", c.Slack.BotToken}} {
		if p.token != "" {
			continue
		}
		why := c.platformUse(p.name)
		if why == "" {
			continue
		}
		fix := "export " + c.fromEnv(p.key)
		if c.fromEnv(p.key) == "" {
			fix = "set it, written as ${" + p.env + "}, and export that"
		}
		errs = append(errs, fmt.Errorf("%s is empty%s, but %s; %s, or remove the %s section and subscriptions",
			p.key, c.unsetNote(p.key), why, fix, p.name))
	}
	return errors.Join(errs...)
}

// platformUse says why the configuration sets up the platform name, or ""
// when it does not.
func (c Config) platformUse(name string) string {
	for i, s := range c.Subscriptions {
		if s.Platform == name {
			return fmt.Sprintf("subscriptions[%d] posts to %s", i, name)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(c.written)) {
		if strings.HasPrefix(k, name+".") {
			return "the config has a " + name + " section (" + k + ")"
		}
	}
	return ""
}

// quoteNoEnv returns err as one line in which each value that came from
// the environment shows as its ${VAR}: the safety net under show.
func (c Config) quoteNoEnv(err error) error {
	if c.unexpand == nil {
		return errors.New(oneLine(err.Error()))
	}
	return c.unexpand(err)
}

// unsetNote says which variables an empty key was to come from.
func (c Config) unsetNote(key string) string {
	if vars := c.fromEnv(key); vars != "" {
		return " (" + vars + " is unset or empty)"
	}
	return ""
}
