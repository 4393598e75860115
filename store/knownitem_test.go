package store_test

import (
	"slices"
	"testing"

	"paperboy/bot"
	"paperboy/bot/bottest"
)

// knownPapers are real titles whose names other titles mention, with the
// decoys bm25 alone ranks first.
var knownPapers = []bot.Paper{
	{ID: "2501.12948", Title: "DeepSeek-R1: Incentivizing Reasoning Capability in LLMs via Reinforcement Learning",
		Abstract: "We introduce our first-generation reasoning models, DeepSeek-R1-Zero and DeepSeek-R1, trained with large-scale reinforcement learning."},
	{ID: "2504.07128", Title: "DeepSeek-R1 Thoughtology: Let's think about LLM Reasoning",
		Abstract: "Large reasoning models like DeepSeek-R1 mark a fundamental shift. We study DeepSeek-R1 reasoning chains."},
	{ID: "2502.00001", Title: "o3-mini vs DeepSeek-R1: Which One is Safer?",
		Abstract: "We compare the safety of o3-mini and DeepSeek-R1 with an automated test generator."},
	{ID: "2407.21783", Title: "The Llama 3 Herd of Models", Abstract: "This paper presents a new set of foundation models, called Llama 3."},
	{ID: "2401.10020", Title: "Self-Rewarding Language Models", Abstract: "We study self-rewarding language models, where the model judges its own outputs."},
	{ID: "2401.04088", Title: "Mixtral of Experts", Abstract: "We introduce Mixtral 8x7B, a sparse mixture of experts language model."},
	{ID: "2403.00001", Title: "Product Quantization for Nearest Neighbour Search", Abstract: "Vectors are split into subvectors, each quantized."},
	{ID: "2403.00002", Title: "Long Videos Understood by Memory Agents", Abstract: "We let agents watch long videos and remember them."},
}

// knownItemTests are queries whose paper must come first, and what the
// search says it searched for instead ("" when the query as typed).
var knownItemTests = []struct{ query, want, respelled string }{
	{"DeepSeek-R1", "2501.12948", ""},
	{"deepseek r1", "2501.12948", ""},
	{"DeepSeek-R1 Thoughtology", "2504.07128", ""},
	{"incentivizing reasoning capability", "2501.12948", ""},
	{"The Llama 3 Herd Models", "2407.21783", ""},
	{"llama3", "2407.21783", "llama 3"},
	{"LLaMA-3 herd", "2407.21783", ""},
	{"self rewarding", "2401.10020", ""},
	{"selfrewarding language models", "2401.10020", "self rewarding language models"},
	{"mixtralofexperts", "2401.04088", "mixtral of experts"},
	{"prodcut quantization", "2403.00001", "product quantization"},
	{"understood memroy", "2403.00002", "understood memory"},
}

func TestDB_Search_KnownItems(t *testing.T) {
	eachEngine(t, func(t *testing.T, e engine) {
		db := e.open(t)
		mustSave(t, db, bot.Batch{Papers: append(bottest.Corpus(11, 300), knownPapers...)})
		for _, tt := range knownItemTests {
			hits, err := db.Search(ctx, bot.Query{Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Paper.ID != tt.want {
				t.Errorf("%q: %v, want %s first", tt.query, hitIDs(hits), tt.want)
				continue
			}
			if hits[0].Respelled != tt.respelled {
				t.Errorf("%q: searched for %q, want %q", tt.query, hits[0].Respelled, tt.respelled)
			}
		}
	})
}

// TestDB_Search_EnginesAgree runs the known-item queries on both engines:
// the same paper comes first.
func TestDB_Search_EnginesAgree(t *testing.T) {
	var firsts [][]string
	eachEngineInTurn(t, func(t *testing.T, e engine) { // firsts is compared below
		db := e.open(t)
		mustSave(t, db, bot.Batch{Papers: append(bottest.Corpus(11, 300), knownPapers...)})
		var ids []string
		for _, tt := range knownItemTests {
			hits, err := db.Search(ctx, bot.Query{Text: tt.query, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, hitIDs(hits)...)
		}
		firsts = append(firsts, ids)
	})
	if len(firsts) == 2 && !slices.Equal(firsts[0], firsts[1]) {
		t.Fatalf("the engines disagree:\n%v\n%v", firsts[0], firsts[1])
	}
}

func hitIDs(hits []bot.Hit) []string {
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Paper.ID)
	}
	return ids
}
