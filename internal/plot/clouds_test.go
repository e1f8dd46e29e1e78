package plot

import (
	"path/filepath"
	"testing"
)

// TestCloudGrid_WritesPNG draws two sets of three clouds and decodes the PNG: 6 columns (the
// minimum width) by 6 rows of 1.1-inch tiles at 96 dpi plus the title band.
func TestCloudGrid_WritesPNG(t *testing.T) {
	cloud := []float64{0, 0, 0, 1, 0.5, -0.5, -1, 0.2, 0.3}
	file := filepath.Join(t.TempDir(), "grid.png")
	err := CloudGrid(file, "test", []CloudSet{{Name: "generated", Clouds: [][]float64{cloud, cloud, cloud}}, {Name: "test", Clouds: [][]float64{cloud}}})
	if err != nil {
		t.Fatal(err)
	}
	decodePNG(t, file, 634, 672)
	if err := CloudGrid(file, "none", nil); err == nil {
		t.Error("no clouds: no error")
	}
}
