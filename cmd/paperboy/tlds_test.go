package main

import (
	"testing"

	"paperboy/bot/check"
)

func TestIsTLD(t *testing.T) {
	for label, want := range map[string]bool{
		"com": true, "org": true, "zip": true, "top": true, "uk": true, "io": true, "ai": true, "xn--p1ai": true,
		"js": false, "cpp": false, "nn": false, "g": false, "last": false, "pytorch": false,
	} {
		if got := isTLD(label); got != want {
			t.Errorf("isTLD(%q)=%v, want %v", label, got, want)
		}
	}
}

// TestTLDRLinks checks the engine's link rule with the real public suffix
// list: bare domains on any TLD are links, names like Node.js are not.
func TestTLDRLinks(t *testing.T) {
	rules := check.Rules{IsTLD: isTLD}
	for in, link := range map[string]bool{
		"Proposes a model; weights at evil.zip today.":       true,
		"Proposes a model; code at paper-code.top today.":    true,
		"Proposes a model; code at models.co.uk today.":      true,
		"Proposes a model; code at user.github.io today.":    true,
		"Ports the trainer to Node.js for browsers.":         false,
		"Speeds up Llama.cpp inference on laptops.":          false,
		"Trains torch.nn modules twice as fast on one GPU.":  false,
		"Proposes a model served at 10.0.0.1:8080 for all.":  true,
		"Beats Llama vs. Mistral, e.g. on GSM8K, by 3.5 pp.": false,
	} {
		_, err := rules.TLDR(in)
		if got := err != nil; got != link {
			t.Errorf("CheckTLDR(%q) err=%v, want rejected as a link: %v", in, err, link)
		}
	}
}
