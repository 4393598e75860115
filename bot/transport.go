package bot

import (
	"net/http"
	"net/url"
)

// NewTransport is the one transport of paperboy's outbound HTTP clients
// (Discord, Slack, Hugging Face, arXiv, the LLM and embeddings):
// http.DefaultTransport's settings (proxy from the environment, dial and
// TLS timeouts, HTTP/2) with room for 64 idle connections per host, since with the default of 2 a
// fan-out with a few posts in flight opens (and TLS-handshakes) a new
// connection for most requests. Callers add their own bounds to the copy
// they get, and set the whole call's timeout on their http.Client.
func NewTransport() *http.Transport {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}

// IsHTTPURL reports whether raw is an absolute http or https URL with a
// host: the one test of an address paperboy sends to (a base URL in the
// config, a response_url) or links to (SafeURL).
func IsHTTPURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Host != "" && (u.Scheme == "http" || u.Scheme == "https")
}
