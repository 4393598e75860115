package store_test

import (
	"reflect"
	"testing"
	"time"

	"paperboy/bot"
)

// newSubscription returns a subscription with every field set.
func newSubscription(platform, channel string) bot.Subscription {
	return bot.Subscription{
		Platform:   platform,
		Channel:    channel,
		Schedule:   "0 9 * * 1-5",
		Timezone:   "Europe/Berlin",
		Include:    []string{"diffusion", "R&D <agents>"},
		Exclude:    []string{"survey"},
		MinUpvotes: 5,
		Top:        10,
		Style:      bot.StyleThread,
		Period:     bot.PeriodWeek,
		Origin:     bot.OriginConfig,
		Since:      "2026-08-20",
	}
}

func TestDB_Subscription(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			want := newSubscription("discord", "123")
			if err := db.SaveSubscription(ctx, want); err != nil {
				t.Fatal(err)
			}
			got, err := db.Subscription(ctx, "discord", "123")
			if err != nil {
				t.Fatal(err)
			}
			want.Created = db.Now()
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Subscription=%+v\nwant %+v", got, want)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			db := e.open(t)
			if err := db.SaveSubscription(ctx, newSubscription("discord", "123")); err != nil {
				t.Fatal(err)
			}
			for _, k := range [][2]string{{"discord", "124"}, {"slack", "123"}} {
				if _, err := db.Subscription(ctx, k[0], k[1]); bot.ErrorCode(err) != bot.ENOTFOUND {
					t.Errorf("Subscription(%s, %s): err=%v, want ENOTFOUND", k[0], k[1], err)
				}
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			db := e.open(t)
			for _, s := range []bot.Subscription{
				{Platform: "discord"},
				{Channel: "123"},
				{Platform: " ", Channel: "123"},
				{Platform: "discord", Channel: "123", Since: "tomorrow"},
			} {
				if err := db.SaveSubscription(ctx, s); bot.ErrorCode(err) != bot.EINVALID {
					t.Errorf("SaveSubscription(%+v): err=%v, want EINVALID", s, err)
				}
			}
			if subs, err := db.Subscriptions(ctx); err != nil || len(subs) != 0 {
				t.Fatalf("Subscriptions=%v (err %v) after invalid saves, want none", subs, err)
			}
		})
	})
}

// TestDB_SaveSubscription_Replace checks that saving a channel again
// replaces every field but keeps when it was subscribed, unless told.
func TestDB_SaveSubscription_Replace(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		created := db.Now()
		if err := db.SaveSubscription(ctx, newSubscription("slack", "C1")); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return created.Add(time.Hour) }
		s := bot.Subscription{Platform: "slack", Channel: "C1", Style: bot.StyleDigest, Origin: bot.OriginChat}
		if err := db.SaveSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
		got, err := db.Subscription(ctx, "slack", "C1")
		if err != nil {
			t.Fatal(err)
		}
		s.Created = created // kept: the channel was subscribed then
		if !reflect.DeepEqual(got, s) {
			t.Fatalf("Subscription=%+v\nwant %+v", got, s)
		}
		s.Created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := db.SaveSubscription(ctx, s); err != nil {
			t.Fatal(err)
		}
		if got, err := db.Subscription(ctx, "slack", "C1"); err != nil || !got.Created.Equal(s.Created) {
			t.Fatalf("Created=%v (err %v), want %v", got.Created, err, s.Created)
		}
	})
}

func TestDB_Subscriptions(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		if subs, err := db.Subscriptions(ctx); err != nil || len(subs) != 0 {
			t.Fatalf("Subscriptions=%v (err %v) on a new database, want none", subs, err)
		}
		for _, k := range [][2]string{{"slack", "C2"}, {"discord", "9"}, {"slack", "C1"}, {"discord", "10"}} {
			if err := db.SaveSubscription(ctx, newSubscription(k[0], k[1])); err != nil {
				t.Fatal(err)
			}
		}
		subs, err := db.Subscriptions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range subs {
			got = append(got, s.Platform+"/"+s.Channel)
		}
		// Channel ids are text: "10" sorts before "9".
		if want := []string{"discord/10", "discord/9", "slack/C1", "slack/C2"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("Subscriptions=%v, want %v", got, want)
		}
		if !reflect.DeepEqual(subs[0].Include, []string{"diffusion", "R&D <agents>"}) {
			t.Errorf("Include=%q, want the saved keywords", subs[0].Include)
		}
	})
}

func TestDB_DeleteSubscription(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		t.Run("OK", func(t *testing.T) {
			db := e.open(t)
			for _, ch := range []string{"1", "2"} {
				if err := db.SaveSubscription(ctx, newSubscription("discord", ch)); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.DeleteSubscription(ctx, "discord", "1"); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Subscription(ctx, "discord", "1"); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("Subscription after delete: err=%v, want ENOTFOUND", err)
			}
			if _, err := db.Subscription(ctx, "discord", "2"); err != nil {
				t.Fatalf("other channel's subscription: %v", err)
			}
		})

		t.Run("KeepsDeliveries", func(t *testing.T) {
			db := e.open(t)
			if err := db.SaveSubscription(ctx, newSubscription("discord", "1")); err != nil {
				t.Fatal(err)
			}
			k := bot.DeliveryKey{Platform: "discord", Channel: "1", Date: "2026-08-19"}
			mustDeliver(t, db, k, "p1")
			if err := db.DeleteSubscription(ctx, "discord", "1"); err != nil {
				t.Fatal(err)
			}
			if d, err := db.Delivery(ctx, k); err != nil || d.State != bot.DeliverySent {
				t.Fatalf("Delivery after unsubscribe = %+v (err %v), want it sent", d, err)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			db := e.open(t)
			if err := db.DeleteSubscription(ctx, "discord", "1"); bot.ErrorCode(err) != bot.ENOTFOUND {
				t.Fatalf("err=%v, want ENOTFOUND", err)
			}
		})
	})
}
