package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"paperboy/bot"
)

// paperRow is a row of the papers table as read back.
type paperRow struct {
	ID             int64          `gorm:"column:id;primaryKey"`
	PaperID        string         `gorm:"column:paper_id"`
	Title          string         `gorm:"column:title"`
	Abstract       string         `gorm:"column:abstract"`
	Authors        string         `gorm:"column:authors"`
	Published      sql.NullString `gorm:"column:published"`
	Upvotes        int            `gorm:"column:upvotes"`
	ArxivURL       string         `gorm:"column:arxiv_url"`
	PDFURL         string         `gorm:"column:pdf_url"`
	HFURL          string         `gorm:"column:hf_url"`
	GitHubURL      string         `gorm:"column:github_url"`
	ProjectURL     string         `gorm:"column:project_url"`
	Thumbnail      string         `gorm:"column:thumbnail"`
	AISummary      string         `gorm:"column:ai_summary"`
	AISummaryModel string         `gorm:"column:ai_summary_model"`
	Keywords       string         `gorm:"column:keywords"`
	Categories     string         `gorm:"column:categories"`
}

// TableName tells GORM the table of paperRow.
func (paperRow) TableName() string { return "papers" }

// paperColumns lists paperRow's columns, qualified with the alias p.
const paperColumns = `p.id, p.paper_id, p.title, p.abstract, p.authors, p.published,
	p.upvotes, p.arxiv_url, p.pdf_url, p.hf_url, p.github_url, p.project_url,
	p.thumbnail, p.ai_summary, p.ai_summary_model, p.keywords, p.categories`

// paper converts a stored row to a bot.Paper.
func (r paperRow) paper() bot.Paper {
	return bot.Paper{
		ID:             r.PaperID,
		Title:          r.Title,
		Abstract:       r.Abstract,
		Authors:        decodeList(r.Authors),
		Published:      parseTime(r.Published.String),
		Upvotes:        r.Upvotes,
		ArxivURL:       r.ArxivURL,
		PDFURL:         r.PDFURL,
		HFURL:          r.HFURL,
		GitHubURL:      r.GitHubURL,
		ProjectURL:     r.ProjectURL,
		Thumbnail:      r.Thumbnail,
		AISummary:      r.AISummary,
		AISummaryModel: r.AISummaryModel,
		Keywords:       decodeList(r.Keywords),
		Categories:     decodeList(r.Categories),
	}
}

// Paper returns the paper with the canonical id. The error has code
// ENOTFOUND when no such paper is stored.
func (db *DB) Paper(ctx context.Context, id string) (bot.Paper, error) {
	var row paperRow
	err := db.gorm.WithContext(ctx).Where("paper_id = ?", id).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return bot.Paper{}, bot.Errorf(bot.ENOTFOUND, "No paper %s in the database; import or fetch it first.", id)
	} else if err != nil {
		return bot.Paper{}, fmt.Errorf("get paper: %w", err)
	}
	return row.paper(), nil
}

// encodeList returns a list as stored: a JSON array, "[]" when empty. HTML
// escaping is off so that "&" in a name stays "&" for the tokenizer.
func encodeList(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(list); err != nil { // cannot fail for []string
		return "[]"
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// decodeList parses a stored list; anything unreadable gives nil.
func decodeList(s string) []string {
	var list []string
	if s == "" || s == "[]" || json.Unmarshal([]byte(s), &list) != nil {
		return nil
	}
	return list
}

// mergePaper returns what storing b over a keeps, by the rules of the upsert
// in upsertSQL: b's non-empty fields win, a's fill the gaps, and upvotes
// (cumulative on Hugging Face, 0 from arXiv) never go down.
func mergePaper(a, b bot.Paper) bot.Paper {
	m := b
	m.Title, m.Abstract = cmp.Or(b.Title, a.Title), cmp.Or(b.Abstract, a.Abstract)
	m.Authors = orList(b.Authors, a.Authors)
	if m.Published.IsZero() {
		m.Published = a.Published
	}
	m.Upvotes = max(a.Upvotes, b.Upvotes)
	m.ArxivURL, m.PDFURL = cmp.Or(b.ArxivURL, a.ArxivURL), cmp.Or(b.PDFURL, a.PDFURL)
	m.HFURL, m.GitHubURL = cmp.Or(b.HFURL, a.HFURL), cmp.Or(b.GitHubURL, a.GitHubURL)
	m.ProjectURL, m.Thumbnail = cmp.Or(b.ProjectURL, a.ProjectURL), cmp.Or(b.Thumbnail, a.Thumbnail)
	if m.AISummary == "" {
		m.AISummary, m.AISummaryModel = a.AISummary, a.AISummaryModel
	}
	m.Keywords, m.Categories = orList(b.Keywords, a.Keywords), orList(b.Categories, a.Categories)
	return m
}

// orList returns list, or old when list is empty.
func orList(list, old []string) []string {
	if len(list) == 0 {
		return old
	}
	return list
}

// HasPapers reports whether the store holds any paper at all, in a batch or
// not (an imported snapshot has no batches).
func (db *DB) HasPapers(ctx context.Context) (bool, error) {
	var has bool
	if err := db.sql.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM papers)").Scan(&has); err != nil {
		return false, fmt.Errorf("count papers: %w", err)
	}
	return has, nil
}
