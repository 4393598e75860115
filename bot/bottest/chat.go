package bottest

import (
	"context"
	"strconv"
	"sync"

	"paperboy/bot"
)

var (
	_ bot.Chat   = (*Chat)(nil)
	_ bot.Editor = (*Chat)(nil)
)

// Message is one message the fake Chat holds.
type Message struct {
	ID      string
	Channel string
	Thread  string
	Key     string
	Reply   bot.Reply
	// Opened is the thread started from this message, or "".
	Opened string
	// Edits counts the times Edit changed the message.
	Edits int
}

// Chat is a bot.Chat that keeps every message, like a channel's history,
// so tests can count copies of each post. SendFunc, when set, runs before a
// send is stored and may fail it; AfterSendFunc runs after the message is
// stored and may fail the call anyway, as a platform that posted but whose
// answer was lost (or a process killed right after sending) would.
type Chat struct {
	SendFunc      func(channel, thread string, p bot.Post) error
	AfterSendFunc func(channel, thread string, p bot.Post) error
	// EditFunc, when set, runs before an edit and may fail it.
	EditFunc func(channel, thread string, ids []string, p bot.Post) error
	// NoThreads makes OpenThread fail softly, as in a channel where
	// threads cannot be made.
	NoThreads bool

	mu    sync.Mutex
	msgs  []Message
	looks int
}

// Looks returns how many times Find was called.
func (c *Chat) Looks() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.looks
}

// Send stores the post as a message and returns its id.
func (c *Chat) Send(_ context.Context, channel, thread string, p bot.Post) (bot.Sent, error) {
	if c.SendFunc != nil {
		if err := c.SendFunc(channel, thread, p); err != nil {
			return bot.Sent{}, err
		}
	}
	c.mu.Lock()
	id := strconv.Itoa(len(c.msgs) + 1)
	m := Message{ID: id, Channel: channel, Thread: thread, Key: p.Key, Reply: p.Reply}
	if p.OpenThread && !c.NoThreads {
		m.Opened = "thread-" + id
	}
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
	sent := bot.Sent{IDs: []string{id}, Thread: m.Opened}
	if c.AfterSendFunc != nil {
		if err := c.AfterSendFunc(channel, thread, p); err != nil {
			return bot.Sent{}, err
		}
	}
	return sent, nil
}

// Find returns the newest message in channel and thread with key.
func (c *Chat) Find(_ context.Context, channel, thread, key string) (bot.Sent, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.looks++
	for i := len(c.msgs) - 1; i >= 0; i-- {
		m := c.msgs[i]
		if m.Channel == channel && m.Thread == thread && m.Key == key {
			return bot.Sent{IDs: []string{m.ID}, Thread: m.Opened}, true, nil
		}
	}
	return bot.Sent{}, false, nil
}

// Messages returns a copy of every stored message, oldest first.
func (c *Chat) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.msgs...)
}

// Copies counts the messages with key in channel.
func (c *Chat) Copies(channel, key string) int {
	n := 0
	for _, m := range c.Messages() {
		if m.Channel == channel && m.Key == key {
			n++
		}
	}
	return n
}

// Edit replaces the reply of the messages ids in channel (and thread). The
// error has code ENOTFOUND when one of them is not there.
func (c *Chat) Edit(_ context.Context, channel, thread string, ids []string, p bot.Post) error {
	if c.EditFunc != nil {
		if err := c.EditFunc(channel, thread, ids, p); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		i, err := strconv.Atoi(id)
		if err != nil || i < 1 || i > len(c.msgs) || c.msgs[i-1].Channel != channel || c.msgs[i-1].Thread != thread {
			return bot.Errorf(bot.ENOTFOUND, "Unknown message %s.", id)
		}
		c.msgs[i-1].Reply = p.Reply
		c.msgs[i-1].Edits++
	}
	return nil
}
