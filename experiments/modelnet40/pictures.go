package modelnet40

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/internal/plot"
)

// fileStem turns a cell name into a file name: "table1/gcn-knn" -> "table1-gcn-knn".
func fileStem(cell string) string { return strings.ReplaceAll(cell, "/", "-") }

// writePictures writes, for every method whose first replicate is computed, its generated set
// (samples/STEM.npy and .ply) and a picture of its first Preset.Pictures generated clouds above
// as many test clouds, three views each (pictures/STEM.png); and the test set itself
// (samples/test.npy and .ply).
func (r *runner) writePictures(ctx context.Context) error {
	if r.p.Pictures == 0 {
		return nil
	}
	var test [][]float64
	for _, m := range Methods(r.ref) {
		src, err := r.cache.Path("samples/"+entryName(m.Cell(r.ref), r.seeds), ".npy")
		if err != nil {
			return fmt.Errorf("modelnet40: %w", err)
		}
		arr, err := datasets.ReadNpy(src)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("modelnet40: generated set of %s: %w", m.Cell(r.ref), err)
		}
		if test == nil {
			d, err := r.loadData(ctx)
			if err != nil {
				return err
			}
			test = d.Test
			if err := r.writeSet("test", test); err != nil {
				return err
			}
		}
		gen := splitClouds(arr)
		stem := fileStem(m.Cell(r.ref))
		if err := r.writeSet(stem, gen); err != nil {
			return err
		}
		k := min(r.p.Pictures, len(gen), len(test))
		file := filepath.Join(r.dir, "pictures", stem+".png")
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return fmt.Errorf("modelnet40: %w", err)
		}
		title := fmt.Sprintf("%s, %s preset, seed 1: generated (%d of %d), test", m.Title(), r.p.Scale, k, len(gen))
		err = plot.CloudGrid(file, title, []plot.CloudSet{
			{Name: "generated", Clouds: gen[:k], Color: color.NRGBA{R: 200, G: 60, B: 20, A: 255}},
			{Name: "test", Clouds: test[:k], Color: color.NRGBA{R: 20, G: 60, B: 160, A: 255}},
		})
		if err != nil {
			return fmt.Errorf("modelnet40: picture of %s: %w", m.Cell(r.ref), err)
		}
	}
	return nil
}

// writeSet writes a set of clouds as samples/STEM.npy (m, points, 3) float32 and
// samples/STEM.ply (binary, the clouds side by side on a grid).
func (r *runner) writeSet(stem string, clouds [][]float64) error {
	dir := filepath.Join(r.dir, "samples")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("modelnet40: %w", err)
	}
	if err := datasets.WriteNpy(filepath.Join(dir, stem+".npy"), cloudArray(clouds, len(clouds[0])/3), "float32"); err != nil {
		return fmt.Errorf("modelnet40: %w", err)
	}
	if err := datasets.WritePLY(filepath.Join(dir, stem+".ply"), clouds, true); err != nil {
		return fmt.Errorf("modelnet40: %s: %w", stem, err)
	}
	return nil
}

// splitClouds returns the clouds of an (m, points, 3) array as flat clouds.
func splitClouds(a *datasets.Array) [][]float64 {
	m := a.Shape[0]
	size := len(a.Data) / max(m, 1)
	out := make([][]float64, m)
	for i := range out {
		out[i] = a.Data[i*size : (i+1)*size]
	}
	return out
}
