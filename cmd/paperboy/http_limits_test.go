package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// capListener accepts at most n connections at a time, the way a process
// at its open-file limit does: a further client waits until one closes.
type capListener struct {
	net.Listener
	slots chan struct{}
}

func (l *capListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &slotConn{Conn: c, free: func() { <-l.slots }}, nil
}

type slotConn struct {
	net.Conn
	once sync.Once
	free func()
}

func (c *slotConn) Close() error {
	c.once.Do(c.free)
	return c.Conn.Close()
}

// testServer serves h with the production limits, except the read timeout
// and shutdown grace, which are shortened so the test does not wait seconds.
func testServer(t *testing.T, h http.Handler, maxConns int) (*httpServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newHTTPServer(h, &capListener{Listener: ln, slots: make(chan struct{}, maxConns)})
	s.srv.ReadTimeout = 200 * time.Millisecond
	s.grace = 100 * time.Millisecond
	return s, ln.Addr().String()
}

// slowBody opens a connection and sends a POST whose body trickles in a byte
// at a time; it returns when the server hangs up.
func slowBody(addr string, hungUp chan<- error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		hungUp <- err
		return
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /slack/commands HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
	go func() {
		for range 100000 {
			if _, err := c.Write([]byte("a")); err != nil {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	c.SetReadDeadline(time.Now().Add(30 * time.Second))
	_, err = io.Copy(io.Discard, c) // returns when the server closes
	hungUp <- err
}

func TestHTTPServer_SlowBodiesAreCutOff(t *testing.T) {
	const slow = 30
	mux := http.NewServeMux()
	reading := make(chan struct{}, slow)
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		reading <- struct{}{}
		io.Copy(io.Discard, r.Body)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") })
	s, addr := testServer(t, mux, slow)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, s) }()
	defer func() { cancel(); <-done }()

	// As many slow clients as the server has connections: /healthz gets
	// one only once the server has cut a slow client off.
	hungUp := make(chan error, slow)
	for range slow {
		go slowBody(addr, hungUp)
	}
	for range slow { // every connection is taken
		<-reading
	}
	client := &http.Client{Timeout: 20 * time.Second}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatalf("/healthz behind %d slow clients: %v", slow, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := strings.TrimSpace(string(body)); resp.StatusCode != 200 || got != "ok" {
		t.Fatalf("/healthz: %d %q", resp.StatusCode, got)
	}
	for range slow {
		// EOF (nil) or a reset: either way the server hung up.
		if err := <-hungUp; isTimeout(err) {
			t.Fatalf("a slow client was not hung up on: %v", err)
		}
	}
}

func TestServeHTTP_ShutdownIsBounded(t *testing.T) {
	started := make(chan struct{}, 1)
	mux := http.NewServeMux()
	// A handler that never finishes on its own.
	mux.HandleFunc("GET /stuck", func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		<-r.Context().Done()
	})
	s, addr := testServer(t, mux, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, s) }()

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n")
	<-started
	idle, err := net.Dial("tcp", addr) // a client that never sends anything
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()

	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shutdown did not end although the grace is 100ms")
	}
	if took := time.Since(begin); took < s.grace {
		t.Fatalf("shutdown took %v: it did not give the request in flight its grace of %v", took, s.grace)
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := bufio.NewReader(c).ReadByte(); err == nil || isTimeout(err) {
		t.Fatalf("the stuck request's connection is still open after shutdown: %v", err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
