package datasets

import (
	"fmt"
	"math"
)

// FixedPositions reads the fixed positions of a feature-generation run with m samples of n
// nodes: each file gives one coordinate ((n,) or (m, n)) or several ((n, d) or (m, n, d)), and
// the coordinates of all files are concatenated in order. Per-sample files must repeat the same
// positions for every sample. With unit set, each coordinate is divided by its largest absolute
// value (the reference's s/54 and t/90 on the transcriptomics training grid). It returns the
// n x d positions, row-major, and d.
func FixedPositions(files []string, m, n int, unit bool) ([]float64, int, error) {
	if len(files) == 0 {
		return nil, 0, fmt.Errorf("datasets: fixed positions: no files: %w", ErrFormat)
	}
	var cols [][]float64
	for _, f := range files {
		a, err := ReadNpy(f)
		if err != nil {
			return nil, 0, err
		}
		sh := a.Shape
		per := 1 // samples stored in the file
		if len(sh) >= 1 && len(sh) <= 3 && sh[0] == m && (len(sh) == 3 || (len(sh) == 2 && sh[1] == n && sh[0] != n)) {
			per, sh = m, sh[1:]
		}
		if len(sh) == 1 {
			sh = []int{sh[0], 1}
		}
		if len(sh) != 2 || sh[0] != n {
			return nil, 0, fmt.Errorf("datasets: positions %s: shape %v does not give %d nodes (want (n,), (n, d), (m, n) or (m, n, d) with n = %d, m = %d): %w", f, a.Shape, n, n, m, ErrFormat)
		}
		size := sh[0] * sh[1]
		for k := 1; k < per; k++ {
			for i := 0; i < size; i++ {
				if a.Data[k*size+i] != a.Data[i] {
					return nil, 0, fmt.Errorf("datasets: positions %s: sample %d's positions differ from sample 0's (feature generation needs fixed positions): %w", f, k, ErrFormat)
				}
			}
		}
		for j := 0; j < sh[1]; j++ {
			col := make([]float64, n)
			for i := range col {
				col[i] = a.Data[i*sh[1]+j]
			}
			cols = append(cols, col)
		}
	}
	d := len(cols)
	pos := make([]float64, n*d)
	for j, col := range cols {
		scale := 1.0
		if unit {
			mx := 0.0
			for _, v := range col {
				mx = max(mx, math.Abs(v))
			}
			if mx > 0 {
				scale = 1 / mx
			}
		}
		for i, v := range col {
			pos[i*d+j] = v * scale
		}
	}
	return pos, d, nil
}
