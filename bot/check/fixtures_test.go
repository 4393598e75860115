package check

import (
	"testing"

	"paperboy/bot/internal/abstracts"
)

// fixturePaper is a real title and abstract of bot/testdata/abstracts.json.
type fixturePaper = abstracts.Paper

func mustLoadFixtures(tb testing.TB) []fixturePaper { return abstracts.Load(tb) }
