package plot

import (
	"fmt"
	"io"

	"github.com/ncgn/ncgn/internal/atomicfile"
)

// writeFile writes a figure through write, atomically.
func writeFile(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
