package transcriptomics_test

import (
	"fmt"

	"github.com/ncgn/ncgn/datasets/transcriptomics"
)

// The tasks of Table 3 on the test grid, with what they fix and the metric's divisor.
func ExampleTasks() {
	g := transcriptomics.TestGrid()
	for _, task := range transcriptomics.Tasks() {
		mask, _ := task.Mask(g, transcriptomics.Wnt)
		known := 0
		for _, m := range mask {
			if m {
				known++
			}
		}
		d, _ := task.Divisor(g)
		fmt.Printf("%-31s %-16s known %3d of %d, divisor %d\n", task.Name(), task.Key(), known, len(mask), d)
	}
	// Output:
	// unconditional generation        unconditional    known   0 of 288, divisor 8
	// temporal trajectory prediction  forward_sim      known  36 of 288, divisor 7
	// temporal interpolation          interpolation    known  72 of 288, divisor 6
	// gene imputation                 gene_imputation  known 192 of 288, divisor 8
	// space imputation                space_imputation known 144 of 288, divisor 8
	// gene knockout                   knockout         known  96 of 288, divisor 8
}
