package experiments

import (
	"fmt"
	"path"
	"strings"
)

// Selects reports whether the cell name is selected by pattern: the pattern equals the name,
// is a prefix of it that ends at a "/" ("table3/unconditional" selects
// "table3/unconditional/dmp-gcn"), or matches it as a path.Match glob
// ("table3/*/dmp-gcn").
func Selects(pattern, name string) bool {
	pattern = strings.TrimSuffix(pattern, "/")
	if pattern == name || strings.HasPrefix(name, pattern+"/") {
		return true
	}
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}

// Select returns the cells selected by any of the patterns, in the order of cells; no
// patterns select every cell. A pattern that is malformed or selects no cell is an error
// (wrapping ErrConfig) naming it, so a typo in --only does not silently compute nothing.
func Select(cells, patterns []string) ([]string, error) {
	if len(patterns) == 0 {
		return append([]string(nil), cells...), nil
	}
	for _, p := range patterns {
		if _, err := path.Match(p, ""); err != nil {
			return nil, fmt.Errorf("experiments: cell pattern %q: %v: %w", p, err, ErrConfig)
		}
		hit := false
		for _, c := range cells {
			if Selects(p, c) {
				hit = true
				break
			}
		}
		if !hit {
			return nil, fmt.Errorf("experiments: cell pattern %q selects none of the %d cells (e.g. %s): %w", p, len(cells), example(cells), ErrConfig)
		}
	}
	var out []string
	for _, c := range cells {
		for _, p := range patterns {
			if Selects(p, c) {
				out = append(out, c)
				break
			}
		}
	}
	return out, nil
}

// example returns up to three cell names for an error message.
func example(cells []string) string {
	if len(cells) > 3 {
		cells = cells[:3]
	}
	return strings.Join(cells, ", ")
}
