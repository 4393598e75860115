// Package text turns the text papers arrive with into plain, readable
// Unicode for people: titles and abstracts cleaned of hard wraps, raw TeX
// (converted to Unicode) and invisible characters (CleanTitle,
// CleanAbstract, StorableText), author lists abbreviated, the first
// informative sentences of an abstract (Extractive, Sentences), and the one
// way paperboy cuts text to a limit (Truncate by characters, CutBytes by
// bytes), and Plural for counts in prose ("3 papers").
//
// It is a leaf: it imports the standard library only, and everything else
// in paperboy may import it. It never escapes HTML or markdown; each
// renderer escapes for its own platform.
package text
