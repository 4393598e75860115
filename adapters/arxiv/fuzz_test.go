package arxiv_test

import (
	"testing"

	"paperboy/adapters/arxiv"
	"paperboy/bot/bottest"
)

func FuzzParseAtom(f *testing.F) {
	bottest.FuzzImporter(f, arxiv.ParseAtom,
		"api_query_idlist_astro-ph_0601001_2026-05-11.xml", "api_query_idlist_abc_http400_2026-04-12.xml",
		"fuzz_atom_invalid_utf8.xml") // issue #11: one bad byte failed the whole file
}

func FuzzParseRSS(f *testing.F) {
	bottest.FuzzImporter(f, arxiv.ParseRSS,
		"rss_cs.LG+cs.AI+cs.CL+stat.ML_2026-09-24_excerpt.xml",
		"fuzz_rss_invalid_utf8.xml") // issue #11: one bad byte failed the whole file
}

func FuzzParseSnapshot(f *testing.F) {
	bottest.FuzzImporter(f, arxiv.ParseSnapshot,
		"snapshot.jsonl")
}
