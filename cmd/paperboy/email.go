package main

import (
	"fmt"
	"net"
	"net/mail"
	"strings"

	"paperboy/adapters/email"
	"paperboy/bot"
)

// SMTPConfig is the mail server that email subscriptions go through.
type SMTPConfig struct {
	Host     string     `yaml:"host"`
	Port     int        `yaml:"port"`
	Username string     `yaml:"username"`
	Password bot.Secret `yaml:"password"`
	From     string     `yaml:"from"`
	// TLS is starttls (the default), tls or none (a local relay).
	TLS string `yaml:"tls"`
}

// validateEmail checks the smtp keys, and that email subscriptions have a
// server to go through and post one email per delivery.
func (c Config) validateEmail(bad func(key, format string, args ...any)) {
	s := c.SMTP
	if err := email.CheckTLS(s.TLS); err != nil {
		bad("smtp.tls", "%s", err)
	}
	if s.Port < 0 || s.Port > 65535 {
		bad("smtp.port", "%d is not a port; 587 for starttls, 465 for tls, 25 for a local relay", s.Port)
	}
	if s.Host != "" {
		if err := email.CheckFrom(s.From); err != nil {
			bad("smtp.from", "%s %s", c.show("smtp.from", s.From), err)
		}
	}
	if s.Username != "" && s.Password == "" {
		bad("smtp.password", "required with smtp.username; write it as ${SMTP_PASSWORD} and export it")
	}
	for i, sub := range c.Subscriptions {
		if sub.Platform != "email" {
			continue
		}
		key := fmt.Sprintf("subscriptions[%d]", i)
		if s.Host == "" {
			bad(key, "an email subscription needs smtp.host (and smtp.from): the mail server to send through")
		}
		if sub.Style != "" && sub.Style != bot.StyleDigest {
			bad(key+".style", "an email subscription gets one email per delivery; leave style out or set digest")
		}
	}
}

// checkAddress says what is wrong with an email subscription's channel.
func checkAddress(channel string) error {
	a, err := mail.ParseAddress(channel)
	if err != nil || a.Address != channel {
		return fmt.Errorf("%q is not an email address; write the bare address, like team@example.org", channel)
	}
	return nil
}

// defaultStyle is the style of a subscription that sets none: a thread in
// chat, one digest per email.
func defaultStyle(platform string) string {
	if platform == "email" {
		return bot.StyleDigest
	}
	return bot.StyleThread
}

// newEmail builds the email adapter from the smtp keys.
func newEmail(a *app) (*email.Adapter, error) {
	s := a.cfg.SMTP
	e, err := email.New(email.Config{
		Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password, From: s.From, TLS: s.TLS,
		Logger: a.log,
	})
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	if clearTextPassword(s) {
		a.log.Warn("smtp.tls is none and smtp.host is another machine: smtp.password crosses the network unencrypted; " +
			"set smtp.tls to starttls (port 587) or tls (port 465), or send through a relay on this machine")
	}
	return e, nil
}

// clearTextPassword reports whether s sends a password unencrypted to
// another machine: allowed (a trusted network), but worth a warning.
func clearTextPassword(s SMTPConfig) bool {
	if s.TLS != email.TLSNone || s.Password == "" {
		return false
	}
	if strings.EqualFold(s.Host, "localhost") {
		return false
	}
	ip := net.ParseIP(strings.Trim(s.Host, "[]"))
	return ip == nil || !ip.IsLoopback()
}
