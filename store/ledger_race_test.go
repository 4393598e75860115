package store_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"paperboy/bot"
	"paperboy/store"
)

// TestDB_Ledger_TwoProcesses races many goroutines of two databases open
// on the same file (as two processes would) for the same deliveries:
// exactly one claim per key wins, the others get ECONFLICT; after the
// leases expire, exactly one takes each over.
func TestDB_Ledger_TwoProcesses(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		path := e.dsn(t)
		dbs := []*store.DB{mustOpenPath(t, path), mustOpenPath(t, path)}
		keys := make([]bot.DeliveryKey, 8)
		for i := range keys {
			keys[i] = bot.DeliveryKey{Platform: "slack", Channel: fmt.Sprintf("C%d", i), Date: "2026-08-19"}
		}
		first := raceClaims(t, dbs, keys, "first")
		for _, db := range dbs {
			advance(db, lease)
		}
		second := raceClaims(t, dbs, keys, "second")
		for _, k := range keys {
			d := mustDelivery(t, dbs[0], k)
			if d.State != bot.DeliverySent || d.Attempts != 2 || len(d.Items) != 2 {
				t.Errorf("%s: %+v, want sent after 2 attempts with 2 items", k.Channel, d)
			}
			if want := map[string][]string{first[k]: {"m"}, second[k]: {"m"}}; !reflect.DeepEqual(d.Items, want) {
				t.Errorf("%s: Items=%v, want one per winner %v", k.Channel, d.Items, want)
			}
		}
	})
}

// raceClaims has 16 goroutines per database claim every key at once, and
// returns the winner of each. A winner records its name as an item; in the
// second round it also finishes the delivery.
func raceClaims(t *testing.T, dbs []*store.DB, keys []bot.DeliveryKey, round string) map[bot.DeliveryKey]string {
	t.Helper()
	var mu sync.Mutex
	winners := make(map[bot.DeliveryKey][]string)
	var wg sync.WaitGroup
	for p, db := range dbs {
		for g := range 16 {
			owner := fmt.Sprintf("%s-p%d-g%d", round, p, g)
			wg.Go(func() {
				for _, k := range keys {
					if !claimOnce(t, db, k, owner, round == "second") {
						continue
					}
					mu.Lock()
					winners[k] = append(winners[k], owner)
					mu.Unlock()
				}
			})
		}
	}
	wg.Wait()
	won := make(map[bot.DeliveryKey]string)
	for _, k := range keys {
		if len(winners[k]) != 1 {
			t.Fatalf("%s round, %s: winners %v, want exactly one", round, k.Channel, winners[k])
		}
		won[k] = winners[k][0]
	}
	return won
}

// claimOnce claims k for owner and reports whether it won; a winner
// records an item and, when finish is set, finishes the delivery sent.
func claimOnce(t *testing.T, db *store.DB, k bot.DeliveryKey, owner string, finish bool) bool {
	d, err := db.Claim(ctx, k, owner, db.Now().Add(lease))
	if bot.ErrorCode(err) == bot.ECONFLICT || err == nil && d.State == bot.DeliverySent {
		return false
	} else if err != nil {
		t.Errorf("Claim(%s, %s): %v", k.Channel, owner, err)
		return false
	}
	if err := db.Record(ctx, d.Claim(), owner, bot.Sent{IDs: []string{"m"}}); err != nil {
		t.Errorf("Record by winner %s: %v", owner, err)
	}
	if finish {
		if err := db.Finish(ctx, d.Claim(), bot.DeliverySent, "", time.Time{}); err != nil {
			t.Errorf("Finish by winner %s: %v", owner, err)
		}
	}
	return true
}

// childEnv names the database a child process of TestDB_Ledger_Processes
// races on; childOwner names the child.
const (
	childEnv   = "PAPERBOY_TEST_LEDGER_CHILD"
	childOwner = "PAPERBOY_TEST_LEDGER_OWNER"
)

// childKeys are the deliveries the child processes race for.
var childKeys = func() []bot.DeliveryKey {
	keys := make([]bot.DeliveryKey, 8)
	for i := range keys {
		keys[i] = bot.DeliveryKey{Platform: "discord", Channel: fmt.Sprint(100 + i), Date: "2026-08-19"}
	}
	return keys
}()

// TestDB_Ledger_Processes races real processes for the same deliveries:
// the test binary runs itself three times, each child with 8 goroutines
// claiming every key once they are all ready. Exactly one claim per key
// may win, across processes.
func TestDB_Ledger_Processes(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		ledgerChild(t, path, os.Getenv(childOwner))
		return
	}
	eachEngine(t, func(t *testing.T, e engine) {
		path := e.dsn(t)
		MustCloseDB(t, mustOpenDBNoCleanup(t, path))
		children := make([]*ledgerProcess, 3)
		for i := range children {
			children[i] = startChild(t, path, fmt.Sprintf("p%d", i))
		}
		for _, c := range children {
			c.waitReady(t)
		}
		for _, c := range children {
			c.stdin.Close() // go
		}
		winners := make(map[string][]string)
		for _, c := range children {
			for _, w := range c.wait(t) {
				channel, owner, _ := strings.Cut(w, " ")
				winners[channel] = append(winners[channel], owner)
			}
		}
		db := mustOpenPath(t, path)
		for _, k := range childKeys {
			if len(winners[k.Channel]) != 1 {
				t.Errorf("channel %s: winners %v, want exactly one", k.Channel, winners[k.Channel])
				continue
			}
			d := mustDelivery(t, db, k)
			if owner := winners[k.Channel][0]; d.Owner != owner || d.Attempts != 1 || len(d.Items) != 1 {
				t.Errorf("channel %s: %+v, want owned by %s after 1 attempt with 1 item", k.Channel, d, owner)
			}
		}
	})
}

// ledgerProcess is a running child of TestDB_Ledger_Processes.
type ledgerProcess struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
}

// startChild starts the test binary as a child racing on path.
func startChild(t *testing.T, path, owner string) *ledgerProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestDB_Ledger_Processes$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+path, childOwner+"="+owner)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return &ledgerProcess{cmd: cmd, stdin: stdin, out: bufio.NewScanner(stdout)}
}

// waitReady waits for the child to have its database open.
func (p *ledgerProcess) waitReady(t *testing.T) {
	t.Helper()
	for p.out.Scan() {
		if p.out.Text() == "ready" {
			return
		}
	}
	t.Fatalf("child exited before it was ready: %v", p.cmd.Wait())
}

// wait returns the "channel owner" lines of the child's wins once it
// exited successfully; otherwise the test fails with the child's output.
func (p *ledgerProcess) wait(t *testing.T) []string {
	t.Helper()
	var wins, other []string
	for p.out.Scan() {
		if w, ok := strings.CutPrefix(p.out.Text(), "won "); ok {
			wins = append(wins, w)
		} else {
			other = append(other, p.out.Text())
		}
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, strings.Join(other, "\n"))
	}
	return wins
}

// ledgerChild is the child's side: open the database, say ready, wait for
// stdin to close, then claim every key from 8 goroutines and print a
// "won channel owner" line for each claim won (and recorded).
func ledgerChild(t *testing.T, path, name string) {
	db := mustOpenPath(t, path)
	fmt.Println("ready")
	io.Copy(io.Discard, os.Stdin)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 8 {
		owner := fmt.Sprintf("%s-g%d", name, g)
		wg.Go(func() {
			for _, k := range childKeys {
				if claimOnce(t, db, k, owner, false) {
					mu.Lock()
					fmt.Printf("won %s %s\n", k.Channel, owner)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
}
