package metrics

import (
	"fmt"
	"math"
)

// checkMatrix checks that m has the given number of rows (rows < 0: any, at least 1), that
// every row has cols entries (cols < 0: the length of the first row, at least 1) and that
// every entry is finite; it returns the shape. name labels errors.
func checkMatrix(name string, m [][]float64, rows, cols int) (int, int, error) {
	if rows < 0 {
		rows = len(m)
		if rows == 0 {
			return 0, 0, fmt.Errorf("metrics: %s has no rows: %w", name, ErrShape)
		}
	}
	if len(m) != rows {
		return 0, 0, fmt.Errorf("metrics: %s has %d rows, want %d: %w", name, len(m), rows, ErrShape)
	}
	if cols < 0 {
		cols = len(m[0])
		if cols == 0 {
			return 0, 0, fmt.Errorf("metrics: %s has no columns: %w", name, ErrShape)
		}
	}
	for i, row := range m {
		if len(row) != cols {
			return 0, 0, fmt.Errorf("metrics: %s: row %d has %d entries, want %d: %w", name, i, len(row), cols, ErrShape)
		}
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, 0, fmt.Errorf("metrics: %s[%d][%d] = %v: %w", name, i, j, v, ErrValue)
			}
		}
	}
	return rows, cols, nil
}
