package main

import (
	"fmt"
	"strings"
)

// categoryFilter is import's --categories: arXiv categories ("cs.AI") and
// whole archives ("cs", meaning every cs.* category). A nil filter keeps
// every paper.
type categoryFilter []string

// parseCategories reads a comma-separated --categories value. Each entry
// is an archive ("cs", "astro-ph") or a category ("cs.AI",
// "physics.comp-ph"): letters, digits and '-', with at most one dot.
func parseCategories(s string) (categoryFilter, error) {
	var f categoryFilter
	for i, entry := range strings.Split(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			return nil, fmt.Errorf("entry %d is empty; write e.g. --categories cs.AI,cs.LG", i+1)
		}
		if !validCategory(entry) {
			return nil, fmt.Errorf("%q is not an arXiv category or archive; write e.g. cs.AI, or cs for all of cs.*", entry)
		}
		f = append(f, entry)
	}
	return f, nil
}

// validCategory reports whether s looks like an arXiv archive or category.
func validCategory(s string) bool {
	archive, subject, hasDot := strings.Cut(s, ".")
	return validPart(archive) && (!hasDot || validPart(subject))
}

// validPart reports whether s is a non-empty run of letters, digits and
// '-' that starts with a letter.
func validPart(s string) bool {
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return s != ""
}

// match reports whether any of a paper's categories is one of the filter's
// categories or in one of its archives. Case does not matter.
func (f categoryFilter) match(categories []string) bool {
	for _, c := range categories {
		for _, want := range f {
			if strings.EqualFold(c, want) {
				return true
			}
			if !strings.Contains(want, ".") && len(c) > len(want) && c[len(want)] == '.' && strings.EqualFold(c[:len(want)], want) {
				return true
			}
		}
	}
	return false
}
